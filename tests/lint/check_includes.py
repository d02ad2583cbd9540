#!/usr/bin/env python3
"""Fails when a file under src/ includes a header of a folder above its own.

The folders depend one way (docs/architecture.md):
    net -> auth -> session -> pipeline, store -> pool -> engines -> protocol -> audio, config -> util, metrics
A folder may include its own headers and those of any folder below it; folders
on the same rank (pipeline, store; audio, config; util, metrics) may not include each other, so
no two folders can form a cycle. protocol sits above audio because decoding an
input_audio_buffer.append is decoding PCM. main.cpp sits above everything.
"""
import pathlib
import re
import sys

RANKS = [["net"], ["auth"], ["session"], ["pipeline", "store"], ["pool"], ["engines"],
         ["protocol"], ["audio", "config"], ["util", "metrics"]]
RANK = {folder: i for i, group in enumerate(RANKS) for folder in group}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/[^"]+"', re.M)


def violations(src: pathlib.Path):
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".hpp", ".cpp") or path.parent == src:
            continue
        own = path.relative_to(src).parts[0]
        if own not in RANK:
            yield f"{path}: folder '{own}' has no place in the dependency order"
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            if target == own:
                continue
            if target not in RANK:
                yield f"{path}:{n}: includes unknown folder '{target}'"
            elif RANK[target] <= RANK[own]:
                yield f"{path}:{n}: {own}/ must not include {target}/ ({line.strip()})"


def main():
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    found = list(violations(src))
    for v in found:
        print(v)
    print(f"include direction: {len(found)} violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
