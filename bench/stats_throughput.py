#!/usr/bin/python3
"""Measures `metron stats --streaming` end to end over a synthetic capture: records per second
against the 20 M/s target and peak resident memory (GNU time's maximum resident set size)
against 1 GiB.

usage: stats_throughput.py METRON MAKE_CAPTURE WORKDIR [--records N] [--runs K]
The capture (N records, default 100 M, over 64 sites and 8 threads, bimodal sites included) is
written once to WORKDIR and reused while its size parameters stay the same.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

TARGET_RECORDS_PER_S = 20e6
TARGET_PEAK_BYTES = 1 << 30


def make_capture(make_capture_tool, workdir, records):
    path = os.path.join(workdir, f"stats-bench-{records}.mtr")
    if not os.path.exists(path):
        print(f"== writing {path} ({records} records)", file=sys.stderr)
        subprocess.run([make_capture_tool, "-o", path + ".part", "--records", str(records),
                        "--sites", "64", "--threads", "8", "--bimodal"], check=True)
        os.replace(path + ".part", path)
    return path


def timed_run(metron, capture):
    """Wall seconds and peak RSS in bytes of one streaming `metron stats` run."""
    command = ["/usr/bin/time", "-v", metron, "stats", "--streaming", "--json", "-o", os.devnull,
               capture]
    start = time.perf_counter()
    done = subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    wall = time.perf_counter() - start
    peak_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return wall, peak_kib * 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("metron")
    parser.add_argument("make_capture")
    parser.add_argument("workdir")
    parser.add_argument("--records", type=int, default=100_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    capture = make_capture(args.make_capture, args.workdir, args.records)
    size = os.path.getsize(capture)
    runs = [timed_run(args.metron, capture) for _ in range(args.runs)]
    wall = statistics.median(run[0] for run in runs)
    peak = max(run[1] for run in runs)
    rate = args.records / wall
    checks = [
        (f"metron stats --streaming, {args.records / 1e6:.0f} M records ({size / 2**20:.0f} MiB), "
         f"median of {args.runs} runs",
         f"{rate / 1e6:.1f} M records/s = {rate / TARGET_RECORDS_PER_S:.2f} x 20 M/s "
         f"({wall:.2f} s)", rate >= TARGET_RECORDS_PER_S, ">= 20 M records/s"),
        ("  peak resident memory (GNU time -v, largest of the runs)",
         f"{peak / 2**20:.1f} MiB = {peak / TARGET_PEAK_BYTES:.3f} x 1 GiB",
         peak <= TARGET_PEAK_BYTES, "<= 1 GiB"),
    ]
    failed = 0
    for name, figure, ok, target in checks:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {figure}  (target {target})")
        failed += 0 if ok else 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
