"""Headless Chromium loads the instrumented program's dashboard; the test checks that the rendered
DOM lists the metrics, the monitors and the alert, that the page updated itself from
/api/metrics, and keeps a screenshot."""
import os
import re
import subprocess
import tempfile

import e2e


def chromium(work, *options):
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--user-data-dir=" + os.path.join(work, "profile"),
               "--virtual-time-budget=4000", *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def main():
    args = e2e.arguments()
    out = e2e.output_dir(args.output)
    with tempfile.TemporaryDirectory() as work:
        config = os.path.join(work, "monitor.yaml")
        e2e.write_config(args.config, config, 0, e2e.free_port(e2e.socket.SOCK_DGRAM))
        with e2e.program(args.program, config) as fixture:
            url = "http://127.0.0.1:%d/" % fixture.port
            rendered = chromium(work, "--dump-dom", url)
            e2e.check(rendered.returncode == 0, "chromium rendered the page " + rendered.stderr[-500:])
            dom = rendered.stdout
            with open(os.path.join(out, "dashboard.html"), "w") as saved:
                saved.write(dom)
            updates = re.search(r'<body data-updates="(\d+)"', dom)
            e2e.check(updates and int(updates.group(1)) >= 1,
                      "the page updated itself from /api/metrics (%s)" % (updates and updates.group(1)))
            step = re.search(r'<tr data-metric="work\.step">(.*?)</tr>', dom)
            e2e.check(step is not None, "the table lists work.step")
            e2e.check('<td class="count">1000</td>' in step.group(1), "work.step shows 1000 observations")
            e2e.check("<polyline" in step.group(1), "work.step has a chart")
            for name in ("work.items", "work.queue", "work.job.size", "process.resident_memory"):
                e2e.check('data-metric="%s"' % name in dom, "the table lists " + name)
            monitor = re.search(r'<tr data-monitor="slow_steps">(.*?)</tr>', dom)
            e2e.check(monitor and '<td class="holds">holds</td>' in monitor.group(1),
                      "the monitor slow_steps shows that it holds")
            e2e.check("slow_steps: steps are slow" in dom, "the alert is listed")
            screenshot = os.path.join(out, "dashboard.png")
            shot = chromium(work, "--window-size=1280,1000", "--screenshot=" + screenshot, url)
            e2e.check(shot.returncode == 0 and os.path.getsize(screenshot) > 10000,
                      "a screenshot was kept in " + screenshot)
    print("PASS")


if __name__ == "__main__":
    main()
