"""The NAPI strategies in scripts/napilab_report.py, napilab_plots.py and
bench-report: on the rows of a recorded scripts/bench --quick --only
strategies-... run (fixtures/strategies/, with malformed rows added:
strategies-broken-1.jsonl) and on small synthetic rows built next to each
test, where the expected answer is worked by hand."""
import json
import os
import shutil
import tempfile
import unittest

import common  # first: puts scripts/ on the path
import napilab_plots
import napilab_report as rules

STRATEGIES = os.path.join(common.FIXTURES, "strategies")


def load_strategies(pattern="*.jsonl"):
    return common.load_rows(STRATEGIES, pattern)


def pingpong(rate, p50, p99, irqs_per_s, idle=80.0, busy_poll_pct=0.0, comm=None):
    """One ping-pong part of a strategy row, in bench-pingpong.jq's keys."""
    return {"rate": rate, "seconds": 4.0, "window_s": 5.1, "sent": 4 * rate, "received": 4 * rate, "lost": 0,
            "late": 0, "messages_per_s": rate, "p50_us": p50, "p99_us": p99, "irqs": 4 * irqs_per_s,
            "irqs_per_s": irqs_per_s, "polls": 100, "observed_intervals": 6, "cpu_user_pct": 2.0,
            "cpu_system_pct": 5.0, "cpu_softirq_pct": 3.0, "cpu_hardirq_pct": 0.0, "cpu_idle_pct": idle,
            "context_softirq_pct": 100.0 - busy_poll_pct, "context_ksoftirqd_pct": 0.0,
            "context_thread_pct": 0.0, "context_busy_poll_pct": busy_poll_pct, "busy_poll_comm": comm}


def row(strategy, rep, p99, irqs, idle=80.0, mbps=450.0, busy_poll_pct=0.0, comm=None):
    return {"phase": "strategy", "strategy": strategy, "rep": rep, "driver": "ours", "nic": "e1000",
            "kernel": "6.1.0-57-amd64", "reset_ok": True,
            "light": pingpong(500, p99 / 3, p99, irqs / 6, idle + 5, busy_poll_pct, comm),
            "moderate": pingpong(3000, p99 / 2, p99, irqs, idle, busy_poll_pct, comm),
            "tcp": {"phase": f"strategy-{strategy}-{rep}-tcp", "mbps": mbps, "irqs_per_s": 600.0,
                    "cpu_idle_pct": 5.0}}


def strategies_of(raw):
    return rules.strategy_results(raw)


def claims_of(sr):
    return {c: (m, v) for c, m, v in rules.strategy_claims(sr)}


