#!/usr/bin/python3
"""Checks a capture's JSON-lines dump against specs/capture-dump.schema.json.

usage: validate_dump.py [--expect-rejections] SCHEMA DUMP
       validate_dump.py [--expect-rejections] SCHEMA -- PROGRAM [ARGS...]

The dump is a file, or the standard output of PROGRAM. Every line must be a JSON object that the
schema accepts, the first a metadata line, the last a status line, and every line type the schema
defines must appear. With --expect-rejections the script then damages one line of each type
(an unknown property, each required property removed, an unknown type) and fails unless the
schema rejects every damaged line: proof that the check can fail.

Exit status: 0 valid, 1 invalid (the message names the line), 2 usage or environment problem.
"""

import argparse
import copy
import json
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    print("validate_dump.py: the jsonschema module is missing (apt install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)


USAGE = "usage: validate_dump.py [--expect-rejections] SCHEMA (DUMP | -- PROGRAM [ARGS...])"


def usage_error(message):
    print(f"{USAGE}\nvalidate_dump.py: {message}", file=sys.stderr)
    sys.exit(2)


def read_dump(dump, command):
    if command is not None:
        if not command:
            usage_error("no program after --")
        result = subprocess.run(command, stdout=subprocess.PIPE, check=False)
        if result.returncode != 0:
            print(f"validate_dump.py: {' '.join(command)} exited with {result.returncode}",
                  file=sys.stderr)
            sys.exit(1)
        source, raw = command[0], result.stdout
    elif dump is None:
        usage_error("no dump file and no program")
    else:
        with open(dump, "rb") as dump_file:
            source, raw = dump, dump_file.read()
    try:
        return source, raw.decode("utf-8")
    except UnicodeDecodeError as error:
        print(f"{source}: the dump is not UTF-8: {error}", file=sys.stderr)
        sys.exit(1)


def line_definitions(schema):
    """Maps each line type to the name of its definition in the schema."""
    definitions = {}
    for name, definition in schema["$defs"].items():
        line_type = definition.get("properties", {}).get("type", {}).get("const")
        if line_type is not None:
            definitions[line_type] = name
    return definitions


def explain(schema, definitions, line, error):
    """The most useful message for an invalid line: the errors against the definition its type
    names, rather than oneOf's summary that no alternative matched."""
    name = definitions.get(line.get("type")) if isinstance(line, dict) else None
    if name is not None:
        narrowed = dict(schema)
        del narrowed["oneOf"]
        narrowed["$ref"] = f"#/$defs/{name}"
        specific = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(narrowed).iter_errors(line))
        if specific is not None:
            error = specific
    where = "/".join(str(part) for part in error.absolute_path) or "(line)"
    return f"{where}: {error.message}"


def damaged_variants(line, definition):
    """Lines the schema must refuse, each with a description."""
    extra = copy.deepcopy(line)
    extra["unexpected_property"] = 1
    yield "an unknown property", extra
    for name in definition["required"]:
        missing = copy.deepcopy(line)
        del missing[name]
        yield f"no '{name}'", missing
    unknown = copy.deepcopy(line)
    unknown["type"] = "no-such-type"
    yield "an unknown type", unknown


def main():
    arguments = sys.argv[1:]
    command = None
    if "--" in arguments:
        split = arguments.index("--")
        arguments, command = arguments[:split], arguments[split + 1:]
    parser = argparse.ArgumentParser(usage=USAGE[len("usage: "):])
    parser.add_argument("--expect-rejections", action="store_true")
    parser.add_argument("schema")
    parser.add_argument("dump", nargs="?")
    args = parser.parse_args(arguments)

    with open(args.schema, encoding="utf-8") as schema_file:
        schema = json.load(schema_file)
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    definitions = line_definitions(schema)

    source, text = read_dump(args.dump, command)
    lines = text.splitlines()
    if not lines:
        print(f"{source}: the dump is empty", file=sys.stderr)
        return 1
    failures = 0
    first_of_type = {}
    for number, raw in enumerate(lines, start=1):
        try:
            line = json.loads(raw)
        except json.JSONDecodeError as error:
            print(f"{source}:{number}: not JSON: {error}", file=sys.stderr)
            failures += 1
            continue
        error = jsonschema.exceptions.best_match(validator.iter_errors(line))
        if error is not None:
            print(f"{source}:{number}: {explain(schema, definitions, line, error)}",
                  file=sys.stderr)
            failures += 1
            continue
        first_of_type.setdefault(line["type"], (number, line))
    if failures:
        return 1
    if json.loads(lines[0]).get("type") != "metadata":
        print(f"{source}:1: the first line is not the metadata", file=sys.stderr)
        return 1
    if json.loads(lines[-1]).get("type") != "status":
        print(f"{source}:{len(lines)}: the last line is not the status", file=sys.stderr)
        return 1
    missing = sorted(set(definitions) - set(first_of_type))
    if missing:
        print(f"{source}: no line of type {', '.join(missing)}", file=sys.stderr)
        return 1

    if args.expect_rejections:
        for line_type, (number, line) in sorted(first_of_type.items()):
            definition = schema["$defs"][definitions[line_type]]
            for description, damaged in damaged_variants(line, definition):
                if validator.is_valid(damaged):
                    print(f"{source}:{number}: the schema accepts a {line_type} line with "
                          f"{description}", file=sys.stderr)
                    failures += 1
        if failures:
            return 1
        print(f"{source}: the schema rejects every damaged line")
    else:
        print(f"{source}: {len(lines)} lines match the schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
