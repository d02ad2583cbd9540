#!/usr/bin/env python3
"""Issue 4's capacity report from the outputs of bench/capacity.sh:
the bare-engine ceiling (confab-stt-ceiling), the capacity curve and the
overload run (run_bench.sh summaries of confab-bench runs).

  capacity_report.py largest CURVE.json
      prints the largest N meeting the SLO (for the overload run's --max-sessions)
  capacity_report.py report --ceiling C.json --curve CURVE.json [--overload O.json
      --max-sessions L] --invocation "..." --out bench/results/capacity
      writes capacity.json and capacity.md

The arithmetic (verdicts, duty cycle, efficiency) is in pure functions,
tested by bench/tests/test_capacity_report.py.
"""
import argparse
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import summarize_results  # noqa: E402  (same folder)

EFFICIENCY_TARGET = 0.9


def run_verdict(run):
    """A curve run passes when its SLO passed and every user it offered was served."""
    users, slo = run["users"], run.get("slo", {})
    reasons = [f"{name}: {c['detail']}" for name, c in sorted(slo.get("checks", {}).items()) if not c["pass"]]
    if users["connected"] != users["requested"]:
        reasons.append(f"admitted {users['connected']} of {users['requested']} users")
    if users["rejections"] or users["connect_failures"]:
        reasons.append(f"{users['rejections']} rejections, {users['connect_failures']} connect failures")
    if not slo:
        reasons.append("no SLO verdict in the result")
    return {"users": users["requested"], "pass": not reasons, "reasons": reasons}


def largest_passing(verdicts):
    """The largest N such that it and every smaller N tried met the SLO (0 if N=1 failed).
    A pass above a failure is reported separately: noise on a shared machine, not capacity."""
    largest = 0
    for v in sorted(verdicts, key=lambda v: v["users"]):
        if not v["pass"]:
            break
        largest = v["users"]
    return largest


def duty_cycle(runs):
    """Speech seconds per connected user-second, pooled over the given runs."""
    speech = sum(r.get("duty_cycle", {}).get("speech_audio_s", 0) for r in runs)
    connected = sum(r.get("duty_cycle", {}).get("user_connected_s", 0) for r in runs)
    return speech / connected if connected > 0 else 0.0


def bare_engine_users(streams, duty):
    """Users the bare engine could serve: each user keeps `duty` of a real-time stream busy."""
    return streams / duty if duty > 0 else 0.0


def efficiency(largest_n, bare_users):
    return largest_n / bare_users if bare_users > 0 else 0.0


def overload_verdict(run, max_sessions):
    """Offered 2x the capacity: every excess connection refused with server_at_capacity
    (or close 1013), exactly max_sessions admitted, and those admitted meet the SLO."""
    users = run["users"]
    offered = users["requested"]
    excess = max(0, offered - max_sessions)
    reasons = []
    if users["rejections"] != excess:
        reasons.append(f"{users['rejections']} refusals for {excess} excess connections")
    if users["connected"] != min(offered, max_sessions):
        reasons.append(f"admitted {users['connected']}, expected {min(offered, max_sessions)}")
    if users["connect_failures"]:
        reasons.append(f"{users['connect_failures']} connections failed without a refusal")
    slo = run.get("slo", {})
    if not slo.get("pass"):
        reasons += [f"admitted users' {name}: {c['detail']}" for name, c in sorted(slo.get("checks", {}).items())
                    if not c["pass"]] or ["no SLO verdict"]
    return {"offered": offered, "max_sessions": max_sessions, "excess": excess, "refused": users["rejections"],
            "refused_by_error_event": run.get("errors", {}).get("server_at_capacity", 0),
            "admitted": users["connected"], "pass": not reasons, "reasons": reasons}


def summarize(ceiling, curve_runs, overload_run=None, max_sessions=0):
    verdicts = [run_verdict(r) for r in curve_runs]
    largest = largest_passing(verdicts)
    passing = [r for r, v in zip(curve_runs, verdicts) if v["pass"]]
    duty = duty_cycle(passing or curve_runs)
    streams = ceiling.get("max_streams", 0)
    bare = bare_engine_users(streams, duty)
    eff = efficiency(largest, bare)
    out = {
        "bare_engine": {"streams": streams, "cpu_percent_at_max": ceiling.get("cpu_percent_at_max", 0)},
        "duty_cycle": {"value": duty, "from_runs": [r["users"]["requested"] for r in (passing or curve_runs)],
                       "from_passing_runs": bool(passing)},
        "bare_engine_users": bare,
        "formula": f"bare-engine-limited users = K / duty = {streams} / {duty:.3f} = {bare:.1f}",
        "curve": verdicts,
        "largest_n": largest,
        "largest_n_any": max([v["users"] for v in verdicts if v["pass"]], default=0),
        "efficiency": eff,
        "efficiency_target": EFFICIENCY_TARGET,
        "efficiency_pass": eff >= EFFICIENCY_TARGET,
    }
    if overload_run is not None:
        out["overload"] = overload_verdict(overload_run, max_sessions)
    return out


def _fmt(v, spec=".0f"):
    return "–" if v is None else format(v, spec)


