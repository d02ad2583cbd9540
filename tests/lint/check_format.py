#!/usr/bin/env python3
"""Fails when a C++ file under src/, tests/ or bench/ differs from what
clang-format-14 makes of it with the checked-in .clang-format.

The version is pinned because clang-format's output changes between releases;
scripts/setup installs clang-format-14 from Debian.
"""
import pathlib
import shutil
import subprocess
import sys

FOLDERS = ("src", "tests", "bench")


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    tool = shutil.which("clang-format-14")
    if tool is None:
        print("clang-format-14 is not installed (scripts/setup installs it)")
        return 1
    files = sorted(str(p) for folder in FOLDERS for p in (root / folder).rglob("*")
                   if p.suffix in (".cpp", ".hpp"))
    result = subprocess.run([tool, "--dry-run", "--Werror", f"--style=file:{root}/.clang-format",
                             *files], capture_output=True, text=True)
    if result.returncode != 0:
        unformatted = sorted({line.split(":")[0] for line in result.stderr.splitlines()
                              if ": error:" in line})
        print(f"{len(unformatted)} file(s) are not formatted; run clang-format-14 -i on:")
        for name in unformatted:
            print(f"  {name}")
        if not unformatted:
            print(result.stderr)
        return 1
    print(f"{len(files)} files formatted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
