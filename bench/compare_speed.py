#!/usr/bin/python3
"""Times `metron compare` against Google Benchmark's compare.py on the same two files, and
`metron stats` on one of them.

Generates two seeded Google Benchmark JSON files of 1000 benchmarks x 20 repetitions (with the
mean, median, stddev and cv rows Google Benchmark appends), runs each tool on them in this one
run (best of a few runs each, output discarded), prints CPU and wall times and their ratios,
and exits 1 when metron compare is less than 20 times faster than compare.py in CPU time, or
metron stats takes more than 0.2 s of CPU.

usage: compare_speed.py METRON [COMPARE_PY] [--runs N]
"""
import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

BENCHMARKS = 1000
REPETITIONS = 20
TARGET = 20.0
STATS_TARGET_SECONDS = 0.2


def write_run(path, seed, slowdown):
    rng = random.Random(seed)
    rows = []
    for index in range(BENCHMARKS):
        name = f"BM_component{index // 10}/{index % 10 * 64}"
        base = random.Random(index).uniform(20, 20000) * slowdown.get(index, 1.0)
        reals = []
        for rep in range(REPETITIONS):
            real = base * rng.lognormvariate(0, 0.03)
            reals.append(real)
            rows.append({"name": name, "family_index": index, "per_family_instance_index": 0,
                         "run_name": name, "run_type": "iteration", "repetitions": REPETITIONS,
                         "repetition_index": rep, "threads": 1, "iterations": 10000,
                         "real_time": real, "cpu_time": real * 0.98, "time_unit": "ns",
                         "items_per_second": 1e9 / real})
        for aggregate, value in (("mean", statistics.fmean(reals)),
                                 ("median", statistics.median(reals)),
                                 ("stddev", statistics.stdev(reals)),
                                 ("cv", statistics.stdev(reals) / statistics.fmean(reals))):
            rows.append({"name": f"{name}_{aggregate}", "family_index": index,
                         "per_family_instance_index": 0, "run_name": name,
                         "run_type": "aggregate", "repetitions": REPETITIONS, "threads": 1,
                         "aggregate_name": aggregate,
                         "aggregate_unit": "percentage" if aggregate == "cv" else "time",
                         "iterations": REPETITIONS, "real_time": value, "cpu_time": value,
                         "time_unit": "ns"})
    context = {"date": "2026-11-27T00:00:00+00:00", "host_name": "bench", "num_cpus": 2,
               "mhz_per_cpu": 2500, "cpu_scaling_enabled": False,
               "library_build_type": "release", "json_schema_version": 1}
    with open(path, "w") as f:
        json.dump({"context": context, "benchmarks": rows}, f)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best_time(command, runs):
    """The best wall time and the best CPU time (user + system) of `runs` runs of `command`. On a
    shared machine the CPU time is the steadier figure: others' load stretches wall time only."""
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), children_cpu()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - start)
        cpus.append(children_cpu() - cpu_start)
        if result.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.decode()}")
    return min(walls), min(cpus)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("metron")
    parser.add_argument("compare_py", nargs="?", default="/usr/share/benchmark/compare.py")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        baseline = os.path.join(directory, "baseline.json")
        candidate = os.path.join(directory, "candidate.json")
        write_run(baseline, 1, {})
        write_run(candidate, 2, {i: 1.1 for i in range(0, BENCHMARKS, 50)})
        metron = best_time([arguments.metron, "compare", "--no-colour", baseline, candidate],
                           arguments.runs)
        theirs = best_time([sys.executable, arguments.compare_py, "--no-color", "benchmarks",
                            baseline, candidate], arguments.runs)
        stats = best_time([arguments.metron, "stats", baseline], arguments.runs)
        stats_json = best_time([arguments.metron, "stats", "--json", baseline], arguments.runs)
    ratio = theirs[1] / metron[1]
    print(f"compare {BENCHMARKS} benchmarks x {REPETITIONS} repetitions, best of "
          f"{arguments.runs}: metron compare {metron[1]:.2f} s CPU ({metron[0]:.2f} s wall), "
          f"compare.py {theirs[1]:.2f} s CPU ({theirs[0]:.2f} s wall); CPU-time ratio "
          f"{ratio:.1f}x, wall-time ratio {theirs[0] / metron[0]:.1f}x (target >= {TARGET:.0f}x)")
    print(f"stats of one such file, best of {arguments.runs}: table {stats[1]:.2f} s CPU "
          f"({stats[0]:.2f} s wall), --json with intervals {stats_json[1]:.2f} s CPU "
          f"({stats_json[0]:.2f} s wall) (target <= {STATS_TARGET_SECONDS} s)")
    slowest_stats = max(stats[1], stats_json[1])
    sys.exit(0 if ratio >= TARGET and slowest_stats <= STATS_TARGET_SECONDS else 1)


if __name__ == "__main__":
    main()
