#!/usr/bin/env python3
"""Combines confab-bench JSON results into bench/results/<name>.json and a
Markdown summary bench/results/<name>.md (called by run_bench.sh)."""
import argparse
import datetime
import json
import re
import os
import platform
import subprocess


def git_commit(repo):
    try:
        out = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except OSError:
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def row(label, s):
    if not s or not s.get("count"):
        return f"| {label} | 0 | – | – | – |"
    return f"| {label} | {s['count']} | {s['p50']:.0f} | {s['p95']:.0f} | {s['p99']:.0f} |"


def counts(d):
    return ", ".join(f"{k} {v}" for k, v in sorted(d.items())) or "none"


def turn_table(log):
    def ms(d, key):
        v = d.get(key)
        return "–" if v is None else f"{v:.0f}"
    lines = ["Per turn (ms; client clock, then the server's timings after its `speech_stopped`):", "",
             "| user | start s | recording | outcome | end of speech → speech_stopped | speech_stopped → "
             "first audio | **end of speech → first audio** | srv: transcript | srv: LLM 1st token | "
             "srv: 1st audio sent | transcript |",
             "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for t in log:
        lat, srv = t["latency_ms"], t["server_ms"]
        lines.append(f"| {t['user']} | {t['start_s']:.1f} | {t['utterance']} | {t['outcome']} | "
                     f"{ms(lat, 'end_of_speech_to_speech_stopped_ms')} | {ms(lat, 'speech_stopped_to_first_audio_ms')} | "
                     f"{ms(lat, 'end_of_speech_to_first_audio_ms')} | {ms(srv, 'transcript_final_ms')} | "
                     f"{ms(srv, 'llm_first_token_ms')} | {ms(srv, 'first_audio_sent_ms')} | {t['transcript']} |")
    return lines + [""]


def soak_section(soak):
    sessions = soak["sessions"]
    lines = ["### Soak", "",
             f"{sessions['requested']} sessions after a warm-up of {sessions['warmup']}, {sessions['concurrency']} at a "
             f"time ({sessions['started']} started): each connects, speaks one recording, hears the reply and "
             f"disconnects; {sessions['planned_mid_reply_hangups']} planned to hang up mid-reply, of which "
             f"{sessions['left_mid_reply']} did so with a close frame and {sessions['dropped_mid_reply']} dropped the "
             f"TCP connection without one (the others' reply ended first). Snapshots after {soak['settle_s']:.0f} s "
             "of idle each.", "",
             "| server | after warm-up | after the soak | change | peak during the soak |", "|---|---:|---:|---:|---:|"]
    for name, d in soak.get("deltas", {}).items():
        pct = "∞" if d["percent"] is None else f"{d['percent']:+.2f}%"
        lines.append(f"| {name} | {d['start']:.1f} | {d['end']:.1f} | {pct} {'' if d['pass'] else '**FAIL**'} | "
                     f"{soak['peak'].get(name, 0):.1f} |")
    lines += ["", f"Soak verdict (each within {soak['tolerance_percent']:.0f}% of the baseline): "
              f"**{'pass' if soak['pass'] else 'FAIL'}**" + (f" — {soak['why']}" if soak.get("why") else "") + ".", ""]
    return lines


def server_counters(exposition):
    """The counters of the server's /metrics (Prometheus text) a report shows."""
    prefetches = {}
    for line in exposition.splitlines():
        m = re.match(r'confab_llm_prefetches_total\{outcome="(\w+)"\} (\S+)', line)
        if m:
            prefetches[m.group(1)] = int(float(m.group(2)))
    return {"llm_prefetches": prefetches}


def run_section(run):
    r = run["result"]
    lat, srv = r["latency_ms"], r["server_timings_ms"]
    users, turns = r["users"], r["turns"]
    proc = r["server_process"]
    lines = [f"## {users['requested']} user(s), {r['elapsed_s']:.0f} s", "",
             "Commands:", "", "```", run["confab_command"], r["command"], "```", "",
             f"Turns: {turns['started']} started, {turns['completed']} completed "
             f"({turns['interrupted']} interrupted by the user), {turns['failed']} failed "
             f"({counts(turns['failures'])}), {turns['unfinished']} unfinished at the end, {turns.get('abandoned', 0)} abandoned (the user hung up mid-reply).", "",
             "| latency (ms) | n | p50 | p95 | p99 |", "|---|---:|---:|---:|---:|",
             row("**end of speech → first reply audio delta** (client)", lat.get("end_of_speech_to_first_audio_ms")),
             row("end of speech → `speech_stopped` received (client)", lat.get("end_of_speech_to_speech_stopped_ms")),
             row("`speech_stopped` received → first reply audio delta (client)",
                 lat.get("speech_stopped_to_first_audio_ms")),
             row("end of speech → transcript final received (client)", lat.get("stt_final_ms")),
             row("server: `speech_stopped` → transcript final", srv.get("transcript_final_ms")),
             row("server: `speech_stopped` → response created", srv.get("response_created_ms")),
             row("server: `speech_stopped` → LLM first token", srv.get("llm_first_token_ms")),
             row("server: `speech_stopped` → first audio synthesized", srv.get("first_audio_synthesized_ms")),
             row("server: `speech_stopped` → first audio sent", srv.get("first_audio_sent_ms")),
             row("server: `speech_stopped` → response done (completed)", srv.get("done_ms")),
             row("barge-in speech → `speech_started`", lat.get("barge_in_to_speech_started_ms")),
             row("barge-in speech → last audio of the cancelled reply", lat.get("barge_in_to_last_audio_ms")),
             row("barge-in speech → its `response.done`", lat.get("barge_in_to_response_done_ms")),
             row("underrun lateness", lat.get("underrun_lateness_ms")),
             row("reply audio length", lat.get("reply_audio_ms")), "",
             f"Playback: {r['playback']['replies_played']} replies played, {r['playback']['underruns']} underruns. "
             f"Barge-in: {r['barge_in']['interrupts']} interrupts "
             f"({r['barge_in']['interrupts_after_done']} after the reply had been sent in full).", "",
             f"Errors by code: {counts(r['errors'])}. Rejections: {users['rejections']}, "
             f"connect failures: {users['connect_failures']}, early disconnects: {users['disconnects']}.", "",
             f"Server behaviour: {counts(r['server_behaviour'])}.", ""]
    prefetches = r.get("server_counters", {}).get("llm_prefetches")
    if prefetches:
        lines += [f"Replies asked for during the user's pause (server's `confab_llm_prefetches_total`): "
                  f"{prefetches.get('adopted', 0)} adopted, {prefetches.get('mismatched', 0)} mismatched "
                  f"(final transcript differed), {prefetches.get('discarded', 0)} discarded (the user spoke on, "
                  f"or no reply).", ""]
    if proc.get("samples"):
        lines += [f"Server process: CPU {proc['cpu_percent_avg']:.1f}% average, {proc['cpu_percent_max']:.1f}% max "
                  f"(100% = one core, {proc['samples']} samples), RSS max {proc['rss_max_mb']:.1f} MB. "
                  f"Whole machine: {proc.get('machine_cpu_percent_avg', 0):.1f}% of all cores busy on average "
                  f"(every process, this load generator and the fake LLM included).", ""]
    tick = r["client"]["frame_clock_lateness_ms"]
    lines += [f"Load generator frame clock lateness: p99 {tick['p99']:.1f} ms, max {tick['max']:.1f} ms.", ""]
    duty = r.get("duty_cycle")
    if duty:
        lines += [f"Speech duty cycle: {duty['speech']:.3f} ({duty['speech_audio_s']:.0f} s of recordings sent over "
                  f"{duty['user_connected_s']:.0f} connected user-seconds; voiced part only {duty['voiced']:.3f}).", ""]
    slo = r.get("slo")
    if slo:
        checks = "; ".join(f"{name} {'ok' if c['pass'] else 'FAIL'} ({c['detail']})"
                           for name, c in sorted(slo["checks"].items()))
        lines += [f"SLO: **{'pass' if slo['pass'] else 'FAIL'}** — {checks}.", ""]
    if r.get("soak"):
        lines += soak_section(r["soak"])
    log = r.get("turn_log", [])
    if 0 < len(log) <= 40:
        lines += turn_table(log)
    if run.get("table"):
        lines += ["<details><summary>confab-bench output</summary>", "", "```", run["table"].rstrip(), "```", "",
                  "</details>", ""]
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--invocation", required=True)
    ap.add_argument("--fake-llm", default="")
    ap.add_argument("--out", required=True)
    ap.add_argument("runs", nargs="+")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    runs = []
    for path in args.runs:
        base = path[:-len(".json")]
        with open(path) as f:
            result = json.load(f)
        run = {"result": result, "confab_command": "", "table": ""}
        for key, suffix in (("confab_command", ".confab_cmd"), ("table", ".txt")):
            if os.path.exists(base + suffix):
                with open(base + suffix) as f:
                    run[key] = f.read().strip()
        if os.path.exists(base + ".metrics"):
            with open(base + ".metrics") as f:
                result["server_counters"] = server_counters(f.read())
        runs.append(run)

    summary = {
        "name": args.name,
        "invocation": args.invocation,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": git_commit(repo),
        "machine": {"cpus": os.cpu_count(), "cpu_model": cpu_model(), "kernel": platform.release()},
        "fake_llm": args.fake_llm,
        "runs": [{"confab_command": r["confab_command"], **r["result"]} for r in runs],
    }
    with open(os.path.join(args.out, args.name + ".json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")

    md = [f"# confab-bench: {args.name}", "",
          f"{summary['date']}, commit `{summary['git_commit']}`, {summary['machine']['cpus']} × "
          f"{summary['machine']['cpu_model']}; load generator, fake LLM and confab share these cores.", "",
          "Produced by:", "", "```", args.invocation, "```", "",
          f"Fake LLM (1-3 sentence replies, 200 ms to first token, 40 tokens/s): `{args.fake_llm}`", "",
          "Client latencies start at the end of speech: when the last non-silent 20 ms frame of the recording "
          "was sent. Server timings are from `confab.response.timings`, measured from the server's "
          "`speech_stopped` decision, which comes ~silence_duration_ms after the end of speech.", ""]
    for run in runs:
        md += run_section(run)
    with open(os.path.join(args.out, args.name + ".md"), "w") as f:
        f.write("\n".join(md))


if __name__ == "__main__":
    main()
