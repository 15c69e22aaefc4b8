"""Fails when a part of metron uses a part its row in lib/CMakeLists.txt (DESIGN.md) does not reach.

    check_part_dependencies.py MANIFEST [--tool DIR]

MANIFEST is the build tree's metron_parts.txt, one line per library part:
``part:used,parts|linked;libraries|folder``. A part may use the parts its row names and what
those use in turn. Checked, and every violation listed with file and line:

- the metron libraries the part links;
- every ``#include <metron/...>`` in its folder: ``<metron/<part>/...>`` belongs to that part,
  ``<metron/bracket.hpp>`` to probe, ``<metron/log.hpp>`` to log, ``<metron/error.hpp>`` to all;
- every ``#include "..."`` resolves inside the part's own folder (no reaching into another
  part's private sources);
- public headers sit under ``include/metron/<part>/``.

With ``--tool DIR`` the command-line tool's folder is checked too: it may use every part, but
only through public headers.
"""
import argparse
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
ENTRY_POINTS = {"metron/bracket.hpp": "probe", "metron/log.hpp": "log"}
SHARED = {"metron/error.hpp"}
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".cc"}


def read_manifest(path):
    parts = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            rule, linked, folder = line.split("|")
            name, uses = rule.split(":")
        except ValueError:
            sys.exit(f"{path}:{number}: expected 'part:uses|linked|folder', got {line!r}")
        parts[name] = {
            "uses": [u for u in uses.split(",") if u],
            "linked": [l for l in linked.split(";") if l],
            "folder": Path(folder),
        }
    for name, part in parts.items():
        for used in part["uses"]:
            if used not in parts:
                sys.exit(f"{path}: the row of {name} names {used}, which is not a part")
    return parts


def reach(parts, name):
    """The parts `name` may use: its row's, and theirs in turn."""
    seen, pending = set(), list(parts[name]["uses"])
    while pending:
        used = pending.pop()
        if used not in seen:
            seen.add(used)
            pending.extend(parts[used]["uses"])
    return seen


def owner(parts, header):
    """The part a <metron/...> header belongs to, "" for a shared one, None for an unknown one."""
    if header in SHARED:
        return ""
    if header in ENTRY_POINTS:
        return ENTRY_POINTS[header]
    pieces = header.split("/")
    if len(pieces) >= 3 and pieces[1] in parts:
        return pieces[1]
    return None


def check_files(parts, name, folder, allowed, violations):
    rule_text = ", ".join(sorted(allowed)) or "none"
    for path in sorted(folder.rglob("*")):
        if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
            continue
        lines = path.read_text(errors="replace").splitlines()
        for number, line in enumerate(lines, 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            bracket, header = match.groups()
            place = f"{path}:{number}"
            if bracket == '"':
                target = (path.parent / header).resolve()
                if not target.is_relative_to(folder.resolve()):
                    violations.append(f'{place}: "{header}" reaches outside {folder}; include '
                                      "another part only through its public headers")
                continue
            if not header.startswith("metron/"):
                continue
            used = owner(parts, header)
            if used is None:
                violations.append(f"{place}: <{header}> belongs to no part")
            elif used and used != name and used not in allowed:
                violations.append(f"{place}: includes <{header}>, but {name} may not use {used} "
                                  f"(its row allows: {rule_text})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest")
    parser.add_argument("--tool", type=Path, help="the command-line tool's folder")
    options = parser.parse_args()
    parts = read_manifest(options.manifest)
    violations = []
    files = 0
    for name, part in parts.items():
        allowed = reach(parts, name)
        for library in part["linked"]:
            # Generator expressions such as $<BUILD_INTERFACE:metron::x> count as what they wrap.
            for used in re.findall(r"metron::(\w+)", library):
                if used != name and used not in allowed:
                    violations.append(f"{part['folder']}/CMakeLists.txt: {name} links {library}, "
                                      f"but may not use {used}")
        include_root = part["folder"] / "include"
        if include_root.is_dir():
            for header in include_root.rglob("*.hpp"):
                relative = header.relative_to(include_root).as_posix()
                if not relative.startswith(f"metron/{name}/"):
                    violations.append(f"{header}: a public header of {name} must be under "
                                      f"include/metron/{name}/")
        check_files(parts, name, part["folder"], allowed, violations)
        files += sum(1 for p in part["folder"].rglob("*") if p.suffix in SOURCE_SUFFIXES)
    if options.tool:
        check_files(parts, "tool", options.tool, set(parts), violations)
    if violations:
        print(f"{len(violations)} use(s) the part rules do not allow:", file=sys.stderr)
        for violation in violations:
            print(f"  {violation}", file=sys.stderr)
        return 1
    print(f"{len(parts)} parts, {files} files: every link and include within its part's row")
    return 0


if __name__ == "__main__":
    sys.exit(main())
