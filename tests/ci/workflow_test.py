#!/usr/bin/python3
"""Runs the steps of ci/workflows/<workflow>.yml as the CI service would, on this machine.

Usage: workflow_test.py github-actions|gitlab-ci --source DIR --metron FILE --suite FILE
                        [--filter REGEX] [--repetitions N] [--min-time SECONDS] [--keep]

Reads the workflow with PyYAML, takes its steps (GitHub) or script lines (GitLab) in order and
runs them in a scratch workspace with the variables the service would set, three times:

  1. a push to main: no earlier run, so the baseline is the committed one; the run goes into the
     history;
  2. another push to main: the baseline is run 1's results, fetched as the service would fetch
     them, and the history then holds two runs;
  3. a pull (merge) request built with METRON_DEMO_SLOWDOWN=400: the job must fail at the gate,
     with the regression in the Markdown summary, and leave the history alone.

Two runs of the same build on a shared machine can differ by more than specs/demo.yaml's 10 %
tolerances (consecutive runs here have moved the block fetch by half and the throughput by a
fifth), so the runs check against a copy of that spec whose tolerances are wider than such noise
(PERF_SPEC): run 2 must pass whatever the machine does between runs, and run 3's validation,
five times slower, must still stand out. This test is about the workflow carrying the verdict
through; the comparator's power is tested by its own tests and by the demo.gate_* tests.

What exists only on the hosted service is stood in, and each stand-in says so as it runs:
  - checkout (GitHub's actions/checkout, GitLab's clone): a copy of the source tree's files;
  - artifacts (actions/upload-artifact, GitLab's `artifacts:`): kept per run in the scratch
    directory; GitHub's download of the last main run's artifact (dawidd6/action-download-artifact)
    copies it from there, and GitLab's API, which `ci/perf-gate fetch` downloads it from and
    `publish` posts the merge-request note to, is a local HTTP server with the same routes;
  - the cache (actions/cache/restore and save): a directory per key in the scratch directory;
  - the committed baseline: measured on this machine first, since the committed one comes from
    another machine and build;
  - the build step (`ci/perf-gate build`): the tool and the suite are --metron and --suite,
    from the build tree this test runs in, which ctest's build keeps current; building that
    tree again from inside a test of it would race the other builds of the tree.
The suite runs with --repetitions, --min-time and --filter instead of the workflow's own
settings, so that a pass takes seconds. Exit status 0 when every check holds, 1 with the reason
otherwise.
"""

import argparse
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "support"))
from checkout import copy_source  # noqa: E402

PROJECT_ID = "42"
MERGE_REQUEST = "7"
FEATURE_BRANCH = "feature/slower-ledger"
# The slowed run's extra validation work, in percent: throughput falls to about a fifth.
SLOWDOWN_PERCENT = 400
# Per KPI of specs/demo.yaml: wider than two runs of one build differ by on a busy shared machine,
# narrower than SLOWDOWN_PERCENT moves the validation throughput (about -80 %).
NOISE_TOLERANCES = {"validation_throughput": "50%", "mempool_add_median": "150%",
                    "block_fetch_median": "300%"}


class check_failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise check_failed(message)


def say(message):
    print(f"workflow_test: {message}", flush=True)


class run_context:
    """One pass: which branch, which commit, with what extra environment."""

    def __init__(self, number, on_main, slowdown):
        self.number = number
        self.on_main = on_main
        self.slowdown = slowdown
        self.commit = f"{number:02d}" + "c0ffee" * 6 + "00"
        self.run_id = str(1000 + number)