class Summary(unittest.TestCase):
    def test_repeats_are_summarised_per_strategy(self):
        raw = {"strategies-ours-1": [row("itr-off", 1, 600, 3000), row("defer", 1, 700, 1000),
                                     {"phase": "strategy_repeat", "rep": 1, "strategies": 2, "wall_s": 50.5},
                                     row("itr-off", 2, 800, 3200), row("defer", 2, 650, 900),
                                     {"phase": "strategy_repeat", "rep": 2, "strategies": 2, "wall_s": 49.5}]}
        sr = strategies_of(raw)
        self.assertEqual(list(sr["results"]), ["strategies-ours"])
        self.assertEqual(list(sr["results"]["strategies-ours"]), ["itr-off", "defer"])  # the page's order
        p99 = sr["results"]["strategies-ours"]["itr-off"]["moderate/p99_us"]
        self.assertEqual((p99["median"], p99["min"], p99["max"], p99["runs"]), (700, 600, 800, 2))
        busy = sr["results"]["strategies-ours"]["defer"]["moderate/cpu_busy_pct"]
        self.assertEqual(busy["median"], 20.0)
        self.assertEqual(sr["repeat_wall_s"]["strategies-ours"]["median"], 50.0)
        self.assertEqual(sr["errors"], [])

    def test_malformed_rows_are_left_out_and_said(self):
        bad_light = row("defer", 1, 700, 1000)
        bad_light["light"] = {"error": "strategy-defer-1-light: a tool failed: see the run folder"}
        no_context = row("threaded", 1, 700, 1000)
        for key in ("context_softirq_pct", "context_busy_poll_pct"):
            no_context["moderate"][key] = None
        raw = {"strategies-ours-1": [
            row("itr-off", 1, 600, 3000), bad_light, no_context,
            {"phase": "strategy", "rep": 1},  # no strategy
            {"phase": "strategy", "strategy": "irq", "rep": 1, "error": "setting the knobs failed: rmmod: busy"},
            dict(row("itr-fixed", 1, 600, 3000), tcp="napi-iperf failed"),  # not an object
            dict(row("adaptive-rx", 1, 600, 3000), reset_ok=False),
            "not an object"]}
        sr = strategies_of(raw)
        ours = sr["results"]["strategies-ours"]
        self.assertNotIn("irq", ours)
        self.assertNotIn("light/p99_us", ours["defer"])
        self.assertIn("moderate/p99_us", ours["defer"])
        self.assertNotIn("moderate/context_busy_poll_pct", ours["threaded"])  # a null is no sample
        self.assertNotIn("tcp/mbps", ours["itr-fixed"])
        self.assertIn("adaptive-rx", ours)  # kept, and said
        text = "\n".join(sr["errors"])
        for said in ("defer repeat 1: light: strategy-defer-1-light: a tool failed", "row 4: no strategy name",
                     "irq repeat 1: setting the knobs failed: rmmod: busy", "itr-fixed repeat 1: tcp missing",
                     "adaptive-rx repeat 1: the knobs were not all reset"):
            self.assertIn(said, text)

    def test_strategy_rows_stay_out_of_the_contenders_table(self):
        raw = {"strategies-ours-1": [row("itr-off", 1, 600, 3000),
                                     {"phase": "strategy_repeat", "rep": 1, "wall_s": 50.0}],
               "ours-1": [{"phase": "tcp_tx", "mbps": 400.0}]}
        samples, _ = rules.collect(raw)
        self.assertEqual(samples, {("ours", "tcp_tx", "mbps"): [400.0]})

    def test_differs(self):
        one = lambda x: rules.summary([x])  # noqa: E731
        self.assertEqual(rules.differs(one(100), one(301)), "lower")
        self.assertIsNone(rules.differs(one(100), one(290)))  # a TCG swing explains up to 3x
        self.assertEqual(rules.differs(one(400), one(100)), "higher")
        self.assertEqual(rules.differs(rules.summary([1, 2]), rules.summary([2.5, 3])), "lower")
        self.assertIsNone(rules.differs(rules.summary([1, 2.6]), rules.summary([2.5, 3])))  # overlap
        self.assertIsNone(rules.differs(None, one(1)))
        self.assertIsNone(rules.differs(one(0), one(1)))


