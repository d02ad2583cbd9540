#!/usr/bin/env bash
# Issue 4's soak: SESSIONS short sessions against one confab (each connects,
# speaks one recording, hears the reply and disconnects; 30% hang up
# mid-reply, half of those without a close frame), CONCURRENCY at a time.
# The server's RSS, thread count and open fds after a warm-up must match
# those after the last session within 5%. Writes bench/results/<name>.{json,md}.
#
# Usage: bench/soak.sh [--sessions 1000] [--concurrency 20] [--warmup 20]
#                      [--name soak] [--confab-arg ARG]... [-- CONFAB-BENCH ARGS...]
# Smoke run: bench/soak.sh --sessions 30 --concurrency 5 --warmup 5 --name soak_smoke
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
sessions=1000
concurrency=20
warmup=20
name=soak
confab_args=()
bench_args=()
invocation="bench/soak.sh $*"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sessions) sessions=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --confab-arg) confab_args+=(--confab-arg "$2"); shift 2 ;;
    --) shift; bench_args=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
# Room above the concurrency: a session dropped without a close frame holds
# its slot until the server notices, which must not turn into refusals here.
# --users only labels the run; a soak opens its own sessions (--duration does not apply).
# Each snapshot waits 35 s of idleness: longer than llm.idle_timeout_ms (30 s),
# so the keep-alive connections to the LLM (up to llm.max_idle_connections,
# however many the last sessions happened to leave) are closed at both.
BENCH_INVOCATION=$invocation exec "$repo/bench/run_bench.sh" --name "$name" --users "$concurrency" --duration 60 \
  --confab-arg --max-sessions --confab-arg "$((concurrency * 2))" "${confab_args[@]}" \
  -- --soak "$sessions" --concurrency "$concurrency" --soak-warmup "$warmup" --settle-seconds 35 "${bench_args[@]}"