class workflow_runner:
    """What both services share: the scratch space, the environment, running a shell command."""

    def __init__(self, workflow, options, scratch):
        self.workflow = workflow
        self.options = options
        self.scratch = scratch
        self.source = Path(options.source).resolve()
        self.metron = Path(options.metron).resolve()
        self.suite = Path(options.suite).resolve()
        self.template = scratch / "checkout"
        copy_source(self.source, self.template)
        self.spec = self.write_noise_tolerant_spec()
        self.measure_committed_baseline()

    def write_noise_tolerant_spec(self):
        """specs/demo.yaml with each KPI's tolerance wider than a shared machine's drift."""
        spec = yaml.safe_load((self.source / "specs" / "demo.yaml").read_text())
        for name, kpi in spec["kpis"].items():
            kpi["tolerance"] = NOISE_TOLERANCES[name]
        path = self.scratch / "demo-noise-tolerant.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False))
        say(f"the spec: specs/demo.yaml with tolerances "
            f"{', '.join(f'{k} {v}' for k, v in NOISE_TOLERANCES.items())} ({path})")
        return path

    def measure_committed_baseline(self):
        """The committed baseline comes from another machine and build; a team commits its own.

        So that the first run's verdict is about the code and not about this machine, the copy's
        reports/baseline/node_bench.json is measured here, with the runs' own settings.
        """
        baseline = self.template / "reports" / "baseline" / "node_bench.json"
        baseline.parent.mkdir(parents=True, exist_ok=True)
        command = [str(self.suite), f"--benchmark_repetitions={self.options.repetitions}",
                   f"--benchmark_out={baseline}", "--benchmark_out_format=json"]
        # As ci/refresh-baseline and ci/perf-gate's suite record it: the suite's build type.
        cache = self.suite.parent.parent / "CMakeCache.txt"
        types = re.findall(r"^CMAKE_BUILD_TYPE:\w+=(.*)$", cache.read_text(), re.MULTILINE)
        if types and types[0]:
            command.append(f"--benchmark_context=build_type={types[0]}")
        if self.options.filter:
            command.append(f"--benchmark_filter={self.options.filter}")
        if self.options.min_time:
            command.append(f"--benchmark_min_time={self.options.min_time}")
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        say(f"the committed baseline: stood in by one measured here ({baseline})")

    def workspace_for(self, context):
        workspace = self.scratch / f"run-{context.number}" / "workspace"
        say(f"checkout: stood in by a copy of {self.source}'s files in {workspace}")
        shutil.copytree(self.template, workspace, symlinks=True)
        return workspace

    def base_environment(self, context):
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith(("GITHUB_", "CI_", "GITLAB_", "PERF_", "RUNNER_"))
                       and key not in ("CI", "METRON_DEMO_SLOWDOWN")}
        environment["CI"] = "true"
        # ci/setup's npm package for the monitor tests stays where this source tree keeps it.
        environment["METRON_NPM_PREFIX"] = str(self.source / "build" / "npm")
        return environment

    def test_overrides(self, context):
        overrides = {"PERF_METRON": str(self.metron), "PERF_SUITE": str(self.suite),
                     "PERF_REPETITIONS": str(self.options.repetitions),
                     "PERF_SPEC": str(self.spec)}
        if self.options.filter:
            overrides["PERF_FILTER"] = self.options.filter
        if self.options.min_time:
            overrides["PERF_MIN_TIME"] = self.options.min_time
        if context.slowdown:
            overrides["METRON_DEMO_SLOWDOWN"] = str(context.slowdown)
        return overrides

    def shell(self, command, workspace, environment, log):
        started = time.monotonic()
        script = workspace.parent / "step.sh"
        script.write_text(command + "\n")
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"\n$ {command}\n")
            out.flush()
            status = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                                     str(script)], cwd=workspace, env=environment, stdout=out,
                                    stderr=subprocess.STDOUT).returncode
        say(f"  {command!r}: exit {status} ({time.monotonic() - started:.1f} s)")
        return status

    @staticmethod
    def is_build_step(command):
        return command.strip() == "ci/perf-gate build"

    def stand_in_build(self):
        say(f"  'ci/perf-gate build': stood in by the built {self.metron} and {self.suite}")
        for tool in (self.metron, self.suite):
            expect(tool.is_file(), f"{tool} is not built")


