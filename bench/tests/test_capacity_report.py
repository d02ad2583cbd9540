"""The capacity report's arithmetic: curve verdicts, the largest N meeting the
SLO, the duty cycle, bare-engine-limited users, efficiency, the overload verdict."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import capacity_report as cr  # noqa: E402


def run(n, slo_pass=True, connected=None, rejections=0, failures=0, speech=30.0, connected_s=100.0,
        capacity_errors=0):
    checks = {"reply_p95": {"pass": slo_pass, "measured": True, "detail": "900 ms <= 1100 ms" if slo_pass
                            else "1500 ms > 1100 ms"}}
    return {"users": {"requested": n, "connected": n if connected is None else connected,
                      "rejections": rejections, "connect_failures": failures},
            "slo": {"pass": slo_pass, "checks": checks},
            "duty_cycle": {"speech_audio_s": speech, "user_connected_s": connected_s},
            "errors": {"server_at_capacity": capacity_errors} if capacity_errors else {}}


class CurveVerdicts(unittest.TestCase):
    def test_a_run_passes_on_its_slo_with_every_user_admitted(self):
        self.assertTrue(cr.run_verdict(run(5))["pass"])
        v = cr.run_verdict(run(5, slo_pass=False))
        self.assertFalse(v["pass"])
        self.assertEqual(v["reasons"], ["reply_p95: 1500 ms > 1100 ms"])

    def test_a_user_not_admitted_fails_the_run(self):
        v = cr.run_verdict(run(10, connected=9, rejections=1))
        self.assertFalse(v["pass"])
        self.assertIn("admitted 9 of 10 users", v["reasons"])

    def test_largest_n_stops_at_the_first_failure(self):
        verdicts = [cr.run_verdict(r) for r in (run(20), run(1), run(5), run(10, slo_pass=False), run(30))]
        self.assertEqual(cr.largest_passing(verdicts), 5)  # 20 and 30 passed above a failure

    def test_largest_n_is_zero_when_one_user_fails(self):
        self.assertEqual(cr.largest_passing([cr.run_verdict(run(1, slo_pass=False)), cr.run_verdict(run(5))]), 0)


class Efficiency(unittest.TestCase):
    def test_duty_cycle_pools_speech_over_connected_time(self):
        self.assertAlmostEqual(cr.duty_cycle([run(1, speech=30, connected_s=100), run(5, speech=90,
                                                                                        connected_s=500)]), 0.2)
        self.assertEqual(cr.duty_cycle([]), 0.0)

    def test_bare_engine_users_and_efficiency(self):
        self.assertAlmostEqual(cr.bare_engine_users(7, 0.35), 20.0)
        self.assertAlmostEqual(cr.efficiency(18, 20.0), 0.9)
        self.assertEqual(cr.bare_engine_users(7, 0), 0.0)
        self.assertEqual(cr.efficiency(5, 0), 0.0)

    def test_summary_uses_the_passing_runs_duty_and_states_the_formula(self):
        curve = [run(1, speech=40, connected_s=100), run(5, speech=200, connected_s=500),
                 run(10, slo_pass=False, speech=100, connected_s=1000)]
        s = cr.summarize({"max_streams": 8, "cpu_percent_at_max": 180}, curve)
        self.assertEqual(s["largest_n"], 5)
        self.assertAlmostEqual(s["duty_cycle"]["value"], 0.4)
        self.assertAlmostEqual(s["bare_engine_users"], 20.0)
        self.assertAlmostEqual(s["efficiency"], 0.25)
        self.assertFalse(s["efficiency_pass"])
        self.assertEqual(s["formula"], "bare-engine-limited users = K / duty = 8 / 0.400 = 20.0")


class Overload(unittest.TestCase):
    def test_every_excess_connection_refused_and_admitted_users_meet_the_slo(self):
        o = cr.overload_verdict(run(20, connected=10, rejections=10, capacity_errors=10), max_sessions=10)
        self.assertTrue(o["pass"], o["reasons"])
        self.assertEqual((o["excess"], o["refused"], o["refused_by_error_event"]), (10, 10, 10))

    def test_too_few_refusals_or_a_missed_slo_fails(self):
        self.assertFalse(cr.overload_verdict(run(20, connected=12, rejections=8), 10)["pass"])
        o = cr.overload_verdict(run(20, connected=10, rejections=10, slo_pass=False), 10)
        self.assertFalse(o["pass"])
        self.assertEqual(o["reasons"], ["admitted users' reply_p95: 1500 ms > 1100 ms"])

    def test_a_connection_that_fails_without_a_refusal_fails(self):
        self.assertFalse(cr.overload_verdict(run(20, connected=10, rejections=9, failures=1), 10)["pass"])


if __name__ == "__main__":
    unittest.main()
