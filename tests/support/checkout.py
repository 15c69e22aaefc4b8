"""What the scripted tests of a whole checkout share: a copy of the source tree's files."""

import shutil
import subprocess


def copy_source(source, target):
    """Every file git knows of or would add, as the working tree has it, copied under target.

    A fresh clone's stand-in that also carries uncommitted work, so that a change is tested
    before it is committed.
    """
    listed = subprocess.run(["git", "-C", str(source), "ls-files", "-co", "--exclude-standard",
                             "-z"], check=True, capture_output=True).stdout.decode()
    for name in filter(None, listed.split("\0")):
        origin = source / name
        if origin.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, destination)