class Claims(unittest.TestCase):
    def raw(self, **strategies):
        """strategy=(p99, irqs, busy_poll_pct) for two repeats each."""
        rows = []
        for rep, jitter in ((1, 0.95), (2, 1.05)):
            for s, (p99, irqs, share) in strategies.items():
                rows.append(row(s, rep, p99 * jitter, irqs * jitter, busy_poll_pct=share,
                                comm="napi-pingpong" if share else None))
        return {"strategies-ours-1": rows}

    def test_knobs_change_what_napi_does(self):
        sr = strategies_of(self.raw(**{"itr-off": (600, 3000, 0), "itr-fixed": (900, 1000, 0),
                                       "busy-sysctl": (500, 2900, 70)}))
        claims = claims_of(sr)
        measured, verdict = claims["NAPI is handled automatically, you don't configure it"]
        self.assertTrue(verdict.startswith("refuted"), verdict)
        self.assertIn("itr-fixed (p99 at the moderate rate)", measured)
        self.assertIn("itr-fixed (interrupts)", measured)
        self.assertNotIn("busy-sysctl (interrupts)", measured)  # 2900 vs 3000: within the spread
        measured, verdict = claims["epoll is event-driven"]
        self.assertTrue(verdict.startswith("refuted when busy polling is on"), verdict)
        self.assertIn("70 % (70–70, 2 runs) at 3000/s", measured)
        self.assertIn("by napi-pingpong", measured)
        measured, verdict = claims["polling reduces interrupts: itr-fixed (e1k_napi)"]
        self.assertEqual(verdict, "shown")
        self.assertIn("= 0.33×", measured)
        self.assertEqual(claims["polling reduces interrupts: busy-sysctl (e1k_napi)"][1],
                         "not shown: within the run-to-run spread")

    def test_mode_irq_is_the_polling_side_reversed(self):
        claims = claims_of(strategies_of(self.raw(**{"itr-off": (600, 1000, 0), "irq": (600, 3000, 0)})))
        measured, verdict = claims["polling reduces interrupts: irq (e1k_napi)"]
        self.assertEqual(verdict, "shown")  # itr-off's 1000 below mode=irq's 3000
        self.assertIn("= 3.00×", measured)
        self.assertIn("itr-off is the polling side", measured)

    def test_nothing_moves(self):
        sr = strategies_of(self.raw(**{"itr-off": (600, 3000, 0), "defer": (610, 3050, 10)}))
        claims = claims_of(sr)
        self.assertTrue(claims["NAPI is handled automatically, you don't configure it"][1].startswith("not refuted"))
        self.assertEqual(claims["epoll is event-driven"][1], "not measured")  # no busy-sysctl
        more = strategies_of(self.raw(**{"itr-off": (600, 3000, 0), "busy-sysctl": (610, 9000, 20)}))
        claims = claims_of(more)
        self.assertEqual(claims["polling reduces interrupts: busy-sysctl (e1k_napi)"][1], "refuted: more interrupts")
        self.assertTrue(claims["epoll is event-driven"][1].startswith("not refuted: the application ran at most 20 %"))

    def test_not_measured(self):
        claims = claims_of(strategies_of({}))
        self.assertEqual({v for _, v in claims.values()}, {"not measured"})
        self.assertEqual(len(claims), 2)  # no strategy: no per-strategy interrupt claim
        no_base = claims_of(strategies_of({"strategies-ours-1": [row("defer", 1, 600, 3000)]}))
        self.assertEqual(no_base["polling reduces interrupts: defer (e1k_napi)"][1], "not measured")

    def test_trades_are_written_from_the_figures(self):
        sr = strategies_of(self.raw(**{"itr-off": (600, 3000, 0), "itr-fixed": (1800, 1000, 0)}))
        trades = {s: text for _, s, text in rules.strategy_trades(sr)}
        self.assertIn("The reference for the others", trades["itr-off"])
        fixed = trades["itr-fixed"]
        self.assertIn("rx-usecs 250", fixed)
        self.assertIn("gains interrupts 0.33×*", fixed)
        self.assertIn("pays p99 at the moderate rate 3.00×*", fixed)
        self.assertIn("about the same guest CPU 1.00×", fixed)
        self.assertIn("1800 (1710–1890) µs at 3000/s", fixed)
        alone = strategies_of({"strategies-inbox-1": [row("defer", 1, 600, 3000)]})
        self.assertIn("No itr-default on this driver", rules.strategy_trades(alone)[0][2])


class RecordedRun(unittest.TestCase):
    """scripts/bench --quick --only strategies-ours,strategies-inbox,strategies-virtio,strategies-rt
    (one repeat each, TCG; strategies-rt from a second --only strategies-rt
    run after the first stopped on the RT kernel's missing busy-poll
    sysctls), as recorded; strategies-broken-1.jsonl holds malformed rows
    written by hand from the recorded itr-off row."""

    def setUp(self):
        self.sr = strategies_of(load_strategies())

    def test_every_driver_and_strategy(self):
        results = self.sr["results"]
        self.assertEqual(list(results), ["strategies-ours", "strategies-inbox", "strategies-virtio",
                                         "strategies-rt", "strategies-broken"])
        self.assertEqual(list(results["strategies-ours"]),
                         ["itr-off", "itr-fixed", "adaptive-rx", "defer", "busy-sysctl", "so-busy-poll",
                          "prefer-busy-poll", "threaded", "irq"])
        for c in ("strategies-inbox", "strategies-virtio"):
            self.assertEqual(list(results[c]), ["itr-default", "defer", "busy-sysctl", "so-busy-poll", "threaded"])
        self.assertEqual(list(results["strategies-rt"]), ["itr-off", "threaded"])
        for c in ("strategies-ours", "strategies-inbox", "strategies-virtio", "strategies-rt"):
            for s, m in results[c].items():
                with self.subTest(c=c, s=s):
                    for metric in ("light/p50_us", "moderate/p99_us", "moderate/irqs_per_s",
                                   "moderate/cpu_busy_pct", "tcp/mbps"):
                        self.assertEqual(m[metric]["runs"], 1)
                    self.assertEqual(m["moderate/rate"]["median"], 3000)
                    self.assertLessEqual(m["moderate/p50_us"]["median"], m["moderate/p99_us"]["median"])
        self.assertEqual(set(self.sr["repeat_wall_s"]),
                         {"strategies-ours", "strategies-inbox", "strategies-virtio", "strategies-rt"})

    def test_where_the_polls_ran(self):
        ours = self.sr["results"]["strategies-ours"]
        self.assertNotIn("moderate/context_softirq_pct", ours["irq"])  # mode=irq: no poll
        threaded = ours["threaded"]["moderate/context_thread_pct"]["median"]
        self.assertGreater(threaded, 90)
        prefer = ours["prefer-busy-poll"]["moderate/context_busy_poll_pct"]["median"]
        self.assertGreater(prefer, 90)
        self.assertEqual(self.sr["busy_poll_comm"]["strategies-ours"]["prefer-busy-poll"], "napi-pingpong")

    def test_broken_rows_are_left_out_and_said(self):
        broken = self.sr["results"]["strategies-broken"]
        self.assertEqual(list(broken), ["itr-off"])
        self.assertNotIn("light/p99_us", broken["itr-off"])
        text = "\n".join(e for e in self.sr["errors"] if e.startswith("strategies-broken"))
        for said in ("row 2: no strategy name", "defer repeat 1: setting the knobs failed",
                     "itr-off repeat 1: light: ", "itr-off repeat 1: tcp missing"):
            self.assertIn(said, text)
        self.assertEqual([e for e in self.sr["errors"] if not e.startswith("strategies-broken")], [])

    def test_claims_on_the_recorded_run(self):
        raw = load_strategies()
        del raw["strategies-broken-1"]
        claims = claims_of(strategies_of(raw))
        for claim in ("NAPI is handled automatically, you don't configure it", "epoll is event-driven"):
            self.assertNotEqual(claims[claim][1], "not measured", claim)
        measured, verdict = claims["polling reduces interrupts: prefer-busy-poll (e1k_napi)"]
        self.assertEqual(verdict, "shown", measured)
        self.assertIn("polling reduces interrupts: threaded (e1k_napi, PREEMPT_RT)", claims)
        trades = rules.strategy_trades(self.sr)
        self.assertEqual(len(trades), 9 + 5 + 5 + 2 + 1)


