"""`metron report --format json` must match specs/report.schema.json (python3-jsonschema): a
failing report with a baseline and a history, a report of metrics alone, and one of a capture;
and the schema must be able to fail: documents with a field dropped, an unknown field added or a
state misspelt are rejected."""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonschema


def run(command, cwd):
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def main():
    schema_path, metron, inputs, capture_writer = sys.argv[1:5]
    with open(schema_path) as text:
        schema = json.load(text)
    validator = jsonschema.Draft202012Validator(schema)
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for name in ("candidate.json", "baseline.json", "report.yaml"):
            shutil.copy(os.path.join(inputs, name), work)
        for index, name in enumerate(["baseline.json"] * 8 + ["candidate.json"] * 8):
            added = run([metron, "history", "add", "--db", "history.sqlite", "--commit",
                         "commit%02d" % index, "--time", "2026-11-%02dT00:00:00Z" % (index + 1), name], work)
            if added.returncode != 0:
                failures.append("history add: " + added.stderr)
        if run([capture_writer, "run.mtr"], work).returncode != 0:
            failures.append("the fixture capture could not be written")
        cases = {
            "failing": (["--spec", "report.yaml", "candidate.json", "--baseline", "baseline.json",
                         "--history", "history.sqlite"], 1),
            "metrics": (["candidate.json", "--baseline", "baseline.json"], 1),
            "capture": (["run.mtr"], 0),
        }
        documents = {}
        for name, (arguments, expected) in cases.items():
            result = run([metron, "report", *arguments, "-o", "-", "--format", "json"], work)
            if result.returncode != expected:
                failures.append("%s: exit %d, expected %d: %s" % (name, result.returncode, expected, result.stderr))
                continue
            document = json.loads(result.stdout)
            errors = [error.message for error in validator.iter_errors(document)]
            if errors:
                failures.append("%s does not match the schema: %s" % (name, errors[:3]))
            documents[name] = document
        failing = documents.get("failing")
        if failing is None or not failing["change_points"]:
            failures.append("the failing report shows no change point of its history")
        else:
            damaged = {}
            for field in ("rows", "passed", "counts"):
                damaged["without " + field] = copy.deepcopy(failing)
                del damaged["without " + field][field]
            damaged["an unknown field"] = dict(copy.deepcopy(failing), verdict="fail")
            damaged["a misspelt state"] = copy.deepcopy(failing)
            damaged["a misspelt state"]["rows"][0]["state"] = "breached"
            damaged["a row without its change"] = copy.deepcopy(failing)
            del damaged["a row without its change"]["rows"][0]["change"]
            damaged["a negative count"] = copy.deepcopy(failing)
            damaged["a negative count"]["counts"]["pass"] = -1
            for what, document in damaged.items():
                if validator.is_valid(document):
                    failures.append("the schema accepts a document with " + what)
    for failure in failures:
        print("FAIL:", failure)
    print("%d problem(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
