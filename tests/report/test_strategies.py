"""The NAPI strategies in scripts/napilab_report.py, napilab_plots.py and
bench-report: on the rows of a recorded scripts/bench --quick --only
strategies-... run (fixtures/strategies/, with a malformed contender
added: strategies-broken-1.jsonl) and on small synthetic rows built next
to each test, where the expected answer is worked by hand."""
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


if __name__ == "__main__":
    unittest.main()
