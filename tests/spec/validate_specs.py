#!/usr/bin/python3
"""Checks benchmark specifications (YAML) against specs/benchmark-spec.schema.json.

usage: validate_specs.py [--expect-rejections] SCHEMA SPEC...

Every SPEC must be a YAML document that the schema accepts. With --expect-rejections the script
then damages each spec in the ways a user might (an unknown top-level key, a misspelt KPI key, an
unknown statistic, a missing suite, a KPI measuring two things, a metric choosing nothing) and
fails unless the schema rejects every damaged copy: proof that the check can fail.

Exit status: 0 valid, 1 invalid (the message names the file and the problem), 2 usage or
environment problem.
"""

import argparse
import copy
import json
import sys

try:
    import jsonschema
    import yaml
except ImportError as missing:
    print(f"validate_specs.py: {missing.name} is missing "
          "(apt install python3-jsonschema python3-yaml)", file=sys.stderr)
    sys.exit(2)


def load_yaml(path):
    try:
        with open(path, encoding="utf-8") as text:
            return yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as problem:
        print(f"validate_specs.py: {path}: {problem}", file=sys.stderr)
        sys.exit(2)


def damaged_copies(spec):
    """(what, damaged spec) pairs, each a spec the schema must refuse."""
    copies = []

    def damage(what, change):
        damaged = copy.deepcopy(spec)
        change(damaged)
        copies.append((what, damaged))

    damage("an unknown top-level key", lambda s: s.update({"kpi": {}}))
    damage("no suite", lambda s: s.pop("suite"))
    damage("no KPIs", lambda s: s.update({"kpis": {}}))
    damage("an unknown declared direction",
           lambda s: s.update({"directions": {"*:hit_rate": "up"}}))
    damage("neither KPIs nor directions", lambda s: s.pop("kpis"))
    first_kpi = next(iter(spec["kpis"]))
    damage("a misspelt KPI key", lambda s: s["kpis"][first_kpi].update({"threshhold": 1}))
    damage("an unknown statistic", lambda s: s["kpis"][first_kpi].update({"statistic": "p999"}))
    damage("an unknown test", lambda s: s["kpis"][first_kpi].update({"test": "t-test"}))
    damage("alpha out of range", lambda s: s["kpis"][first_kpi].update({"alpha": 1.5}))
    damage("a KPI measuring two things",
           lambda s: s["kpis"][first_kpi].update({"rate": "a", "interval": "b"}))
    damage("a KPI measuring nothing",
           lambda s: s["kpis"].update({"empty": {"statistic": "mean"}}))
    damage("a span without a key",
           lambda s: s["kpis"].update({"span": {"span": {"from": "a", "to": "b"}}}))
    if spec.get("metrics"):
        first_metric = next(iter(spec["metrics"]))
        damage("a metric choosing nothing",
               lambda s: s["metrics"].update({first_metric: {"field": "cpu_time"}}))
        damage("a metric choosing twice",
               lambda s: s["metrics"][first_metric].update({"probe": "a", "benchmark": "b"}))
    return copies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expect-rejections", action="store_true")
    parser.add_argument("schema")
    parser.add_argument("specs", nargs="+")
    arguments = parser.parse_args()

    with open(arguments.schema, encoding="utf-8") as text:
        schema = json.load(text)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    failed = False
    for path in arguments.specs:
        spec = load_yaml(path)
        errors = sorted(validator.iter_errors(spec), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
            print(f"{path}: {where}: {error.message}", file=sys.stderr)
            failed = True
        if errors or not arguments.expect_rejections:
            continue
        for what, damaged in damaged_copies(spec):
            if validator.is_valid(damaged):
                print(f"{path}: the schema accepts a copy with {what}", file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
