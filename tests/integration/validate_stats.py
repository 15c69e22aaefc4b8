#!/usr/bin/python3
"""Checks `metron stats --json` against specs/stats.schema.json.

usage: validate_stats.py [--expect-rejections] SCHEMA METRON WORKDIR -- STATS-ARGUMENTS...

Runs METRON stats --json with the given arguments in WORKDIR and validates its output. With
--expect-rejections the script then damages the document (an unknown property, each required
property of the top level, an input and a metric removed in turn, a wrong type) and fails unless
the schema rejects every damaged copy: proof that the check can fail.

Exit status: 0 valid, 1 invalid, 2 usage or environment problem.
"""
import copy
import json
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    print("validate_stats.py: the jsonschema module is missing (apt install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)


def damaged_copies(document):
    """Copies of `document`, each with one thing wrong, and what is wrong with it."""
    def changed(describe, change):
        damaged = copy.deepcopy(document)
        change(damaged)
        return describe, damaged

    copies = [changed("an unknown top-level property", lambda d: d.update(surprise=1)),
              changed("a metric with an unknown property", lambda d: d["metrics"][0].update(x=1)),
              changed("a count that is a string", lambda d: d["metrics"][0].update(n="4")),
              changed("an unknown input format", lambda d: d["inputs"][0].update(format="csv")),
              changed("no metrics at all", lambda d: d.update(metrics=[]))]
    for key in list(document):
        copies.append(changed(f"no '{key}'", lambda d, key=key: d.pop(key)))
    for key in list(document["inputs"][0]):
        copies.append(changed(f"an input without '{key}'",
                              lambda d, key=key: d["inputs"][0].pop(key)))
    for key in list(document["metrics"][0]):
        copies.append(changed(f"a metric without '{key}'",
                              lambda d, key=key: d["metrics"][0].pop(key)))
    return copies


def main(argv):
    expect_rejections = "--expect-rejections" in argv
    argv = [a for a in argv if a != "--expect-rejections"]
    if len(argv) < 5 or argv[3] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    schema_path, metron, workdir, arguments = argv[0], argv[1], argv[2], argv[4:]
    with open(schema_path, encoding="utf-8") as schema_file:
        schema = json.load(schema_file)
    validator = jsonschema.Draft202012Validator(schema)
    done = subprocess.run([metron, "stats", "--json", *arguments], cwd=workdir,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"validate_stats.py: metron stats exited with {done.returncode}: {done.stderr}",
              file=sys.stderr)
        return 1
    document = json.loads(done.stdout)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    for error in errors:
        print(f"{'/'.join(map(str, error.path))}: {error.message}", file=sys.stderr)
    if errors:
        return 1
    if expect_rejections:
        accepted = [what for what, damaged in damaged_copies(document)
                    if validator.is_valid(damaged)]
        for what in accepted:
            print(f"validate_stats.py: the schema accepts a document with {what}",
                  file=sys.stderr)
        if accepted:
            return 1
    print(f"{len(document['metrics'])} metrics valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