class github_runner(workflow_runner):
    """GitHub Actions: the job's steps, `run:` in bash, `uses:` stood in, `if:` evaluated."""

    def __init__(self, workflow, options, scratch):
        super().__init__(workflow, options, scratch)
        jobs = workflow["jobs"]
        expect(len(jobs) == 1, f"expected one job, found {', '.join(jobs)}")
        self.job = next(iter(jobs.values()))
        expect(self.job.get("defaults", {}).get("run", {}).get("shell") == "bash",
               "the job's steps should run in bash (defaults: run: shell: bash)")
        self.steps = self.job["steps"]
        self.artifacts = scratch / "artifacts"
        self.cache = scratch / "cache"
        self.cache_keys = []
        self.runs = []

    def environment(self, context, workspace):
        environment = self.base_environment(context)
        summary = workspace.parent / "step-summary.md"
        summary.write_text("")
        environment.update({
            "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_SHA": context.commit, "GITHUB_RUN_ID": context.run_id,
            "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_NAME": "local-runner",
            "GITHUB_EVENT_NAME": "push" if context.on_main else "pull_request",
            "GITHUB_REF": ("refs/heads/main" if context.on_main
                           else f"refs/pull/{MERGE_REQUEST}/merge"),
            "GITHUB_REF_NAME": "main" if context.on_main else f"{MERGE_REQUEST}/merge",
            "GITHUB_HEAD_REF": "" if context.on_main else FEATURE_BRANCH,
            "GITHUB_BASE_REF": "" if context.on_main else "main"})
        environment.update({key: str(value) for key, value in self.job.get("env", {}).items()})
        environment.update(self.test_overrides(context))
        return environment

    @staticmethod
    def expand(text, environment):
        def value(match):
            expression = match.group(1).strip()
            names = {"github.run_id": "GITHUB_RUN_ID", "github.sha": "GITHUB_SHA",
                     "github.ref": "GITHUB_REF", "github.ref_name": "GITHUB_REF_NAME"}
            expect(expression in names, f"unknown expression ${{{{ {expression} }}}}")
            return environment[names[expression]]
        return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))

    @staticmethod
    def condition(expression, failed, environment):
        if expression is None:
            return not failed
        result = True
        for term in (part.strip() for part in str(expression).split("&&")):
            if term == "always()":
                continue
            if term == "success()":
                result = result and not failed
                continue
            match = re.fullmatch(r"github\.ref == '([^']*)'", term)
            expect(match is not None, f"a condition this test cannot evaluate: {term}")
            result = result and environment["GITHUB_REF"] == match.group(1)
        if "always()" not in str(expression) and "success()" not in str(expression):
            result = result and not failed
        return result

    def last_successful_main_run(self):
        for run in reversed(self.runs):
            if run["main"] and run["status"] == 0:
                return run
        return None

    def uses(self, step, context, workspace, environment):
        action = step["uses"].split("@")[0]
        settings = {key: self.expand(value, environment)
                    for key, value in step.get("with", {}).items()}
        if action == "actions/checkout":
            say(f"  {action}: stood in by the copy made before the job")
        elif action == "dawidd6/action-download-artifact":
            expect(settings.get("branch") == "main" and
                   settings.get("workflow_conclusion", "success") == "success",
                   f"{action} should take the last successful run of main")
            run = self.last_successful_main_run()
            stored = self.artifacts / run["id"] / settings["name"] if run else None
            if stored is None or not stored.is_dir():
                say(f"  {action}: stood in; no successful main run has an artifact "
                    f"'{settings['name']}' (warned, as if_no_artifact_found: warn does)")
            else:
                shutil.copytree(stored, workspace / settings["path"], dirs_exist_ok=True)
                say(f"  {action}: stood in by copying run {run['id']}'s artifact "
                    f"'{settings['name']}' into {settings['path']}")
        elif action == "actions/cache/restore":
            keys = [settings["key"]] + [line.strip() for line in
                                        settings.get("restore-keys", "").splitlines()
                                        if line.strip()]
            # An exact key first, else the newest entry whose key starts with a restore key.
            hit = next((saved for key in keys for saved in reversed(self.cache_keys)
                        if saved == key or (key != keys[0] and saved.startswith(key))), None)
            if hit is None:
                say(f"  {action}: stood in; no local cache entry matches {keys}")
            else:
                shutil.copytree(self.cache / hit, workspace / settings["path"],
                                dirs_exist_ok=True)
                say(f"  {action}: stood in by the local cache entry {hit}")
        elif action == "actions/cache/save":
            origin = workspace / settings["path"]
            if origin.exists():
                shutil.copytree(origin, self.cache / settings["key"])
                self.cache_keys.append(settings["key"])
            say(f"  {action}: stood in by saving {settings['path']} as local cache entry "
                f"{settings['key']}")
        elif action == "actions/upload-artifact":
            origin = workspace / settings["path"]
            if origin.is_dir():
                shutil.copytree(origin, self.artifacts / context.run_id / settings["name"])
            say(f"  {action}: stood in by keeping {settings['path']} as run {context.run_id}'s "
                f"artifact '{settings['name']}'")
        else:
            raise check_failed(f"no stand-in for the action {step['uses']}")

    def run(self, context):
        workspace = self.workspace_for(context)
        environment = self.environment(context, workspace)
        log = workspace.parent / "job.log"
        failed = None
        for step in self.steps:
            if not self.condition(step.get("if"), failed is not None, environment):
                say(f"  skipped (if: {step.get('if', 'success()')}): {step.get('name')}")
                continue
            if "uses" in step:
                self.uses(step, context, workspace, environment)
                continue
            command = step["run"]
            if self.is_build_step(command):
                self.stand_in_build()
                continue
            step_environment = dict(environment)
            step_environment.update({key: self.expand(value, environment)
                                     for key, value in step.get("env", {}).items()})
            status = self.shell(command, workspace, step_environment, log)
            if status != 0 and failed is None:
                failed = (command, status)
        status = failed[1] if failed else 0
        self.runs.append({"id": context.run_id, "main": context.on_main, "status": status})
        return {"status": status, "failed": failed, "workspace": workspace, "log": log,
                "summary": Path(environment["GITHUB_STEP_SUMMARY"]).read_text(),
                "artifact": self.artifacts / context.run_id / "perf-results", "notes": []}