class Chart(unittest.TestCase):
    def test_points_and_drawing(self):
        sr = strategies_of({"strategies-ours-1": [row("itr-off", 1, 600, 3000), row("threaded", 1, 900, 3000)],
                            "strategies-virtio-1": [row("itr-default", 1, 400, 2000, idle=60)]})
        points = rules.strategy_points(sr)
        self.assertEqual([(s, d) for s, d, _, _ in points],
                         [("itr-off", "e1k_napi"), ("threaded", "e1k_napi"), ("itr-default", "virtio-net")])
        self.assertEqual(points[2][2]["median"], 40.0)
        with tempfile.TemporaryDirectory() as tmp:
            paths = [os.path.join(tmp, f"strategies.{e}") for e in ("png", "svg")]
            napilab_plots.strategies(points, paths, "test")
            self.assertEqual(common.png_size(paths[0]), (900, 500))
            self.assertGreater(os.path.getsize(paths[1]), 5000)
            with self.assertRaises(napilab_plots.PlotInputError):
                napilab_plots.strategies([], paths, "nothing")


class Page(unittest.TestCase):
    """bench-report on the recorded raw/ fixtures with the strategies run beside them."""

    def test_section_chart_and_claims(self):
        with tempfile.TemporaryDirectory() as tmp:
            done = common.report_from_fixtures(tmp, strategies=True)
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(os.path.join(tmp, "report.json"), encoding="utf-8") as f:
                report = json.load(f)
            with open(os.path.join(tmp, "index.html"), encoding="utf-8") as f:
                page = f.read()
            self.assertIsNone(report["charts"]["strategies"])
            for ext in ("png", "svg"):
                self.assertGreater(os.path.getsize(os.path.join(tmp, f"strategies.{ext}")), 5000)
            self.assertIn("<h2>NAPI strategies</h2>", page)
            self.assertIn('<img src="strategies.png"', page)
            self.assertIn("<b>prefer-busy-poll</b> (e1k_napi):", page)
            self.assertIn("Left out:", page)  # the broken rows
            ours = report["strategies"]["results"]["strategies-ours"]
            p99 = ours["itr-fixed"]["moderate/p99_us"]["median"]
            self.assertIn(f"{p99:.0f}", page)
            claims = {c["claim"] for c in report["claims"]}
            self.assertIn("epoll is event-driven", claims)
            self.assertIn("polling reduces interrupts: defer (e1k_napi)", claims)
            self.assertEqual(report["machine"]["runs"]["text"].split(",")[0], "TCG in all 12 VM run(s)")


if __name__ == "__main__":
    unittest.main()
