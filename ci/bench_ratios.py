#!/usr/bin/python3
"""Turns probe_bench's and log_bench's Google Benchmark JSON into the ratios and targets metron is
held to. usage: bench_ratios.py PROBE_JSON [LOG_JSON]"""
import json
import sys


def medians(path):
    """Maps each benchmark's base name to its median aggregate row."""
    with open(path, encoding="utf-8") as handle:
        rows = json.load(handle)["benchmarks"]
    found = {}
    for row in rows:
        if row.get("aggregate_name") == "median":
            found[row["run_name"]] = row
    return found


class BenchRows:
    """One Google Benchmark JSON file's median rows, looked up by name."""

    def __init__(self, path):
        self.rows = medians(path)

    def __getitem__(self, name):
        return self.rows[name]

    def per_op(self, name):
        # Google Benchmark writes inverted rate counters in seconds per item.
        return self.rows[name]["ns_per_op"] * 1e9

    def find(self, prefix):
        for name, row in self.rows.items():
            if name.startswith(prefix):
                return row
        raise KeyError(prefix)


def log_checks(path):
    """The structured-logging figures: caller cost against spdlog, a filtered call, throughput."""
    rows = BenchRows(path)

    ours = rows.per_op("metron_enabled_three_fields/manual_time")
    theirs = rows.per_op("spdlog_async_three_fields/manual_time")
    filtered = rows["metron_filtered_out"]["real_time"]
    sustained = rows.find("metron_sustained_json_file/")
    through_json = rows.find("metron_sustained_json_file_to_object/")
    return [
        ("log call with three fields, caller side / spdlog async logger doing the same",
         f"{ours:.1f} ns / {theirs:.1f} ns = {ours / theirs:.3f}", ours / theirs <= 0.25, "<= 0.25"),
        ("log call filtered out by severity", f"{filtered:.2f} ns", filtered <= 2.0, "<= 2 ns"),
        ("sustained logging into a rotating JSON-lines file, one logging thread",
         f"{sustained['records_per_s'] / 1e6:.2f} M records/s, {sustained['dropped']:.0f} dropped",
         sustained["records_per_s"] >= 1e6 and sustained["dropped"] == 0, ">= 1 M/s, 0 dropped"),
        ("the same with a to_object value (a JSON value built per record)",
         f"{through_json['records_per_s'] / 1e6:.2f} M records/s, {through_json['dropped']:.0f} dropped",
         through_json["dropped"] == 0, "0 dropped"),
    ]


def main():
    rows = BenchRows(sys.argv[1])

    reference = rows.per_op("reference_two_rdtsc_and_store/manual_time")
    active = rows.per_op("bracket_capture_active/manual_time")
    inactive = rows["bracket_inactive"]["real_time"]
    bare = rows.per_op("work_bare/manual_time")
    bracketed = rows.per_op("work_bracketed/manual_time")
    timed = rows.per_op("work_reference_timed/manual_time")
    sustained = rows.find("sustained_capture")

    checks = [
        ("empty bracket, capture active / reference (2 rdtsc + 32-byte store)",
         f"{active:.2f} ns / {reference:.2f} ns = {active / reference:.3f}", active / reference <= 1.15, "<= 1.15"),
        ("bracket with no session active", f"{inactive:.3f} ns", inactive <= 1.0, "<= 1 ns"),
        ("bracket around ~50 ns of work, added cost",
         f"{bracketed:.2f} ns - {bare:.2f} ns = {bracketed - bare:.2f} ns", bracketed - bare <= 3.0, "<= 3 ns"),
        ("  the floor here: 2 rdtsc + 32-byte store around the same work, added cost",
         f"{timed:.2f} ns - {bare:.2f} ns = {timed - bare:.2f} ns", None, "none; for comparison"),
        ("  bracket around the work beyond that floor",
         f"{bracketed:.2f} ns - {timed:.2f} ns = {bracketed - timed:.2f} ns", bracketed - timed <= 3.0, "<= 3 ns"),
        ("sustained capture, one producer, block policy",
         f"{sustained['records_per_s'] / 1e6:.1f} M records/s = {sustained['records_per_s'] / 20e6:.2f} x 20 M/s, "
         f"{sustained['bytes_per_record']:.2f} bytes/record, {sustained['dropped']:.0f} dropped",
         sustained["records_per_s"] >= 20e6 and sustained["dropped"] == 0, ">= 20 M/s, 0 dropped"),
    ]
    if len(sys.argv) > 2:
        checks += log_checks(sys.argv[2])
    failed = 0
    for name, figure, ok, target in checks:
        verdict = "INFO" if ok is None else "PASS" if ok else "MISS"
        print(f"{verdict}  {name}: {figure}  (target {target})")
        failed += 1 if ok is False else 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
