"""`metron report --format junit` must validate against specs/junit.xsd (xmllint), for a failing
report with a baseline and a passing one without; and the schema must be able to fail: documents
damaged the ways CI servers would choke on are rejected."""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def xmllint_accepts(xmllint, schema, path):
    result = subprocess.run([xmllint, "--noout", "--schema", schema, path],
                            capture_output=True, text=True)
    return result.returncode == 0, result.stderr


def main():
    xmllint, schema, metron, inputs = sys.argv[1:5]
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for name in ("candidate.json", "baseline.json", "report.yaml"):
            shutil.copy(os.path.join(inputs, name), work)
        runs = {
            "failing.xml": (["--spec", "report.yaml", "candidate.json", "--baseline", "baseline.json"], 1),
            "metrics.xml": (["candidate.json"], 0),
        }
        documents = {}
        for output, (arguments, expected) in runs.items():
            result = subprocess.run([metron, "report", *arguments, "-o", output, "--format", "junit"],
                                    cwd=work, capture_output=True, text=True)
            if result.returncode != expected:
                failures.append("%s: exit %d, expected %d: %s" % (output, result.returncode, expected,
                                                                   result.stderr))
                continue
            path = os.path.join(work, output)
            accepted, errors = xmllint_accepts(xmllint, schema, path)
            if not accepted:
                failures.append("%s does not match the schema: %s" % (output, errors))
            with open(path, encoding="utf-8") as text:
                documents[output] = text.read()

        failing = documents.get("failing.xml", "")
        if "<failure " not in failing or "<skipped " not in failing:
            failures.append("the failing report has no failure or no skipped test case")
        damaged = {
            "a testsuite without its tests count": re.sub(r'(<testsuite [^>]*?) tests="\d+"', r"\1", failing, 1),
            "a testcase without a name": re.sub(r'(<testcase [^>]*?) name="[^"]*"', r"\1", failing, 1),
            "a negative failure count": failing.replace('failures="1"', 'failures="-1"', 1),
            "an unknown element": failing.replace("<properties>", "<properties><verdict/>", 1),
            "output before the failure": re.sub(
                r"(<failure [^>]*>[^<]*</failure>)", r"<system-out>x</system-out>\1", failing, 1),
        }
        for what, text in damaged.items():
            if text == failing:
                failures.append("could not damage the document with " + what)
                continue
            path = os.path.join(work, "damaged.xml")
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
            accepted, _ = xmllint_accepts(xmllint, schema, path)
            if accepted:
                failures.append("the schema accepts " + what)
    for failure in failures:
        print("FAIL:", failure)
    print("%d problem(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
