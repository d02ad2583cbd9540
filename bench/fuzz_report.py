#!/usr/bin/env python3
"""Turns bench/fuzz.sh's libFuzzer logs into bench/results/fuzz.json and fuzz.md.

Each argument is NAME=LOG. A log may hold several runs of the harness (it is
restarted after a crash): executions add up (libFuzzer's final stats),
exec/s is over the harness's whole time, coverage and corpus are the last
run's, crashes are the crash-/leak-/timeout-/oom- files in its directory.
"""
import argparse
import json
import os
import pathlib
import platform
import re
import subprocess
import time

DONE = re.compile(r"^#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+).*exec/s: (\d+)")
EXECUTED = re.compile(r"^stat::number_of_executed_units: (\d+)")
FAILURE = re.compile(r"^(==\d+==ERROR|SUMMARY|.*oracle failed|.*runtime error)")


def summarise(name, log, work, seconds):
    runs, done, failures = 0, None, []
    for line in pathlib.Path(log).read_text(errors="replace").splitlines():
        if m := EXECUTED.match(line):
            runs += int(m.group(1))
        elif m := DONE.match(line):
            done = m
        elif FAILURE.match(line) and len(failures) < 10:
            failures.append(line.strip())
    artifacts = sorted(p.name for p in (pathlib.Path(work) / name).iterdir()
                       if p.name.split("-")[0] in ("crash", "leak", "timeout", "oom"))
    corpus = len(list((pathlib.Path(work) / name / "corpus").iterdir()))
    return {
        "harness": name,
        "executions": runs,
        "seconds": seconds,
        "exec_per_second": round(runs / seconds) if seconds else None,
        "cov": int(done.group(2)) if done else None,
        "ft": int(done.group(3)) if done else None,
        "corpus_files": corpus,
        "crashes": len(artifacts),
        "crash_files": artifacts,
        "failure_lines": failures,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--invocation", required=True)
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args()
    rows = [summarise(*arg.split("=", 1), args.work, args.seconds) for arg in args.logs]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    result = {
        "command": args.invocation,
        "date": time.strftime("%Y-%m-%d %H:%M", time.localtime()),
        "commit": commit,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "seconds_per_harness": args.seconds,
        "total_executions": sum(r["executions"] for r in rows),
        "total_crashes": sum(r["crashes"] for r in rows),
        "harnesses": rows,
    }
    out = pathlib.Path("bench/results")
    (out / "fuzz.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Fuzzing: libFuzzer over every harness of tests/fuzz/",
        "",
        f"`{args.invocation}` at {commit}, {result['date']}, {result['machine']}; clang 14,",
        "ASan + UBSan (build-asan), one harness at a time, each from its committed corpus and",
        "regressions with its dictionary. `cov`/`ft` are libFuzzer's coverage counters",
        "(edges, features) at the end; the corpus is what the run kept.",
        "",
        "| harness | executions | exec/s | cov | ft | corpus | crashes |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['harness']} | {r['executions']:,} | {r['exec_per_second'] or '-'} | "
                     f"{r['cov'] or '-'} | {r['ft'] or '-'} | {r['corpus_files']} | {r['crashes']} |")
    lines += ["", f"Total: {result['total_executions']:,} executions, "
                  f"{result['total_crashes']} crashes."]
    for r in rows:
        if r["crashes"]:
            lines += ["", f"{r['harness']}: " + ", ".join(r["crash_files"])]
            lines += [f"    {line}" for line in r["failure_lines"]]
    (out / "fuzz.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
