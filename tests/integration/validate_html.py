"""`metron report` HTML: well-formed XML (XHTML with inline SVG), no external reference, markup
from the inputs escaped, every chart with axes, a title and a legend; rendered by headless
Chromium into a screenshot that is neither blank nor cut off. Keeps the pages and screenshots in
the output directory for people to look at."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

from PIL import Image

FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        FAILURES.append(what)


def run(command, cwd, expected):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
    check(result.returncode == expected, "%s exits %d (got %d: %s)" % (
        " ".join(command[1:4]), expected, result.returncode, result.stderr.strip()[-300:]))
    return result


def scaled_bench(source, target, factor):
    with open(source) as text:
        document = json.load(text)
    for row in document["benchmarks"]:
        if row["name"] == "BM_lookup":
            row["real_time"] *= factor
            row["cpu_time"] *= factor
    with open(target, "w") as out:
        json.dump(document, out)


def make_history(metron, work):
    """Twenty runs of the baseline, the lookup 30 % slower from the twelfth on."""
    for run_index in range(20):
        factor = (1.3 if run_index >= 12 else 1.0) * (1 + 0.01 * ((run_index * 7) % 5))
        commit = "c%02d%s" % (run_index, "0" * 38)
        path = os.path.join(work, "run%02d.json" % run_index)
        scaled_bench(os.path.join(work, "baseline.json"), path, factor)
        run([metron, "history", "add", "--db", "history.sqlite", "--commit", commit,
             "--time", "2026-11-%02dT00:00:00Z" % (run_index + 1), path], work, 0)


def external_references(text):
    found = re.findall(r"(?:https?:|ftp:|file:|data:|//[a-z0-9])", text, re.IGNORECASE)
    found += [link for link in re.findall(r'(?:href|src)="([^"]*)"', text) if not link.startswith("#")]
    found += re.findall(r"url\(", text) + re.findall(r"@import", text)
    return found


def check_page(path):
    with open(path, encoding="utf-8") as page:
        text = page.read()
    name = os.path.basename(path)
    try:
        root = ElementTree.fromstring(text.replace("<!DOCTYPE html>", "", 1))
    except ElementTree.ParseError as error:
        check(False, "%s is well-formed XML: %s" % (name, error))
        return
    check(root.tag == "html", name + " is well-formed XML with an html root")
    check(external_references(text) == [], name + " has no external reference: %s" % external_references(text)[:3])
    check(root.find(".//script") is None, name + " has no script element")
    check(root.find(".//style") is not None, name + " carries its own style sheet")
    svgs = root.findall(".//svg")
    check(len(svgs) >= 2, name + " has charts (%d)" % len(svgs))
    for svg in svgs:
        label = svg.findtext("title", "?")
        has_text = len(svg.findall(".//text")) >= 1 and svg.find("title") is not None
        check(has_text, "%s: chart '%s' has a title and labels" % (name, label))
        if svg.find(".//path[@class='axis']") is not None:
            check(len(svg.findall(".//rect")) + len(svg.findall(".//circle")) + len(svg.findall(".//path")) > 0,
                  "%s: chart '%s' draws something" % (name, label))
    return text


def screenshot(work, page, png, height):
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--hide-scrollbars", "--user-data-dir=" + os.path.join(work, "profile"),
               "--window-size=1280,%d" % height, "--screenshot=" + png, "file://" + page]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    check(result.returncode == 0 and os.path.exists(png), "chromium rendered " + os.path.basename(page))


def check_screenshot(png):
    """Not blank: many distinct colours and real variance. Not cut off: the footer's dark band is
    in the picture and below it only the page's background, so the whole page was drawn."""
    image = Image.open(png).convert("RGB")
    width, height = image.size
    pixels = image.load()
    name = os.path.basename(png)
    sample = [pixels[x, y] for y in range(0, height, 7) for x in range(0, width, 7)]
    luminance = [0.3 * r + 0.59 * g + 0.11 * b for r, g, b in sample]
    mean = sum(luminance) / len(luminance)
    variance = sum((value - mean) ** 2 for value in luminance) / len(luminance)
    check(variance > 200, "%s is not blank (luminance variance %.0f)" % (name, variance))
    check(len(set(sample)) > 50, "%s has many colours (%d)" % (name, len(set(sample))))
    footer = (0x33, 0x41, 0x55)
    footer_rows = [y for y in range(height) if pixels[width // 2, y] == footer]
    check(footer_rows != [], name + " shows the footer: the page was drawn to its end")
    if footer_rows:
        below = [pixels[x, y] for y in range(footer_rows[-1] + 1, height) for x in range(0, width, 16)]
        check(all(pixel == pixels[2, height - 1] for pixel in below),
              name + " has only background below the footer: nothing is cut off")
    right_edge = {pixels[width - 1, y] for y in range(0, height, 3)}
    check(len(right_edge) <= 3, name + " draws nothing past the right edge (%d colours)" % len(right_edge))
    top_band = {pixels[x, 10] for x in range(0, width, 5)}
    check((0xb9, 0x1c, 0x1c) in top_band or (0x15, 0x80, 0x3d) in top_band,
          name + " opens with the red or green verdict band")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("metron")
    parser.add_argument("inputs")
    parser.add_argument("capture_writer")
    parser.add_argument("output")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for name in ("candidate.json", "baseline.json", "report.yaml", "complexity.json"):
            shutil.copy(os.path.join(args.inputs, name), work)
        make_history(args.metron, work)
        run([args.capture_writer, "run.mtr"], work, 0)
        pages = {
            "failing.html": (["--spec", "report.yaml", "candidate.json", "--baseline", "baseline.json",
                              "--history", "history.sqlite"], 1, 4200),
            "capture.html": (["run.mtr"], 0, 3200),
            "complexity.html": (["complexity.json"], 0, 4800),
        }
        for page, (arguments, expected, height) in pages.items():
            run([args.metron, "report", *arguments, "-o", page], work, expected)
            path = os.path.join(work, page)
            if not os.path.exists(path):
                check(False, page + " was written")
                continue
            text = check_page(path)
            if page == "failing.html" and text:
                check("&lt;script&gt;" in text, "the KPI named <script> is shown escaped")
                check("History of" in text, "the history trend is drawn")
                check('class="change"' in text, "its change point is marked")
            if page == "capture.html" and text:
                check("RSS over the run" in text and "CPU over the run" in text,
                      "the capture's resources are drawn")
            if page == "complexity.html" and text:
                check("Complexity of bm_quadratic" in text and 'class="fit"' in text,
                      "the complexity fit is drawn")
            png = os.path.join(args.output, page.replace(".html", ".png"))
            screenshot(work, path, png, height)
            if os.path.exists(png):
                check_screenshot(png)
            shutil.copy(path, os.path.join(args.output, page))
    print("%d problem(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
