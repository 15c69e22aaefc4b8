#!/usr/bin/python3
"""Validates `metron compare --json` output against specs/compare.schema.json.

Runs metron on a few seeded pairs of Google Benchmark files (a regression with a counter, a
counter of unknown direction that changes, an added and a removed benchmark, different CPUs,
single repetitions, equivalence mode), validates
every document, then checks the schema can fail: each document with a required field dropped,
or an unknown one added, at the top and in a metric row, must be rejected.

usage: validate_compare.py SCHEMA METRON
"""
import copy
import json
import os
import random
import subprocess
import sys
import tempfile

import jsonschema


def benchmark_file(path, names, repetitions, factor, seed, mhz=2500):
    rng = random.Random(seed)
    rows = []
    for name in names:
        for rep in range(repetitions):
            real = 1000 * factor * rng.lognormvariate(0, 0.02)
            rows.append({"name": name, "run_name": name, "run_type": "iteration",
                         "repetitions": repetitions, "repetition_index": rep, "threads": 1,
                         "iterations": 100, "real_time": real, "cpu_time": real,
                         "time_unit": "ns", "items_per_second": 1e9 / real,
                         "hit_rate": 0.8 * factor * rng.lognormvariate(0, 0.01)})
    with open(path, "w") as f:
        json.dump({"context": {"num_cpus": 2, "mhz_per_cpu": mhz}, "benchmarks": rows}, f)


def run(metron, arguments):
    result = subprocess.run([metron, "compare", "--json", "-"] + arguments, capture_output=True,
                            text=True)
    if result.returncode not in (0, 1, 3):
        sys.exit(f"metron compare {' '.join(arguments)} exited {result.returncode}: {result.stderr}")
    return json.loads(result.stdout)


def main():
    schema_path, metron = sys.argv[1], sys.argv[2]
    with open(schema_path) as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    documents = []
    with tempfile.TemporaryDirectory() as d:
        p = lambda name: os.path.join(d, name)
        benchmark_file(p("a.json"), ["BM_x", "BM_gone"], 12, 1.0, 1)
        benchmark_file(p("b.json"), ["BM_x", "BM_new"], 12, 1.2, 2, mhz=3000)
        benchmark_file(p("one_a.json"), ["BM_x"], 1, 1.0, 3)
        benchmark_file(p("one_b.json"), ["BM_x"], 1, 1.0, 4)
        documents.append(run(metron, [p("a.json"), p("b.json")]))
        documents.append(run(metron, ["--fail-on-inconclusive", p("one_a.json"), p("one_b.json")]))
        documents.append(run(metron, ["--equivalence", "--tolerance", "3%", "--baseline",
                                      p("a.json"), "--candidate", p("a.json"), p("a.json")]))
        documents.append(run(metron, ["--test", "bootstrap", p("a.json"), p("b.json")]))
        fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures",
                                "google_benchmark")
        documents.append(run(metron, [os.path.join(fixtures, "v1_7_aggregates_only.json"),
                                      os.path.join(fixtures, "v1_7_aggregates_only_slower.json")]))
    for document in documents:
        validator.validate(document)
    aggregates = documents[4]
    assert aggregates["exit_code"] == 1, "a slower aggregates-only candidate fails the gate"
    assert all(m["from_aggregates"] and m["test"] == "welch" for m in aggregates["metrics"])
    assert not any(m["from_aggregates"] for m in documents[0]["metrics"])
    assert "BM_new" in documents[0]["added"] and "BM_gone" in documents[0]["removed"]
    assert documents[0]["comparability"], "different CPUs should be reported"
    assert documents[1]["exit_code"] == 3
    verdicts = {row["name"]: row["verdict"] for row in documents[0]["metrics"]}
    assert verdicts["BM_x:hit_rate"] == "changed", verdicts
    assert documents[0]["counts"]["changed"] >= 1

    accepted = 0
    for document in documents:
        mutations = []
        for key in schema["required"]:
            damaged = copy.deepcopy(document)
            del damaged[key]
            mutations.append((f"without {key}", damaged))
        damaged = copy.deepcopy(document)
        damaged["unexpected"] = 1
        mutations.append(("with an unknown key", damaged))
        for key in schema["$defs"]["metric"]["required"]:
            damaged = copy.deepcopy(document)
            del damaged["metrics"][0][key]
            mutations.append((f"metric without {key}", damaged))
        damaged = copy.deepcopy(document)
        damaged["metrics"][0]["verdict"] = "maybe"
        mutations.append(("an unknown verdict", damaged))
        damaged = copy.deepcopy(document)
        damaged["metrics"][0]["direction"] = "sideways"
        mutations.append(("an unknown direction", damaged))
        for what, damaged in mutations:
            if validator.is_valid(damaged):
                print(f"the schema accepts a document {what}")
                accepted += 1
    print(f"{len(documents)} documents valid; damaged copies rejected"
          if accepted == 0 else f"{accepted} damaged documents accepted")
    sys.exit(1 if accepted else 0)


if __name__ == "__main__":
    main()
