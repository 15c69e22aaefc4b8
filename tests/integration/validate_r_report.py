"""reports/metron_report.R on `metron report`'s CSV (the golden file): the PNG files exist, are
PNG images and are not empty; infinite values are left out; a CSV of another shape is refused."""
import os
import subprocess
import sys
import tempfile

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def main():
    rscript, script, csv = sys.argv[1:4]
    failures = []
    with tempfile.TemporaryDirectory() as work:
        with open(csv) as text:
            rows = text.read()
        with_infinity = os.path.join(work, "with_infinity.csv")
        with open(with_infinity, "w") as out:
            out.write(rows + "lookup_median,ns,candidate,99,Inf\nlookup_median,ns,candidate,100,NA\n")
        for name, source in (("golden", csv), ("infinite", with_infinity)):
            plots = os.path.join(work, name)
            result = subprocess.run([rscript, script, source, plots], capture_output=True, text=True,
                                    timeout=240)
            if result.returncode != 0:
                failures.append("%s: Rscript exited %d: %s" % (name, result.returncode, result.stderr[-500:]))
                continue
            for png in ("distributions.png", "boxplots.png", "changes.png"):
                path = os.path.join(plots, png)
                if not os.path.exists(path) or os.path.getsize(path) < 5000:
                    failures.append("%s: %s missing or nearly empty" % (name, png))
                    continue
                with open(path, "rb") as image:
                    if image.read(8) != PNG_MAGIC:
                        failures.append("%s: %s is not a PNG file" % (name, png))
            if name == "infinite" and "2 infinite or missing" not in result.stderr:
                failures.append("the infinite and missing values were not reported: " + result.stderr)
        wrong = os.path.join(work, "wrong.csv")
        with open(wrong, "w") as out:
            out.write("name,value\na,1\n")
        result = subprocess.run([rscript, script, wrong, os.path.join(work, "wrong")],
                                capture_output=True, text=True, timeout=240)
        if result.returncode != 2 or "expected 'metric,unit,side,sample,value'" not in result.stderr:
            failures.append("a CSV of another shape was not refused: %d %s" % (result.returncode, result.stderr))
    for failure in failures:
        print("FAIL:", failure)
    print("%d problem(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
