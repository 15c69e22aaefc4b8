"""`metron serve` replays a capture of the quickstart example and serves it: the counts in
/api/metrics match `metron info`, promtool accepts /metrics, and SIGTERM ends it with status 0."""
import argparse
import json
import os
import signal
import subprocess
import tempfile

import e2e


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--metron", required=True)
    parser.add_argument("--quickstart", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        capture = os.path.join(work, "run.mtr")
        subprocess.run([args.metron, "record", "-o", capture, "--", args.quickstart], check=True,
                       stdout=subprocess.DEVNULL)
        info = json.loads(subprocess.run([args.metron, "info", "--json", capture], check=True,
                                         capture_output=True, text=True).stdout)
        server = subprocess.Popen([args.metron, "serve", capture, "--port", "0"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline()
            e2e.check(line.startswith("serving "), "metron serve announces its address: " + line.strip())
            base = line.split(" on ")[1].strip()
            status, body = e2e.http_get(base + "api/metrics")
            served = {metric["name"]: metric for metric in json.loads(body)["metrics"]}
            brackets = [site for site in info["sites"] if site["kind"] == "bracket"]
            e2e.check(brackets, "the capture has brackets")
            for site in brackets:
                got = served.get(site["name"], {}).get("values", {}).get("count")
                e2e.check(got == site["count"],
                          "%s: %s served, %s in the capture" % (site["name"], got, site["count"]))
            status, metrics = e2e.http_get(base + "metrics")
            lint = subprocess.run(["promtool", "check", "metrics"], input=metrics, text=True,
                                  capture_output=True)
            e2e.check(lint.returncode == 0, "promtool accepts the replay's /metrics " + lint.stdout)
        finally:
            server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=20)
        e2e.check(code == 0, "SIGTERM ends metron serve with status 0 (got %s)" % code)
    print("PASS")


if __name__ == "__main__":
    main()
