#!/usr/bin/env bash
# Issue 4's capacity measurement, start to finish, on this machine:
#   1. the bare-engine ceiling: confab-stt-ceiling with confab's [stt] config
#      and confab-bench's recordings (no server);
#   2. the capacity curve: run_bench.sh for each N (a fresh confab per N);
#   3. the largest N meeting the SLO, the duty cycle, bare-engine-limited
#      users = K / duty, and efficiency = largest N / that;
#   4. overload: 2 x largest N offered to a confab started with
#      --max-sessions = largest N;
# and writes bench/results/capacity.json and capacity.md with every command.
#
# Usage: bench/capacity.sh [--users "1 5 10 20 30 40"] [--duration 60]
#                          [--trial-seconds 30] [--silence-ms 500] [--out NAME]
#                          [--confab-arg ARG]... [--ceiling-arg ARG]... [--overload-arg ARG]...
#                          [--skip-overload] [-- CONFAB-BENCH ARGS...]
#   --confab-arg ARG    passed to every confab AND (after `--`) to the ceiling,
#                       so both use the same configuration (e.g. rate limits,
#                       --stt-fast false)
#   --ceiling-arg ARG   passed to confab-stt-ceiling only (e.g. --start 4)
#   --overload-arg ARG  passed last to the overload run's confab only (e.g. flags
#                       of a load-based admission); the verdict still expects
#                       exactly largest N admitted and the rest refused
#   --silence-ms MS     the silence_duration_ms the SLO adds 600 ms to (confab's default 500)
# Smoke run: bench/capacity.sh --users "1 2" --duration 15 --trial-seconds 25 --ceiling-arg --max-streams --ceiling-arg 2 --out capacity_smoke
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
users="1 5 10 20 30 40"
duration=60
trial_seconds=30
silence_ms=500
name=capacity
skip_overload=0
confab_args=()
ceiling_args=()
overload_args=()
bench_args=()
invocation="bench/capacity.sh $*"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --trial-seconds) trial_seconds=$2; shift 2 ;;
    --silence-ms) silence_ms=$2; shift 2 ;;
    --out) name=$2; shift 2 ;;
    --confab-arg) confab_args+=("$2"); shift 2 ;;
    --ceiling-arg) ceiling_args+=("$2"); shift 2 ;;
    --overload-arg) overload_args+=(--confab-arg "$2"); shift 2 ;;
    --skip-overload) skip_overload=1; shift ;;
    --) shift; bench_args=("$@"); break ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "capacity.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

work="$repo/bench/results/tmp/$name"
rm -rf "$work"
mkdir -p "$work"
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCONFAB_WERROR=ON >/dev/null
fi
ninja -C "$build" -j2 confab confab-bench confab-fake-llm confab-stt-ceiling >&2

# Every curve user must be admitted: lift the session limit above the largest N
# (a later --confab-arg --max-sessions overrides it).
max_users=0
for n in $users; do (( n > max_users )) && max_users=$n; done
passthrough=()
for a in "${confab_args[@]}"; do passthrough+=(--confab-arg "$a"); done
slo_args=(--slo-silence-ms "$silence_ms")

echo "== bare-engine ceiling (${trial_seconds} s trials)" >&2
"$build/confab-stt-ceiling" --trial-seconds "$trial_seconds" --json "$work/ceiling.json" \
  "${ceiling_args[@]}" -- "${confab_args[@]}" | tee "$work/ceiling.txt"

echo "== capacity curve: N = $users, ${duration} s each" >&2
"$repo/bench/run_bench.sh" --name curve --out "$work" --users "$users" --duration "$duration" \
  --confab-arg --max-sessions --confab-arg "$((max_users * 2))" "${passthrough[@]}" \
  -- "${slo_args[@]}" "${bench_args[@]}"
largest=$(python3 "$repo/bench/capacity_report.py" largest "$work/curve.json")
echo "== largest N meeting the SLO: $largest" >&2

report_args=(--ceiling "$work/ceiling.json" --curve "$work/curve.json")
if (( largest > 0 && ! skip_overload )); then
  echo "== overload: $((largest * 2)) users offered, --max-sessions $largest" >&2
  "$repo/bench/run_bench.sh" --name overload --out "$work" --users "$((largest * 2))" --duration "$duration" \
    "${passthrough[@]}" --confab-arg --max-sessions --confab-arg "$largest" "${overload_args[@]}" \
    -- "${slo_args[@]}" "${bench_args[@]}"
  report_args+=(--overload "$work/overload.json" --max-sessions "$largest")
fi

python3 "$repo/bench/capacity_report.py" report "${report_args[@]}" --invocation "$invocation" \
  --out "$repo/bench/results/$name"
echo "== wrote bench/results/$name.json and bench/results/$name.md" >&2
