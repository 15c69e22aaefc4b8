#!/usr/bin/python3
"""Checks `metron compare` against Google Benchmark's compare.py (Debian's libbenchmark-tools).

Both tools read the same inputs: compare.py's own shipped test inputs (test1: one row per
benchmark, for relative changes; test3: repeated rows, for U-test p-values) and a seeded pair of
Google Benchmark files with 5 to 20 repetitions, ties included, and median aggregates. metron's
U-test p-values (real and CPU time) must equal compare.py's, and its relative change of medians
must equal compare.py's change of the single rows and of the "_median" aggregate rows, within
1e-6.

The shipped inputs predate json_schema_version 1, whose run_type field metron's reader requires:
they are copied with run_type "iteration" and a repetition_index added to rows that lack them,
which changes nothing compare.py computes (it partitions by name and ignores both fields).

usage: compare_oracle.py METRON COMPARE_PY_DIR
"""
import json
import os
import random
import subprocess
import sys
import tempfile

TOLERANCE = 1e-6


def normalised(path, out_path):
    with open(path) as f:
        document = json.load(f)
    seen = {}
    for row in document["benchmarks"]:
        if row.get("run_type") != "aggregate" or "aggregate_name" not in row:
            row["run_type"] = "iteration"
        if row["run_type"] == "iteration":
            row.setdefault("repetition_index", seen.get(row["name"], 0))
            seen[row["name"]] = seen.get(row["name"], 0) + 1
    with open(out_path, "w") as f:
        json.dump(document, f)


def generated_pair(directory, seed):
    """Two runs of 40 benchmarks: repetitions 5 (exact U), 12 or 20; some values rounded to force
    ties; shifts from -10 % to +10 %; Google Benchmark's mean, median and stddev rows appended."""
    rng = random.Random(seed)
    sides = ([], [])
    for index in range(40):
        name = f"BM_generated/{index}"
        repetitions = [5, 12, 20][index % 3]
        base = rng.uniform(50, 5000)
        shift = rng.uniform(-0.1, 0.1)
        rounded = index % 4 == 0
        for side, factor in ((0, 1.0), (1, 1.0 + shift)):
            times = []
            for rep in range(repetitions):
                real = base * factor * rng.lognormvariate(0, 0.03)
                cpu = real * rng.uniform(0.95, 1.0)
                if rounded:
                    real, cpu = round(real / 10) * 10, round(cpu / 10) * 10
                times.append((real, cpu))
                sides[side].append({
                    "name": name, "run_name": name, "run_type": "iteration",
                    "repetitions": repetitions, "repetition_index": rep, "threads": 1,
                    "iterations": 1000, "real_time": real, "cpu_time": cpu, "time_unit": "ns"})
            reals = sorted(t[0] for t in times)
            cpus = sorted(t[1] for t in times)
            for aggregate, pick in (("mean", lambda v: sum(v) / len(v)),
                                    ("median", median),
                                    ("stddev", lambda v: 0.0)):
                sides[side].append({
                    "name": f"{name}_{aggregate}", "run_name": name, "run_type": "aggregate",
                    "aggregate_name": aggregate, "repetitions": repetitions, "threads": 1,
                    "iterations": repetitions, "real_time": pick(reals),
                    "cpu_time": pick(cpus), "time_unit": "ns"})
    paths = []
    for side, rows in enumerate(sides):
        path = os.path.join(directory, f"generated_{side}.json")
        with open(path, "w") as f:
            json.dump({"context": {"num_cpus": 2, "mhz_per_cpu": 2500,
                                   "library_build_type": "release"},
                       "benchmarks": rows}, f)
        paths.append(path)
    return paths


def median(values):
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def run_compare_py(compare_py, a, b, directory):
    dump = os.path.join(directory, "compare_py.json")
    subprocess.run([sys.executable, compare_py, "--no-color", "-d", dump, "benchmarks", a, b],
                   check=True, stdout=subprocess.DEVNULL)
    with open(dump) as f:
        return json.load(f)


def run_metron(metron, a, b):
    # The numbers are compared, not the gate: compare.py's inputs have too few repetitions for
    # their rows to be flagged at all, which metron says and accepts with --allow-blind.
    result = subprocess.run([metron, "compare", "--allow-blind", "--json", "-", a, b],
                            capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"metron compare {a} {b} exited {result.returncode}: {result.stderr}")
    return {row["name"]: row for row in json.loads(result.stdout)["metrics"]}


def agree(what, ours, theirs, failures):
    if ours is None or abs(ours - theirs) > TOLERANCE:
        failures.append(f"{what}: metron {ours}, compare.py {theirs}")


def check_pair(metron, compare_py, a, b, directory, counts, failures):
    theirs = run_compare_py(compare_py, a, b, directory)
    ours = run_metron(metron, a, b)
    for entry in theirs:
        name = entry["name"]
        utest = entry.get("utest") or {}
        if utest.get("time_pvalue") is not None:
            agree(f"{name} real-time p", ours[name]["p_value"], utest["time_pvalue"], failures)
            agree(f"{name} cpu-time p", ours[name + ":cpu_time"]["p_value"],
                  utest["cpu_pvalue"], failures)
            counts["p"] += 2
        measurements = entry["measurements"]
        if entry.get("aggregate_name") == "median":
            metric = name[: -len("_median")]
        elif (entry.get("run_type") != "aggregate" and name in ours
              and ours[name]["baseline"]["n"] == 1 and ours[name]["candidate"]["n"] == 1):
            metric = name  # one row a side: compare.py's change is the change of medians
        else:
            continue
        if measurements[0]["real_time"] == 0:
            continue  # compare.py then divides by the mean of both; metron calls it undefined
        agree(f"{name} real-time change", ours[metric]["change"], measurements[0]["time"],
              failures)
        agree(f"{name} cpu-time change", ours[metric + ":cpu_time"]["change"],
              measurements[0]["cpu"], failures)
        counts["change"] += 2


def main():
    metron, compare_dir = sys.argv[1], sys.argv[2]
    compare_py = os.path.join(compare_dir, "compare.py")
    inputs = os.path.join(compare_dir, "gbench", "Inputs")
    counts = {"p": 0, "change": 0}
    failures = []
    with tempfile.TemporaryDirectory() as directory:
        for first, second in (("test1_run1.json", "test1_run2.json"),
                              ("test3_run0.json", "test3_run1.json")):
            a = os.path.join(directory, first)
            b = os.path.join(directory, second)
            normalised(os.path.join(inputs, first), a)
            normalised(os.path.join(inputs, second), b)
            check_pair(metron, compare_py, a, b, directory, counts, failures)
        a, b = generated_pair(directory, 20261127)
        check_pair(metron, compare_py, a, b, directory, counts, failures)
    for failure in failures:
        print(failure)
    print(f"compared {counts['p']} p-values and {counts['change']} relative changes; "
          f"{len(failures)} disagree by more than {TOLERANCE}")
    if failures or counts["p"] < 80 or counts["change"] < 80:
        sys.exit(1)


if __name__ == "__main__":
    main()
