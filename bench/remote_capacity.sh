#!/usr/bin/env bash
# Confab's own capacity when the engines are remote (issue 14): fixture
# engines that cost almost no CPU (confab-fake-speech --canned: fixed latency,
# canned transcript, a tone for audio; confab-fake-llm: canned sentences),
# users conversing as in the capacity benchmark (confab-bench, the same SLO),
# and for each N confab's CPU and RSS and what the load generator and the
# fixtures used of the same two cores. Then the latency cost of the remote
# hop: end of speech → first audio with a fixture STT of 100 ms and a TTS
# first byte of 80 ms, against the embedded engines, at the same N.
# Writes bench/results/remote_capacity.json and remote_capacity.md.
#
# Usage: bench/remote_capacity.sh [--users "20 50 100 120"] [--duration 60]
#                                 [--latency-users 4] [--out NAME]
# --latency-users 0 runs only the curve (its report is then made with
# remote_capacity_report.py --more, from a first run's folder).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
users="20 50 80 100 120"
duration=60
latency_users=4
name=remote_capacity
invocation="bench/remote_capacity.sh $*"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --latency-users) latency_users=$2; shift 2 ;;
    --out) name=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "remote_capacity.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
work="$repo/bench/results/tmp/$name"
rm -rf "$work"
mkdir -p "$work"
max_users=0
for n in $users; do (( n > max_users )) && max_users=$n; done

# Every user comes from 127.0.0.1: the per-address limits (issue 15) are
# lifted, as are the session limit and the admission by queue wait (the
# curve must offer every N); no decoders are loaded (no STT fallback), so
# RSS is what sessions cost.
common=(--confab-arg --max-sessions --confab-arg "$((max_users * 2))"
        --confab-arg --max-connections-per-address --confab-arg 0
        --confab-arg --max-unauthenticated-per-address --confab-arg 0
        --confab-arg --handshakes-per-second-per-address --confab-arg 0
        --confab-arg --admission-max-queue-wait-ms --confab-arg 0)
# The engines stand for GPU servers that take every request at once: the
# per-backend request limits (16 by default) are lifted, or replies would
# queue behind them, not behind confab.
remote=(--confab-arg --stt-fallback=false --confab-arg --stt-workers --confab-arg 1
        --confab-arg --llm-max-concurrent-requests --confab-arg 1000
        --confab-arg --stt-max-concurrent-requests --confab-arg 1000
        --confab-arg --tts-max-concurrent-requests --confab-arg 1000)
speech="--canned --stt-latency-ms 100 --tts-first-byte-ms 80 --tts-realtime-factor 2"

echo "== remote engines: N = $users, ${duration} s each" >&2
"$repo/bench/run_bench.sh" --name remote --out "$work" --users "$users" --duration "$duration" \
  "${common[@]}" "${remote[@]}" --fake-speech "$speech"

cp "$repo"/bench/results/tmp/remote/n*.cpu "$work"/  # run_bench.sh's next run clears its folder
(( latency_users > 0 )) || { echo "== no latency runs (--latency-users 0)" >&2; exit 0; }
echo "== the remote hop's latency at N = $latency_users: remote, then embedded" >&2
"$repo/bench/run_bench.sh" --name hop_remote --out "$work" --users "$latency_users" \
  --duration "$duration" "${common[@]}" "${remote[@]}" --fake-speech "$speech"
"$repo/bench/run_bench.sh" --name hop_embedded --out "$work" --users "$latency_users" \
  --duration "$duration" "${common[@]}" --confab-arg --llm-max-concurrent-requests --confab-arg 1000

python3 "$repo/bench/remote_capacity_report.py" --work "$work" --speech "$speech" \
  --invocation "$invocation" --out "$repo/bench/results/$name"
echo "== wrote bench/results/$name.json and bench/results/$name.md" >&2