class gitlab_api(http.server.BaseHTTPRequestHandler):
    """The two routes of GitLab's API that the job uses, over the runner's kept artifacts."""

    runner = None

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", content_type="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def authorised(self):
        return bool(self.headers.get("PRIVATE-TOKEN") or self.headers.get("JOB-TOKEN"))

    def do_GET(self):
        match = re.fullmatch(rf"/api/v4/projects/{PROJECT_ID}/jobs/artifacts/([^/]+)/download"
                             r"\?job=([^&]+)", self.path)
        if match is None or not self.authorised():
            self.reply(404 if match is None else 401, b'{"message": "404 Not Found"}')
            return
        archive = self.runner.latest_artifact(match.group(1), match.group(2))
        if archive is None:
            self.reply(404, b'{"message": "404 Not found"}')
        else:
            self.reply(200, archive, "application/zip")

    def do_POST(self):
        match = re.fullmatch(rf"/api/v4/projects/{PROJECT_ID}/merge_requests/(\d+)/notes",
                             self.path)
        if match is None or not self.headers.get("PRIVATE-TOKEN"):
            self.reply(404 if match is None else 401, b'{"message": "404 Not Found"}')
            return
        length = int(self.headers.get("Content-Length", "0"))
        fields = urllib.parse.parse_qs(self.rfile.read(length).decode())
        self.runner.notes.append(fields.get("body", [""])[0])
        self.reply(201, b'{"id": 1}')


