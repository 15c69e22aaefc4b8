#!/usr/bin/python3
"""Checks JSON-lines logs against specs/log-record.schema.json.

usage: validate_log.py [--expect-rejections] [--min-files N] SCHEMA FOLDER

Every line of every regular *.json file in FOLDER (links are skipped: they name one of the files)
must be a JSON object the schema accepts; there must be at least one line and at least N files.
With --expect-rejections the script then damages the first line in every way the format forbids
(an unknown property, each required property removed, a bad severity, privacy, timestamp or
thread, a payload that is not an object) and fails unless the schema rejects each damaged line:
proof that the check can fail.

Exit status: 0 valid, 1 invalid (the message names the file and line), 2 usage or environment.
"""

import argparse
import copy
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("validate_log.py: the jsonschema module is missing (apt install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)


def log_files(folder):
    names = sorted(name for name in os.listdir(folder) if name.endswith(".json"))
    return [os.path.join(folder, name) for name in names
            if not os.path.islink(os.path.join(folder, name))]


def damaged_copies(line):
    """Yields (what was done, damaged line) pairs the schema must reject."""
    extra = copy.deepcopy(line)
    extra["colour"] = "red"
    yield "an unknown property", extra
    for key in line:
        missing = copy.deepcopy(line)
        del missing[key]
        yield f"'{key}' removed", missing
    for key, value in [("severity", "loud"), ("privacy", "secret"),
                       ("timestamp", "2026-11-27 23:40:00"), ("timestamp", "2026-11-27T23:40:00Z"),
                       ("thread", -1), ("thread", "7"), ("payload", [1, 2]), ("payload", 3),
                       ("namespace", "a..b"), ("host", 5)]:
        bad = copy.deepcopy(line)
        bad[key] = value
        yield f"'{key}' set to {json.dumps(value)}", bad


def main():
    parser = argparse.ArgumentParser(add_help=True)
    parser.add_argument("--expect-rejections", action="store_true")
    parser.add_argument("--min-files", type=int, default=1)
    parser.add_argument("schema")
    parser.add_argument("folder")
    arguments = parser.parse_args()

    with open(arguments.schema, encoding="utf-8") as schema_file:
        schema = json.load(schema_file)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    files = log_files(arguments.folder)
    if len(files) < arguments.min_files:
        print(f"{arguments.folder}: {len(files)} log files, expected at least {arguments.min_files}",
              file=sys.stderr)
        return 1
    first = None
    count = 0
    for path in files:
        with open(path, encoding="utf-8") as log_file:
            for number, text in enumerate(log_file, start=1):
                try:
                    line = json.loads(text)
                except json.JSONDecodeError as error:
                    print(f"{path}:{number}: not JSON: {error}", file=sys.stderr)
                    return 1
                problem = jsonschema.exceptions.best_match(validator.iter_errors(line))
                if problem is not None:
                    where = "/".join(str(part) for part in problem.absolute_path) or "the line"
                    print(f"{path}:{number}: {where}: {problem.message}", file=sys.stderr)
                    return 1
                first = first if first is not None else line
                count += 1
    if count == 0:
        print(f"{arguments.folder}: no log lines", file=sys.stderr)
        return 1
    print(f"validate_log.py: {count} lines in {len(files)} files match the schema")

    if arguments.expect_rejections:
        for what, damaged in damaged_copies(first):
            if validator.is_valid(damaged):
                print(f"validate_log.py: the schema accepts a line with {what}", file=sys.stderr)
                return 1
        print("validate_log.py: the schema rejects every damaged line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
