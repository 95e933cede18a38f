"""scripts/napilab_plots.py and scripts/plot on recorded napitop --json rows."""
import os
import subprocess
import tempfile
import unittest

import common  # first: puts scripts/ on the path
import napilab_plots

FIXTURES = common.FIXTURES
PLOT = os.path.join(common.SCRIPTS, "plot")


class TimelineSeries(unittest.TestCase):
    def setUp(self):
        self.rows = napilab_plots.read_jsonl(os.path.join(FIXTURES, "napitop-ours.jsonl"))

    def test_intervals_are_the_measured_ones(self):
        s = napilab_plots.timeline_series(self.rows)
        self.assertEqual(len(s["end"]), len(self.rows))
        for row, start, end in zip(self.rows, s["start"], s["end"]):
            self.assertEqual(end, row["t"])
            self.assertAlmostEqual(start, row["t"] - row["seconds"])
        # The fixture's intervals are 0.50-0.56 s: a nominal 0.5 * i would drift.
        self.assertGreater(s["end"][-1], 0.5 * len(self.rows) + 1.0)

    def test_driver_counters_come_first_then_bpf(self):
        ours = napilab_plots.timeline_series(self.rows)
        self.assertEqual(ours["sources"], {"polls_per_s": "driver", "budget_exhausted_pct": "driver"})
        inbox = napilab_plots.timeline_series(
            napilab_plots.read_jsonl(os.path.join(FIXTURES, "napitop-inbox.jsonl")))
        self.assertEqual(inbox["sources"], {"polls_per_s": "bpf", "budget_exhausted_pct": "bpf"})
        flood = [p for p, r in zip(inbox["budget_exhausted_pct"], inbox["rx_pps"]) if r > 35000]
        self.assertTrue(flood and all(p > 80 for p in flood))

    def test_null_counters_are_gaps(self):
        rows = [dict(r) for r in self.rows[:3]]
        rows[1]["polls_per_s"] = None
        s = napilab_plots.timeline_series(rows)
        self.assertNotEqual(s["polls_per_s"][1], s["polls_per_s"][1])  # NaN

    def test_recorded_demo_run(self):
        """napitop --json as make demo recorded it (e1k_napi, ~1k and ~20k
        pps UDP, then TCP, with the BPF observer beside the driver)."""
        rows = napilab_plots.read_jsonl(os.path.join(FIXTURES, "napitop-demo-ours.jsonl"))
        s = napilab_plots.timeline_series(rows)
        self.assertEqual(len(s["end"]), 30)
        self.assertEqual(s["sources"], {"polls_per_s": "driver", "budget_exhausted_pct": "driver"})
        # napitop's intervals are measured, each a little over its 0.5 s
        intervals = [e - b for b, e in zip(s["start"], s["end"])]
        self.assertTrue(all(0.5 <= i < 0.7 for i in intervals), intervals)
        self.assertIn("polling", s["mode"])

    def test_refuses_rows_without_measured_time(self):
        cases = {
            "no t": [{k: v for k, v in self.rows[0].items() if k != "t"}],
            "zero seconds": [dict(self.rows[0], seconds=0)],
            "t goes back": [self.rows[1], self.rows[0]],
            "rx_pps a string": [dict(self.rows[0], rx_pps="12")],
            "empty": [],
        }
        for why, rows in cases.items():
            with self.subTest(why), self.assertRaises(napilab_plots.PlotInputError):
                napilab_plots.timeline_series(rows)

    def test_read_jsonl_names_the_bad_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl") as f:
            f.write('{"t": 1}\n\n[1, 2]\n')
            f.flush()
            with self.assertRaisesRegex(napilab_plots.PlotInputError, r":3: not a JSON object"):
                napilab_plots.read_jsonl(f.name)

    def test_figure_draws_the_measured_time(self):
        fig = napilab_plots.timeline_figure(self.rows)
        received = fig.axes[0].lines[0]
        xs = list(received.get_xdata())
        self.assertEqual(xs[1:], [r["t"] for r in self.rows])
        self.assertEqual(list(received.get_ydata())[1:], [r["rx_pps"] for r in self.rows])
        napilab_plots.plt.close(fig)


class PlotCli(unittest.TestCase):
    def run_plot(self, *args):
        return subprocess.run([PLOT, *args], capture_output=True, text=True, timeout=60)

    def test_timeline_png_and_svg(self):
        with tempfile.TemporaryDirectory() as tmp:
            png, svg = os.path.join(tmp, "t.png"), os.path.join(tmp, "t.svg")
            for out in (png, svg):
                done = self.run_plot("timeline", os.path.join(FIXTURES, "napitop-inbox.jsonl"), out,
                                     "--title", "inbox e1000")
                self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(common.png_size(png), (900, 500))
            self.assertEqual(os.stat(png).st_mode & 0o044, 0o044 & ~napilab_plots.UMASK)
            with open(svg, encoding="utf-8") as f:
                text = f.read()
            self.assertIn("<svg", text)
            self.assertIn("inbox e1000", text)

    def test_bad_input_writes_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.jsonl")
            with open(bad, "w") as f:
                f.write('{"rx_pps": 1, "irqs_per_s": 1}\n')
            out = os.path.join(tmp, "t.png")
            done = self.run_plot("timeline", bad, out)
            self.assertEqual(done.returncode, 1)
            self.assertIn("measured interval", done.stderr)
            self.assertEqual(os.listdir(tmp), ["bad.jsonl"])
            missing = self.run_plot("timeline", os.path.join(tmp, "none.jsonl"), out)
            self.assertEqual(missing.returncode, 1)
            self.assertIn("No such file", missing.stderr)
            fmt = self.run_plot("timeline", os.path.join(FIXTURES, "napitop-ours.jsonl"),
                                os.path.join(tmp, "t.gif"))
            self.assertEqual(fmt.returncode, 1)
            self.assertEqual(sorted(os.listdir(tmp)), ["bad.jsonl"])

    def test_usage(self):
        self.assertEqual(self.run_plot().returncode, 2)
        self.assertEqual(self.run_plot("histogram", "a", "b").returncode, 2)
        self.assertEqual(self.run_plot("timeline", "a").returncode, 2)
        helped = self.run_plot("--help")
        self.assertEqual(helped.returncode, 0)
        self.assertIn("timeline", helped.stdout)


if __name__ == "__main__":
    unittest.main()
