#!/usr/bin/python3
"""Runs every command of docs/guide.md, in order, as a reader would, and checks its exit status.

Usage: guide_test.py --source DIR --build DIR [--keep]

Takes the fenced ```sh blocks of the guide, joins lines continued with a backslash, and runs the
commands one after another in one bash session (so `export`, `cd` and background jobs carry from
one block to the next) in a scratch copy of the source tree, committed as a fresh repository on
main, whose build/default is the --build tree. A command must exit 0, unless it ends with a
comment `# exits N` (then it must exit N) or `# exits N or M`, `# exits N, M or K` (a verdict
that depends on the machine's timing: any of them is right, any other status is not). A command ending in `&` runs in
the background; whatever is still running at the end is stopped. Exit status 0 when every command
did as the guide says, 1 with the command and its output otherwise.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "support"))
from checkout import copy_source  # noqa: E402

EXPECTED = re.compile(r"\s#\s*exits\s+(\d+(?:\s*(?:,|\bor\b)\s*\d+)*)\s*$")


def commands_of(guide):
    """The guide's shell commands in order: (line number, command, the exit statuses it allows)."""
    commands = []
    in_block = False
    pending, start = "", 0
    for number, line in enumerate(guide.read_text().splitlines(), start=1):
        stripped = line.strip()
        if not in_block:
            in_block = stripped == "```sh"
            continue
        if stripped.startswith("```"):
            if pending:
                raise ValueError(f"{guide}:{start}: a continued command runs into the fence")
            in_block = False
            continue
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        command = pending + line
        pending = ""
        match = EXPECTED.search(command)
        allowed = (tuple(int(status) for status in re.split(r"\s*(?:,|\bor\b)\s*", match.group(1)))
                   if match else (0,))
        commands.append((start, command.strip(), allowed))
    if in_block:
        raise ValueError(f"{guide}: a ```sh block is not closed")
    return commands


def script_of(commands, guide_name):
    """One bash script that runs each command, then checks its status against the guide's."""
    # The background jobs the guide started (servers) are stopped by their process ids.
    lines = ["cleanup() {", '  local pids; pids="$(jobs -p)"',
             '  [ -z "$pids" ] || kill $pids 2>/dev/null', "  wait", "}", "trap cleanup EXIT"]
    for number, command, expected in commands:
        where = f"{guide_name}:{number}"
        lines.append(f"printf '\\n[%s] $ %s\\n' {shlex.quote(where)} {shlex.quote(command)}")
        lines.append(command)
        if command.endswith("&") and not command.endswith("&&"):
            continue
        allowed = " ".join(str(status) for status in expected)
        said = " or ".join(str(status) for status in expected)
        lines.append(f"status=$?; case \" {allowed} \" in *\" $status \"*) ;; *) "
                     f"printf 'guide_test: %s: exit %s, the guide says %s\\n' "
                     f"{shlex.quote(where)} \"$status\" {shlex.quote(said)} >&2; exit 1;; esac")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy")
    options = parser.parse_args()
    source = Path(options.source).resolve()
    guide = source / "docs" / "guide.md"
    try:
        commands = commands_of(guide)
    except ValueError as error:
        print(f"guide_test: {error}", file=sys.stderr)
        return 1
    if not commands:
        print(f"guide_test: {guide} has no ```sh commands", file=sys.stderr)
        return 1
    failing = sum(1 for _, _, expected in commands if 0 not in expected)
    scratch = Path(tempfile.mkdtemp(prefix="metron-guide-"))
    work = scratch / "metron"
    started = time.monotonic()
    try:
        copy_source(source, work)
        # A repository of one commit on main, as a fresh clone is: the gate reads its commit.
        identity = ["-c", "user.name=guide", "-c", "user.email=guide@localhost"]
        for command in (["init", "-q", "-b", "main"], ["add", "-A"],
                        [*identity, "commit", "-q", "-m", "the guide's checkout"]):
            subprocess.run(["git", *command], cwd=work, check=True)
        (work / "build").mkdir(exist_ok=True)
        (work / "build" / "default").symlink_to(Path(options.build).resolve())
        script = scratch / "guide.sh"
        script.write_text(script_of(commands, "docs/guide.md"))
        print(f"guide_test: {len(commands)} commands ({failing} meant to fail) in {work}",
              flush=True)
        # A reader's terminal: none of the variables a CI service or the gate's settings set.
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith(("GITHUB_", "CI_", "GITLAB_", "PERF_", "RUNNER_"))
                       and key not in ("CI", "METRON_DEMO_SLOWDOWN")}
        status = subprocess.run(["bash", "--noprofile", "--norc", str(script)],
                                cwd=work, env=environment).returncode
        if status != 0:
            print(f"guide_test: FAILED after {time.monotonic() - started:.1f} s",
                  file=sys.stderr)
            return 1
        print(f"\nguide_test: every command did as the guide says "
              f"({time.monotonic() - started:.1f} s)")
        return 0
    finally:
        if options.keep:
            print(f"guide_test: kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
