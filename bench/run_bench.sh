#!/usr/bin/env bash
# Builds confab and confab-bench, starts a fake LLM and a fresh confab for each
# user count, runs confab-bench against it, and writes
# bench/results/<name>.json and bench/results/<name>.md.
#
# Usage: bench/run_bench.sh [--name NAME] [--users "1 4 8"] [--duration S]
#                           [--out DIR] [--confab-arg ARG]... [-- CONFAB-BENCH ARGS...]
# Example: bench/run_bench.sh --name single_session --users 1 --duration 60
#
# The fake LLM answers with 1-3 sentences, 200 ms to the first token, then
# 40 tokens/s. Every process started here is stopped on exit (trap EXIT).
# --out DIR writes <name>.json/.md there instead of bench/results (capacity.sh).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
name=run
users="1"
duration=60
out="$repo/bench/results"
confab_args=()
bench_args=()
invocation=${BENCH_INVOCATION:-"bench/run_bench.sh $*"}  # soak.sh names itself
while [[ $# -gt 0 ]]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --confab-arg) confab_args+=("$2"); shift 2 ;;
    --) shift; bench_args=("$@"); break ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "run_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

work="$repo/bench/results/tmp/$name"
rm -rf "$work"
mkdir -p "$work" "$out"

# Every process we start, stopped in reverse order on any exit.
pids=()
cleanup() {
  local pid
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    pid=${pids[i]}
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for_file() {  # FILE PID: until FILE holds a number, or PID dies (60 s at most)
  for _ in $(seq 600); do
    [[ -s "$1" ]] && grep -q '^[0-9]' "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "run_bench.sh: process $2 exited early" >&2; return 1; }
    sleep 0.1
  done
  echo "run_bench.sh: timed out waiting for $1" >&2; return 1
}

echo "== building confab and confab-bench in $build" >&2
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCONFAB_WERROR=ON >/dev/null
fi
ninja -C "$build" -j2 confab confab-bench confab-fake-llm >&2

echo "== starting the fake LLM" >&2
llm_cmd=("$build/confab-fake-llm" --port 0 --ttft-ms 200 --tokens-per-second 40 --seed 1)
"${llm_cmd[@]}" >"$work/fake_llm.log" 2>&1 &
pids+=($!)
# It prints `listening on 127.0.0.1:PORT` once it accepts connections.
for _ in $(seq 300); do
  grep -q 'listening on 127\.0\.0\.1:[0-9]' "$work/fake_llm.log" && break
  kill -0 "${pids[-1]}" 2>/dev/null || break
  sleep 0.1
done
llm_port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$work/fake_llm.log" | head -1 | sed 's/.*://')
[[ -n "${llm_port:-}" ]] || { echo "run_bench.sh: the fake LLM did not start" >&2; cat "$work/fake_llm.log" >&2; exit 1; }
echo "   fake LLM on port $llm_port: ${llm_cmd[*]}" >&2

runs=()
for n in $users; do
  echo "== $n user(s): starting a fresh confab" >&2
  rm -f "$work/confab.port"
  confab_cmd=("$build/confab" --host 127.0.0.1 --port 0 --port-file "$work/confab.port" --web-root "$repo/web"
              --llm-base-url "http://127.0.0.1:$llm_port/v1" "${confab_args[@]}")
  "${confab_cmd[@]}" >"$work/confab_n$n.log" 2>&1 &
  confab_pid=$!
  pids+=($confab_pid)
  wait_for_file "$work/confab.port" "$confab_pid"
  port=$(cat "$work/confab.port")
  bench_cmd=("$build/confab-bench" --url "ws://127.0.0.1:$port/v1/realtime" --users "$n" --duration "$duration"
             --server-pid "$confab_pid" --json "$work/n$n.json" "${bench_args[@]}")
  echo "   ${bench_cmd[*]}" >&2
  "${bench_cmd[@]}" | tee "$work/n$n.txt"
  printf '%s\n' "${confab_cmd[*]}" >"$work/n$n.confab_cmd"
  # The server's own counters at the end of the run (e.g. how many prefetched replies were used).
  python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
    "http://127.0.0.1:$port/metrics" >"$work/n$n.metrics" 2>/dev/null || rm -f "$work/n$n.metrics"
  runs+=("$work/n$n.json")
  # Stop this confab before the next user count starts its own.
  kill -TERM "$confab_pid"; wait "$confab_pid" || true
  unset 'pids[-1]'
done

python3 "$repo/bench/summarize_results.py" --name "$name" --invocation "$invocation" \
  --fake-llm "${llm_cmd[*]}" --out "$out" "${runs[@]}"
echo "== wrote $out/$name.json and $out/$name.md" >&2
