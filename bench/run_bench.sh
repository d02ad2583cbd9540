#!/usr/bin/env bash
# Builds confab and confab-bench, starts a fake LLM and a fresh confab for each
# user count, runs confab-bench against it, and writes
# bench/results/<name>.json and bench/results/<name>.md.
#
# Usage: bench/run_bench.sh [--name NAME] [--users "1 4 8"] [--duration S]
#                           [--out DIR] [--confab-arg ARG]... [--fake-speech "ARGS"]
#                           [-- CONFAB-BENCH ARGS...]
# Example: bench/run_bench.sh --name single_session --users 1 --duration 60
#
# The fake LLM answers with 1-3 sentences, 200 ms to the first token, then
# 40 tokens/s. Every process started here is stopped on exit (trap EXIT).
# --out DIR writes <name>.json/.md there instead of bench/results (capacity.sh).
# --fake-speech "ARGS" also starts confab-fake-speech ARGS (e.g. "--canned
# --stt-latency-ms 100 --tts-first-byte-ms 80") and points confab's remote
# STT and TTS at it (remote_capacity.sh). Each run also records the CPU
# seconds the load generator, the fake LLM and the fake speech server used
# (<work>/n<N>.cpu), since they share the cores with confab.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
name=run
users="1"
duration=60
out="$repo/bench/results"
confab_args=()
bench_args=()
fake_speech=""
invocation=${BENCH_INVOCATION:-"bench/run_bench.sh $*"}  # soak.sh names itself
while [[ $# -gt 0 ]]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --confab-arg) confab_args+=("$2"); shift 2 ;;
    --) shift; bench_args=("$@"); break ;;
    --out) out=$2; shift 2 ;;
    --fake-speech) fake_speech=$2; shift 2 ;;
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
ninja -C "$build" -j2 confab confab-bench confab-fake-llm confab-fake-speech >&2

# CPU seconds (user + system) a live process has used.
cpu_seconds() {
  awk -v tck="$(getconf CLK_TCK)" '{ print ($14 + $15) / tck }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# Starts a fixture that prints `listening on 127.0.0.1:PORT`; sets fixture_port.
start_fixture() {  # LOG CMD...
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do
    grep -q 'listening on 127\.0\.0\.1:[0-9]' "$log" && break
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  fixture_port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$log" | head -1 | sed 's/.*://')
  [[ -n "${fixture_port:-}" ]] || { echo "run_bench.sh: $1 did not start" >&2; cat "$log" >&2; exit 1; }
}

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
llm_pid=${pids[-1]}
speech_args=()
speech_pid=""
if [[ -n "$fake_speech" ]]; then
  read -r -a speech_cmd <<<"$build/confab-fake-speech --port 0 $fake_speech"
  start_fixture "$work/fake_speech.log" "${speech_cmd[@]}"
  speech_pid=${pids[-1]}
  speech_args=(--stt-base-url "http://127.0.0.1:$fixture_port/v1" --tts-base-url "http://127.0.0.1:$fixture_port/v1")
  echo "   fake speech server on port $fixture_port: ${speech_cmd[*]}" >&2
fi

runs=()
for n in $users; do
  echo "== $n user(s): starting a fresh confab" >&2
  rm -f "$work/confab.port"
  confab_cmd=("$build/confab" --host 127.0.0.1 --port 0 --port-file "$work/confab.port" --web-root "$repo/web"
              --llm-base-url "http://127.0.0.1:$llm_port/v1" "${speech_args[@]}" "${confab_args[@]}")
  "${confab_cmd[@]}" >"$work/confab_n$n.log" 2>&1 &
  confab_pid=$!
  pids+=($confab_pid)
  wait_for_file "$work/confab.port" "$confab_pid"
  port=$(cat "$work/confab.port")
  bench_cmd=("$build/confab-bench" --url "ws://127.0.0.1:$port/v1/realtime" --users "$n" --duration "$duration"
             --server-pid "$confab_pid" --json "$work/n$n.json" "${bench_args[@]}")
  echo "   ${bench_cmd[*]}" >&2
  llm_cpu0=$(cpu_seconds "$llm_pid")
  speech_cpu0=0
  [[ -n "$speech_pid" ]] && speech_cpu0=$(cpu_seconds "$speech_pid")
  "${bench_cmd[@]}" >"$work/n$n.txt" &
  bench_pid=$!
  # The load generator's own CPU, read each second until it exits (the
  # last reading is at most a second short).
  bench_cpu=0
  while kill -0 "$bench_pid" 2>/dev/null; do
    c=$(cpu_seconds "$bench_pid")
    [[ "$c" != 0 ]] && bench_cpu=$c
    sleep 1
  done
  wait "$bench_pid"
  cat "$work/n$n.txt"
  llm_cpu=$(awk -v a="$(cpu_seconds "$llm_pid")" -v b="$llm_cpu0" 'BEGIN { print a - b }')
  speech_cpu=0
  [[ -n "$speech_pid" ]] && speech_cpu=$(awk -v a="$(cpu_seconds "$speech_pid")" -v b="$speech_cpu0" 'BEGIN { print a - b }')
  printf '{"loadgen_cpu_s": %s, "fake_llm_cpu_s": %s, "fake_speech_cpu_s": %s}\n' \
    "$bench_cpu" "$llm_cpu" "$speech_cpu" >"$work/n$n.cpu"
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