class gitlab_runner(workflow_runner):
    """GitLab CI: the job's script lines in one bash session, its artifacts zipped afterwards."""

    def __init__(self, workflow, options, scratch):
        super().__init__(workflow, options, scratch)
        jobs = {name: job for name, job in workflow.items()
                if isinstance(job, dict) and "script" in job}
        expect(len(jobs) == 1, f"expected one job, found {', '.join(jobs)}")
        self.job_name, self.job = next(iter(jobs.items()))
        self.pipelines = []
        self.notes = []
        handler = type("handler", (gitlab_api,), {"runner": self})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.api = f"http://127.0.0.1:{self.server.server_address[1]}/api/v4"
        say(f"GitLab's API: stood in by a local server at {self.api}")

    def latest_artifact(self, ref, job):
        for pipeline in reversed(self.pipelines):
            if pipeline["ref"] == ref and job == self.job_name and pipeline["status"] == 0:
                return pipeline["archive"]
        return None

    def environment(self, context):
        environment = self.base_environment(context)
        branch = "main" if context.on_main else FEATURE_BRANCH
        environment.update({
            "GITLAB_CI": "true", "CI_COMMIT_SHA": context.commit, "CI_COMMIT_REF_NAME": branch,
            "CI_DEFAULT_BRANCH": "main", "CI_JOB_NAME": self.job_name,
            "CI_PROJECT_ID": PROJECT_ID, "CI_API_V4_URL": self.api,
            "CI_JOB_TOKEN": "local-job-token", "CI_RUNNER_DESCRIPTION": "local-runner",
            "CI_PIPELINE_SOURCE": "push" if context.on_main else "merge_request_event"})
        if context.on_main:
            environment["CI_COMMIT_BRANCH"] = branch
        else:
            environment.update({"CI_MERGE_REQUEST_IID": MERGE_REQUEST,
                                "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": branch,
                                "PERF_API_TOKEN": "local-api-token"})
        environment.update({key: str(value)
                            for key, value in self.job.get("variables", {}).items()})
        environment.update(self.test_overrides(context))
        return environment

    def rules_match(self, environment):
        for rule in self.job.get("rules", []):
            condition = rule.get("if", "")
            match = re.fullmatch(r'\$(\w+) == (?:"([^"]*)"|\$(\w+))', condition)
            expect(match is not None, f"a rule this test cannot evaluate: {condition}")
            wanted = match.group(2) if match.group(2) is not None else environment.get(
                match.group(3), "")
            if environment.get(match.group(1), "") == wanted:
                return True
        return not self.job.get("rules")

    def collect_artifacts(self, workspace):
        artifacts = self.job.get("artifacts", {})
        expect(artifacts.get("when") == "always", "the artifacts should be kept when the job fails")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for pattern in artifacts.get("paths", []):
                origin = workspace / pattern
                files = [origin] if origin.is_file() else sorted(origin.rglob("*"))
                for path in files:
                    if path.is_file():
                        archive.write(path, path.relative_to(workspace).as_posix())
        say(f"  artifacts: stood in by zipping {', '.join(artifacts.get('paths', []))} for the "
            "local API")
        return buffer.getvalue()

    def run(self, context):
        workspace = self.workspace_for(context)
        environment = self.environment(context)
        expect(self.rules_match(environment), "the job's rules leave this pipeline out")
        log = workspace.parent / "job.log"
        failed = None
        notes_before = len(self.notes)
        for line in self.job["script"]:
            if self.is_build_step(line):
                self.stand_in_build()
                continue
            status = self.shell(line, workspace, environment, log)
            if status != 0:
                failed = (line, status)
                break
        status = failed[1] if failed else 0
        archive = self.collect_artifacts(workspace)
        self.pipelines.append({"ref": environment["CI_COMMIT_REF_NAME"], "status": status,
                               "archive": archive})
        extracted = workspace.parent / "artifact"
        zipfile.ZipFile(io.BytesIO(archive)).extractall(extracted)
        results = environment["PERF_RESULTS"]
        summary = extracted / results / "summary.md"
        return {"status": status, "failed": failed, "workspace": workspace, "log": log,
                "summary": summary.read_text() if summary.is_file() else "",
                "artifact": extracted / results, "notes": self.notes[notes_before:]}


def history_runs(metron, db, candidate):
    """The runs of the history that hold the candidate's first benchmark."""
    benchmarks = json.loads(Path(candidate).read_text())["benchmarks"]
    name = next(entry["run_name"] for entry in benchmarks
                if entry.get("run_type", "iteration") == "iteration")
    shown = subprocess.run([str(metron), "history", "show", "--db", str(db), "--json", name],
                           capture_output=True, text=True)
    expect(shown.returncode == 0, f"metron history show {name}: {shown.stderr.strip()}")
    return [point["commit"] for point in json.loads(shown.stdout)["points"]]


def describe(result):
    tail = "\n".join(result["log"].read_text().splitlines()[-40:])
    return f"the job's log ({result['log']}) ends:\n{tail}"