def _p(lat, key, q):
    s = lat.get(key)
    return s[q] if s and s.get("count") else None


def curve_table(curve_runs, verdicts):
    lines = ["e2e = end of speech → first reply audio delta (client clock, ms). STT final p95: end of speech → "
             "transcript received (client), and the server's own `speech_stopped` → transcript final.", "",
             "| N | e2e p50 | e2e p95 | e2e p99 | STT final p95 (client / server) | underruns | failed turns | "
             "barge-in stop p95 (n) | barge-in → `speech_started` p95 (n) | prefetched replies adopted / asked | "
             "server CPU avg / max % | RSS max MB | duty | SLO |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r, v in zip(curve_runs, verdicts):
        lat, proc = r["latency_ms"], r["server_process"]
        srv = r.get("server_timings_ms", {})
        barge = lat.get("barge_in_to_last_audio_ms") or {}
        heard = lat.get("barge_in_to_speech_started_ms") or {}
        prefetches = r.get("server_counters", {}).get("llm_prefetches") or {}
        prefetch_cell = (f"{prefetches.get('adopted', 0)} / {sum(prefetches.values())}" if prefetches else "–")
        lines.append(
            f"| {r['users']['requested']} | {_fmt(_p(lat, 'end_of_speech_to_first_audio_ms', 'p50'))} | "
            f"{_fmt(_p(lat, 'end_of_speech_to_first_audio_ms', 'p95'))} | "
            f"{_fmt(_p(lat, 'end_of_speech_to_first_audio_ms', 'p99'))} | {_fmt(_p(lat, 'stt_final_ms', 'p95'))} / "
            f"{_fmt(_p(srv, 'transcript_final_ms', 'p95'))} | "
            f"{r['playback']['underruns']} | {r['turns']['failed']} | "
            f"{_fmt(_p(lat, 'barge_in_to_last_audio_ms', 'p95'))} ({barge.get('count', 0)}) | "
            f"{_fmt(_p(lat, 'barge_in_to_speech_started_ms', 'p95'))} ({heard.get('count', 0)}) | {prefetch_cell} | "
            f"{proc.get('cpu_percent_avg', 0):.0f} / {proc.get('cpu_percent_max', 0):.0f} | "
            f"{proc.get('rss_max_mb', 0):.0f} | {r.get('duty_cycle', {}).get('speech', 0):.3f} | "
            f"{'pass' if v['pass'] else 'FAIL: ' + '; '.join(v['reasons'])} |")
    return lines


def markdown(summary, ceiling, curve_runs, overload_run, invocation, meta):
    slo_limits = next((r["slo"]["limits"] for r in curve_runs if r.get("slo")), {})
    md = ["# Capacity: many users on one machine (issue 4)", "",
          f"{meta['date']}, commit `{meta['git_commit']}`, {meta['machine']['cpus']} × {meta['machine']['cpu_model']}. "
          "Load generator, fake LLM and confab share these cores.", "",
          "Produced by:", "", "```", invocation, "```", "",
          f"SLO per run: p95 end of speech → first reply audio ≤ {slo_limits.get('silence_ms', '?'):.0f} ms "
          f"(silence_duration_ms) + 600 = {slo_limits.get('reply_p95_ms', 0):.0f} ms; zero underruns; zero failed "
          f"turns; barge-in stop p95 (first voiced frame of the interruption sent → last audio delta of the "
          f"cancelled reply) ≤ {slo_limits.get('barge_in_stop_p95_ms', 150):.0f} ms; and every offered user "
          "admitted. A run without any barge-in (fewer than 5 users at share 0.2) has no barge-in figure. "
          "A reply the server had already sent in full when the user barged in has no cancelled audio to time; "
          "a Realtime client stops its playback when `speech_started` arrives, so for those the stop the user "
          "hears is the column barge-in → `speech_started` (first voiced frame sent → `speech_started` "
          "received; not part of the SLO). Prefetched replies: the server's `confab_llm_prefetches_total` "
          "(adopted by the turn's response / all asked for during pauses).", "",
          "## Bare-engine ceiling", "", "```", ceiling.get("command", ""), "```", "",
          f"Same `[stt]` configuration as confab (pocketsphinx arguments: "
          f"`{' '.join(k + ' ' + v for k, v in ceiling.get('stt_arguments', {}).items())}`), the same "
          f"{ceiling.get('recordings', 0)} recordings as confab-bench, K streams each on its own thread and decoder, "
          "audio arriving in 20 ms frames on an absolute clock and handed to the decoder "
          f"{ceiling.get('batch_ms', 20)} ms at a time, a partial hypothesis every "
          f"{ceiling.get('partial_interval_ms', 300)} ms, as confab's STT pool does. "
          f"A trial keeps up when p95 (end of an utterance's audio → final hypothesis) ≤ "
          f"{ceiling.get('criteria', {}).get('max_final_p95_ms', 0):.0f} ms and no frame is fed more than "
          f"{ceiling.get('criteria', {}).get('max_backlog_ms', 0):.0f} ms late in the last fifth of the "
          f"{ceiling.get('trial_seconds', 0):.0f} s trial (no growing backlog).", "",
          "| streams | utterances | final p50 | final p95 | final max | backlog at end (ms) | CPU % (100 = 1 core) | "
          "machine % | verdict |", "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for t in ceiling.get("trials", []):
        f = t["final_ms"]
        md.append(f"| {t['streams']} | {t['utterances']} | {f['p50']:.0f} | {f['p95']:.0f} | {f['max']:.0f} | "
                  f"{t['backlog_end_ms']:.0f} | {t['cpu_percent']:.0f} | {t['machine_cpu_percent']:.0f} | "
                  f"{'keeps up' if t['keeps_up'] else t['why']} |")
    s = summary
    md += ["", f"**Bare-engine ceiling K = {s['bare_engine']['streams']} real-time streams** "
           f"(process CPU {s['bare_engine']['cpu_percent_at_max']:.0f}% at K).", "",
           "## Streams → users", "",
           "A bench user speaks a recording, waits for and hears the reply, pauses 1–2 s, speaks again. Its speech "
           "duty cycle = recording seconds sent / seconds connected (measured by confab-bench, `duty_cycle.speech` "
           "in its JSON), pooled over " + ("the runs that met the SLO" if s["duty_cycle"]["from_passing_runs"]
                                           else "all runs (none met the SLO)")
           + f" (N = {', '.join(map(str, s['duty_cycle']['from_runs']))}): "
           f"**{s['duty_cycle']['value']:.3f}**. One user therefore keeps that fraction of one real-time stream "
           "busy, and", "", f"    {s['formula']}", "",
           "(The server decodes each turn from ~300 ms before the speech onset to the end-of-turn decision rather "
           "than the whole file, so the engine work per user is close to, not exactly, the recording time.)", "",
           "## Capacity curve", ""]
    md += curve_table(curve_runs, s["curve"])
    above = f"; N = {s['largest_n_any']} passed above a failure" if s["largest_n_any"] > s["largest_n"] else ""
    if s["largest_n"] > 0:
        md += ["", f"**Largest N meeting the SLO: {s['largest_n']}** (it and every smaller N passed{above}).", ""]
    else:
        md += ["", f"**Largest N meeting the SLO: 0** (the smallest N failed{above}).", ""]
    if s["bare_engine_users"] > 0:
        md += [f"**Efficiency = largest N / bare-engine-limited N = {s['largest_n']} / {s['bare_engine_users']:.1f} = "
               f"{s['efficiency']:.2f}** (target ≥ {s['efficiency_target']}: "
               f"{'met' if s['efficiency_pass'] else 'NOT met'}).", ""]
    else:
        md += ["**Efficiency: undefined** — the bare engine kept up with no stream count tried (or no duty cycle "
               "was measured), so there is no engine limit to compare with.", ""]
    if "overload" in s:
        o = s["overload"]
        md += ["## Overload", "",
               f"{o['offered']} users offered to a confab admitting {o['max_sessions']}: {o['refused']} refused "
               f"({o['refused_by_error_event']} `server_at_capacity` error events seen; a close with 1013 also counts as a refusal), "
               f"{o['admitted']} admitted. Verdict: **{'pass' if o['pass'] else 'FAIL'}**"
               + (": " + "; ".join(o["reasons"]) if o["reasons"] else "") + ".", ""]
    else:
        md += ["## Overload", "", "Not run" + (": no N met the SLO." if s["largest_n"] == 0 else "."), ""]
    md += ["## Runs in detail", ""]
    for r in curve_runs + ([overload_run] if overload_run else []):
        md += summarize_results.run_section({"result": r, "confab_command": r.get("confab_command", ""), "table": ""})
    return "\n".join(md)


def _load(path):
    with open(path) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    lg = sub.add_parser("largest")
    lg.add_argument("curve")
    rp = sub.add_parser("report")
    rp.add_argument("--ceiling", required=True)
    rp.add_argument("--curve", required=True)
    rp.add_argument("--overload")
    rp.add_argument("--max-sessions", type=int, default=0)
    rp.add_argument("--invocation", required=True)
    rp.add_argument("--out", required=True, help="path without extension")
    args = ap.parse_args()

    if args.cmd == "largest":
        print(largest_passing([run_verdict(r) for r in _load(args.curve)["runs"]]))
        return
    ceiling, curve = _load(args.ceiling), _load(args.curve)
    overload = _load(args.overload)["runs"][0] if args.overload else None
    summary = summarize(ceiling, curve["runs"], overload, args.max_sessions)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "git_commit": summarize_results.git_commit(repo),
            "machine": {"cpus": os.cpu_count(), "cpu_model": summarize_results.cpu_model()}}
    with open(args.out + ".json", "w") as f:
        json.dump({"invocation": args.invocation, **meta, "summary": summary, "ceiling": ceiling,
                   "curve": curve["runs"], "overload": overload}, f, indent=2)
        f.write("\n")
    with open(args.out + ".md", "w") as f:
        f.write(markdown(summary, ceiling, curve["runs"], overload, args.invocation, meta))


if __name__ == "__main__":
    main()
