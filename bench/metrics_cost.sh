#!/usr/bin/env bash
# What do metrics cost? Runs confab-bench (through run_bench.sh) at N users
# against confab with metrics on — /metrics scraped every second, busier than
# any Prometheus — and with `--metrics=false`, alternating on/off runs to spread
# the machine's drift, then writes bench/results/metrics_cost.md with the
# server's CPU in each run and the difference. Run it on a quiet machine.
#
# Usage: bench/metrics_cost.sh [--users 20] [--duration 60] [--pairs 2]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
users=20
duration=60
pairs=2
invocation="bench/metrics_cost.sh $*"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --pairs) pairs=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "metrics_cost.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
out="$repo/bench/results/metrics_cost"
mkdir -p "$out"

# Scrapes /metrics every second while the run named $1 is going; prints the scrape count.
scraper() {
  local port_file="$repo/bench/results/tmp/$1/confab.port" n=0 port=""
  for _ in $(seq 1200); do [[ -s "$port_file" ]] && break; sleep 0.1; done
  port=$(cat "$port_file" 2>/dev/null || true)
  [[ -n "$port" ]] || { echo 0; return; }
  while curl -sf -o /dev/null "http://127.0.0.1:$port/metrics"; do n=$((n + 1)); sleep 1; done
  echo "$n"
}

runs=()
for i in $(seq "$pairs"); do
  for mode in on off; do
    name="metrics_cost/${mode}_$i"
    args=()
    [[ $mode == off ]] && args=(--confab-arg --metrics=false)
    scrapes_file="$out/${mode}_$i.scrapes"
    if [[ $mode == on ]]; then
      rm -rf "$repo/bench/results/tmp/$name"
      scraper "$name" >"$scrapes_file" &
      scraper_pid=$!
    fi
    "$repo/bench/run_bench.sh" --name "$name" --users "$users" --duration "$duration" "${args[@]}"
    [[ $mode == on ]] && wait "$scraper_pid" || true
    runs+=("$out/${mode}_$i.json")
  done
done

python3 - "$out" "$invocation" "${runs[@]}" <<'PY'
import json, statistics, sys, datetime, os
out, invocation, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = []
for p in paths:
    d = json.load(open(p))
    r = d["runs"][0]
    mode = "on" if os.path.basename(p).startswith("on_") else "off"
    scrapes = ""
    sp = p.replace(".json", ".scrapes")
    if os.path.exists(sp):
        scrapes = open(sp).read().strip()
    lat = r["latency_ms"].get("end_of_speech_to_first_audio_ms", {})
    rows.append(dict(file=os.path.basename(p), mode=mode, users=r["users"]["connected"], elapsed=r["elapsed_s"],
                     cpu=r["server_process"]["cpu_percent_avg"], cpu_max=r["server_process"]["cpu_percent_max"],
                     rss=r["server_process"]["rss_max_mb"], machine=r["server_process"]["machine_cpu_percent_avg"],
                     turns=r["turns"]["completed"], p50=lat.get("p50"), p95=lat.get("p95"), scrapes=scrapes,
                     commit=d.get("git_commit", ""), machine_info=d.get("machine", "")))
on = [x["cpu"] for x in rows if x["mode"] == "on"]
off = [x["cpu"] for x in rows if x["mode"] == "off"]
# Per turn, so that a run that happened to complete more turns is not charged for them.
on_pt = [x["cpu"] / max(1, x["turns"]) for x in rows if x["mode"] == "on"]
off_pt = [x["cpu"] / max(1, x["turns"]) for x in rows if x["mode"] == "off"]
fmt = lambda v: "-" if v is None else f"{v:.1f}"
lines = [
    "# What metrics cost",
    "",
    f"Command: `{invocation}` (on {datetime.date.today()}, commit {rows[0]['commit']}).",
    "Each run: `bench/run_bench.sh` (fresh confab, confab-fake-llm, confab-bench) for the given users and",
    "duration; \"on\" is the default (`server.metrics = true`) with `/metrics` scraped every second by curl,",
    "\"off\" adds `--metrics=false` (no instrument is touched, no dashboard sampling). Runs alternate on/off.",
    "Server CPU is confab's own (from /proc, sampled by confab-bench), in % of one core.",
    "",
    "| run | users | server CPU avg % | max % | RSS max MB | machine CPU % | turns completed | end of speech → first audio p50 / p95 ms | scrapes |",
    "|---|---|---|---|---|---|---|---|---|",
]
for x in rows:
    lines.append(f"| {x['file']} | {x['users']} | {fmt(x['cpu'])} | {fmt(x['cpu_max'])} | {fmt(x['rss'])} | "
                 f"{fmt(x['machine'])} | {x['turns']} | {fmt(x['p50'])} / {fmt(x['p95'])} | {x['scrapes'] or '-'} |")
if on and off:
    d = statistics.mean(on) - statistics.mean(off)
    lines += ["",
              f"**Mean server CPU: on {statistics.mean(on):.1f}%, off {statistics.mean(off):.1f}% — "
              f"difference {d:+.1f} points of one core ({100 * d / statistics.mean(off):+.1f}% relative).**",
              f"Per completed turn: on {statistics.mean(on_pt):.2f}, off {statistics.mean(off_pt):.2f} (CPU % / turn).",
              "",
              "A difference smaller than the spread between runs of the same mode is noise: compare it with",
              "the on-vs-on and off-vs-off spread above before reading anything into it."]
open(os.path.join(os.path.dirname(out), "metrics_cost.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
echo "== wrote bench/results/metrics_cost.md (runs in bench/results/metrics_cost/)" >&2