def run_passes(runner, metron):
    passes = [run_context(1, True, 0), run_context(2, True, 0),
              run_context(3, False, SLOWDOWN_PERCENT)]
    results = []
    for context in passes:
        kind = "a push to main" if context.on_main else (
            f"a request from {FEATURE_BRANCH} with METRON_DEMO_SLOWDOWN={context.slowdown}")
        say(f"run {context.number}: {kind}, commit {context.commit[:12]}")
        started = time.monotonic()
        result = runner.run(context)
        say(f"run {context.number}: exit {result['status']} in "
            f"{time.monotonic() - started:.1f} s")
        results.append(result)
        source = (result["workspace"] / "perf-results" / "baseline-source.txt")
        source_text = source.read_text() if source.is_file() else ""
        if context.number == 1:
            expect(result["status"] == 0, f"run 1 should pass; {describe(result)}")
            expect("committed" in source_text,
                   f"run 1 should compare with the committed baseline, not {source_text!r}")
        elif context.number == 2:
            expect(result["status"] == 0, f"run 2 should pass; {describe(result)}")
            expect("last main run" in source_text,
                   f"run 2 should compare with run 1's results, not {source_text!r}")
            db = result["artifact"] / "history.sqlite"
            expect(db.is_file(), f"run 2's artifact has no history database ({db})")
            commits = history_runs(metron, db, result["workspace"] / "perf-results" /
                                   "node_bench.json")
            expect(commits == [passes[0].commit, passes[1].commit],
                   f"the history should hold runs 1 and 2, in order; it holds {commits}")
            say(f"the history holds {len(commits)} runs: {', '.join(c[:12] for c in commits)}")
        else:
            expect(result["status"] != 0, "run 3 (slowed down) should fail")
            expect(result["failed"] is not None and
                   result["failed"][0].strip() == "ci/perf-gate gate" and
                   result["failed"][1] == 1,
                   f"run 3 should fail at the gate with exit 1, not at {result['failed']}; "
                   f"{describe(result)}")
            expect("last main run" in source_text,
                   f"run 3 should compare with run 2's results, not {source_text!r}")
            expect(re.search(r"\bregression\b", result["summary"]),
                   f"run 3's Markdown summary names no regression:\n{result['summary']}")
            expect(not (result["artifact"] / "history.sqlite").exists(),
                   "run 3, not of main, should leave the history alone")
        if context.number < 3:
            expect(result["summary"].strip(), f"run {context.number} published no summary")
        expect("build type differs" not in result["summary"],
               f"run {context.number} compared results of different build types:\n"
               f"{result['summary']}")
        expect((result["artifact"] / "report.html").is_file(),
               f"run {context.number}'s artifact has no HTML report")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workflow", choices=["github-actions", "gitlab-ci"])
    parser.add_argument("--source", required=True, help="the repository's source tree")
    parser.add_argument("--metron", required=True, help="the built metron tool")
    parser.add_argument("--suite", required=True, help="the built suite, node_bench")
    parser.add_argument("--filter", default="", help="--benchmark_filter for the suite")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", default="", help="--benchmark_min_time for the suite")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    options = parser.parse_args()

    path = Path(options.source) / "ci" / "workflows" / f"{options.workflow}.yml"
    workflow = yaml.safe_load(path.read_text())
    scratch = Path(tempfile.mkdtemp(prefix=f"metron-{options.workflow}-"))
    started = time.monotonic()
    runner = None
    try:
        say(f"{path}: three runs in {scratch}")
        runner = (github_runner if options.workflow == "github-actions" else gitlab_runner)(
            workflow, options, scratch)
        results = run_passes(runner, runner.metron)
        if options.workflow == "gitlab-ci":
            notes = results[2]["notes"]
            expect(len(notes) == 1 and re.search(r"\bregression\b", notes[0]),
                   f"run 3 should post one merge-request note naming the regression: {notes}")
            say("run 3 posted its summary as a merge-request note")
        say(f"passed in {time.monotonic() - started:.1f} s")
        return 0
    except check_failed as failure:
        print(f"workflow_test: FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if isinstance(runner, gitlab_runner):
            runner.server.shutdown()
        if options.keep:
            say(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
