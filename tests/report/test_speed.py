"""The speed section (issue 13) in scripts/napilab_report.py and bench-report:
the parsers of xdp-bench's and perf report's own output on what they printed
in the guest (fixtures/speed/, recorded by scripts/bench --only
speed-ours,speed-inbox), the pairing and the verdicts on small synthetic rows
whose expected answers are worked by hand, and the page on the recorded run."""
import json
import os
import shutil
import tempfile
import unittest

import common  # first: puts scripts/ on the path
import napilab_report as rules

SPEED = os.path.join(common.FIXTURES, "speed")


def fixture_text(name):
    with open(os.path.join(SPEED, name), encoding="utf-8") as f:
        return f.read()


def tcp(phase, mbps):
    return {"phase": phase, "seconds": 5.0, "mbps": mbps}


def pktgen(pps):
    return {"phase": "speed_pktgen", "tx_pps": pps, "sent": 100000, "seconds": 100000 / pps}


def nft_doc(packets):
    """`nft -j list table inet napilab_speed` as nftables 1.0.6 prints it."""
    return {"nftables": [
        {"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
        {"table": {"family": "inet", "name": "napilab_speed", "handle": 1}},
        {"chain": {"family": "inet", "table": "napilab_speed", "name": "input", "handle": 1, "type": "filter",
                   "hook": "input", "prio": 0, "policy": "accept"}},
        {"rule": {"family": "inet", "table": "napilab_speed", "chain": "input", "handle": 2, "expr": [
            {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 9999}},
            {"counter": {"packets": packets, "bytes": packets * 92}}, {"drop": None}]}}]}


def stack(packets, seconds=5.0, qemu=None, busy=None):
    return {"phase": "speed_flood", "mode": "stack", "driver": "ours", "asked_pps": 200000, "size": 64,
            "sending_s": seconds, "sent": 1000000, "offered_pps": 200000, "seconds": seconds + 1.2,
            "qemu_delivered": qemu, "nft": nft_doc(packets), "xdp_bench": None, "cpu_softirq_pct": 50.0,
            "cpu_busy_s": busy}


def xdp(mode, rates, qemu=None, seconds=5.0, in_flood=True, busy=None):
    """A flood row whose xdp-bench printed one Summary line per rate; qemu
    counted over `seconds`, inside the flood."""
    lines = ["Dropping packets on eth0 (ifindex 2; driver e1k_napi)"]
    lines += [f"Summary              {r:>10,} rx/s                   0 err,drop/s" for r in rates]
    lines += ["", f"  Packets received    : {sum(rates):<10,}", f"  Average packets/s   : {sum(rates) // len(rates):<10,}"]
    return {"phase": "speed_flood", "mode": mode, "driver": "ours", "asked_pps": 200000, "size": 64,
            "sending_s": 17.0, "sent": 3400000, "offered_pps": 200000, "seconds": seconds, "in_flood": in_flood,
            "qemu_delivered": qemu, "nft": None, "xdp_bench": "\n".join(lines) + "\n", "cpu_busy_s": busy}


def skipped(mode, why):
    return {"phase": "speed_flood", "mode": mode, "driver": "ours", "skipped": why}


def pair_runs(ours, inbox):
    """{run id: rows} of repetitions whose (tx, rx, pktgen) figures are given."""
    raw = {}
    for name, figures in (("speed-ours", ours), ("speed-inbox", inbox)):
        for rep, (tx, rx, pk) in enumerate(figures, 1):
            raw[f"{name}-{rep}"] = [tcp("speed_tcp_tx", tx), tcp("speed_tcp_rx", rx), pktgen(pk)]
    return raw


class XdpBenchOutput(unittest.TestCase):
    def test_the_synthetic_layout(self):
        parsed = rules.parse_xdp_bench(xdp("xdp-drop-skb", [0, 1000, 40000, 41000, 39000, 5000, 0])["xdp_bench"])
        self.assertEqual(parsed["driver"], "e1k_napi")
        self.assertEqual([i["rx/s"] for i in parsed["intervals"]], [0, 1000, 40000, 41000, 39000, 5000, 0])
        self.assertEqual(parsed["totals"]["received"], 126000)
        # the first and the last busy interval (1000, 5000) are partly outside the flood
        self.assertEqual(rules.xdp_bench_rate(parsed), 40000)

    def test_a_stalled_interval_is_not_the_rate(self):
        parsed = rules.parse_xdp_bench(xdp("xdp-drop-skb", [900, 40000, 3000, 42000, 44000, 800])["xdp_bench"])
        self.assertEqual(rules.xdp_bench_rate(parsed), 42000)  # 3000 < half of 44000: left out

    def test_too_few_intervals_give_the_busiest(self):
        parsed = rules.parse_xdp_bench(xdp("xdp-drop-skb", [0, 30000, 20000])["xdp_bench"])
        self.assertEqual(rules.xdp_bench_rate(parsed), 30000)
        parsed = rules.parse_xdp_bench(xdp("xdp-drop-skb", [0, 0])["xdp_bench"])
        self.assertIsNone(rules.xdp_bench_rate(parsed))

    def test_refuses_what_is_not_its_output(self):
        for text in ("", "Failed to attach XDP program: Operation not supported\n",
                     "  receive total   1,000 pkt/s   0 drop/s   0 error/s\n"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                rules.parse_xdp_bench(text)


class RecordedRun(unittest.TestCase):
    """fixtures/speed/: scripts/bench --only speed-ours,speed-inbox with
    BENCH_SPEED_REPS=2 (e1k_napi on page_pool without native XDP yet); the
    expected figures read off the recorded text by hand."""

    @classmethod
    def setUpClass(cls):
        cls.raw = common.load_rows(SPEED)
        cls.runs = rules.speed_runs(cls.raw)

    def row(self, stem, mode):
        return next(r for r in self.raw[stem] if r.get("mode") == mode)

    def test_xdp_bench_drop(self):
        parsed = rules.parse_xdp_bench(self.row("speed-ours-1", "xdp-drop-skb")["xdp_bench"])
        self.assertEqual(parsed["driver"], "e1k_napi")
        self.assertEqual([i["rx/s"] for i in parsed["intervals"]],
                         [77999, 77223, 76830, 79139, 84396, 82289, 81285, 62725])
        self.assertEqual(parsed["intervals"][0]["err/s"], 0)  # drop mode prints err/s only
        self.assertEqual((parsed["totals"]["received"], parsed["totals"]["rx_dropped"]), (621886, 621886))
        # the inner six: 77223 76830 79139 84396 82289 81285 -> (79139 + 81285) / 2
        self.assertEqual(rules.xdp_bench_rate(parsed), 80212)

    def test_xdp_bench_redirect(self):
        parsed = rules.parse_xdp_bench(self.row("speed-ours-1", "xdp-redirect-skb")["xdp_bench"])
        self.assertEqual(len(parsed["intervals"]), 9)  # "eth0->eth0" lines, two programs loaded
        self.assertEqual(rules.xdp_bench_rate(parsed), 60869)
        self.assertEqual(rules.xdp_bench_rate(parsed, "redir/s"), 60864)
        self.assertEqual(parsed["totals"]["redirected"], 548249)

    def test_the_stack_by_nft_s_counter(self):
        f = rules.flood_figures(self.row("speed-ours-1", "stack"))
        self.assertAlmostEqual(f["pps"], 771960 / 5.000010938)  # the rule's packets over the sending time
        self.assertAlmostEqual(f["vs_qemu"], 771960 / 771965)  # QEMU delivered 771965

    def test_native_refused_is_a_skip_with_the_kernel_s_words(self):
        floods = rules.speed_floods(self.runs)
        self.assertEqual(floods["speed-ours"]["xdp-drop-native"]["skipped"], [
            "runs 1, 2: xdp-bench drop -m native did not attach: libbpf: Kernel error message: Underlying "
            "driver does not support XDP in native mode Failed to attach XDP program: Operation not supported"])
        self.assertNotIn("pps", floods["speed-ours"]["xdp-drop-native"])
        self.assertEqual(list(floods["speed-inbox"]), ["stack"])
        self.assertIsNone(rules.flood_verdict(floods)[2])

    def test_perf_report_in_the_guest(self):
        profiles = rules.speed_profiles(self.runs)
        ours, inbox = profiles["e1k_napi"], profiles["in-tree e1000"]
        self.assertEqual((ours["top_busy"][0]["symbol"], ours["top_busy"][0]["share"]),
                         ("_raw_spin_unlock_irqrestore", 18.25))
        self.assertEqual((ours["top_busy"][1]["symbol"], ours["top_busy"][1]["share"]), ("e1k_rx_refill", 17.17))
        self.assertEqual(ours["idle_share"], 20.68)  # native_safe_halt
        self.assertEqual(inbox["top_busy"][1]["symbol"], "e1000_clean_rx_irq")
        self.assertEqual(len(ours["top_busy"]), 10)

    def test_pairs(self):
        tx = rules.speed_comparisons(self.runs)[0]
        a1, a2 = (self.row_of(f"speed-ours-{i}", "speed_tcp_tx")["mbps"] for i in (1, 2))
        b1, b2 = (self.row_of(f"speed-inbox-{i}", "speed_tcp_tx")["mbps"] for i in (1, 2))
        self.assertEqual(tx["pairs"], [a1 / b1, a2 / b2])
        self.assertAlmostEqual(tx["ratio"], (a1 + a2) / (b1 + b2))  # medians of two: the means

    def row_of(self, stem, phase):
        return next(r for r in self.raw[stem] if r.get("phase") == phase)


class PerfReport(unittest.TestCase):
    # perf 6.1's layout (recorded on the host: dd under perf record -g)
    HOST = """# Samples: 99  of event 'cpu-clock'
# Event count (approx.): 99099099
#
# Overhead  Shared Object      Symbol
# ........  .................  .............................
#
    34.34%  [kernel.kallsyms]  [k] do_syscall_64
     8.08%  libc.so.6          [.] read
     2.02%  dd                 [.] 0x0000000000005b7f
     1.01%  [kernel.kallsyms]  [k] finish_task_switch.isra.0
"""

    def test_rows_in_perf_order(self):
        rows = rules.parse_perf_report(self.HOST)
        self.assertEqual([(r["share"], r["dso"], r["kind"], r["symbol"]) for r in rows],
                         [(34.34, "[kernel.kallsyms]", "k", "do_syscall_64"), (8.08, "libc.so.6", ".", "read"),
                          (2.02, "dd", ".", "0x0000000000005b7f"),
                          (1.01, "[kernel.kallsyms]", "k", "finish_task_switch.isra.0")])

    def test_refuses_a_report_without_symbols(self):
        with self.assertRaises(ValueError):
            rules.parse_perf_report("# Samples: 0 of event 'cpu-clock'\n#\n")

    def test_the_top_ten_of_each_driver(self):
        lines = "    40.50%  [kernel.kallsyms]  [k] pv_native_safe_halt\n" + "".join(
            f"    {20 - i:.2f}%  [kernel.kallsyms]  [k] sym{i}\n" for i in range(12)) + \
            "     0.25%  [kernel.kallsyms]  [k] default_idle_call\n"
        raw = {"speed-ours-1": [{"phase": "speed_profile", "driver": "ours", "seconds": 5,
                                 "load": "iperf3 TCP peer->guest", "perf_report": lines,
                                 "module": "e1k_napi", "module_symbols": ["sym3", "e1k_open"]}],
               "speed-ours-2": [{"phase": "speed_profile", "driver": "ours", "perf_report": "nothing"}],
               "speed-inbox-1": [{"phase": "speed_profile", "error": "perf report failed: x"}]}
        profiles = rules.speed_profiles(rules.speed_runs(raw))
        ours = profiles["e1k_napi"]
        self.assertEqual([t["symbol"] for t in ours["top"]], ["pv_native_safe_halt"] + [f"sym{i}" for i in range(9)])
        self.assertEqual([t["symbol"] for t in ours["top_busy"]], [f"sym{i}" for i in range(10)])
        self.assertEqual(ours["idle_share"], 40.75)
        self.assertEqual([t["dso"] for t in ours["top_busy"][2:5]], ["[kernel.kallsyms]", "[e1k_napi]",
                                                                     "[kernel.kallsyms]"])
        self.assertEqual(profiles["e1k_napi"]["rep"], 1)  # the first run's
        self.assertEqual(profiles["in-tree e1000"], {"rep": 1, "error": "perf report failed: x"})


class Pairs(unittest.TestCase):
    def test_medians_ratio_and_the_pairs_range(self):
        # ours 500, 600, 700 vs in-tree 400, 500, 800 (tx): medians 600 / 500
        # = 1.20; pairs 1.25, 1.20, 0.875: two of three at >= 1.10
        raw = pair_runs([(500, 450, 40000), (600, 550, 42000), (700, 500, 38000)],
                        [(400, 500, 36000), (500, 500, 40000), (800, 500, 30000)])
        comparisons = {c["phase"]: c for c in rules.speed_comparisons(rules.speed_runs(raw))}
        tx = comparisons["speed_tcp_tx"]
        self.assertAlmostEqual(tx["ratio"], 1.2)
        self.assertEqual([round(p, 3) for p in tx["pairs"]], [1.25, 1.2, 0.875])
        self.assertEqual((tx["pair_ratios"]["min"], tx["pair_ratios"]["max"]), (0.875, 1.25))
        self.assertEqual(tx["pairs_at_factor"], 2)
        self.assertTrue(tx["met"])
        self.assertEqual(rules.confidence(tx), "ours/in-tree in each of 3 pairs 0.88–1.25×; 2 of 3 at ≥ 1.10×")
        rx = comparisons["speed_tcp_rx"]  # medians 500 / 500: 1.00, not met
        self.assertAlmostEqual(rx["ratio"], 1.0)
        self.assertFalse(rx["met"])
        pk = comparisons["speed_pktgen"]  # 40000 / 36000 = 1.11
        self.assertAlmostEqual(pk["ratio"], 40000 / 36000)
        self.assertTrue(pk["met"])

    def test_a_missing_side_pairs_nothing_and_judges_nothing(self):
        raw = pair_runs([(500, 450, 40000), (600, 550, 42000)], [(400, 500, 36000)])
        del raw["speed-inbox-1"][0]  # in-tree's tx of run 1 failed
        raw["speed-ours-2"][1] = {"phase": "speed_tcp_rx", "error": "napi-iperf failed"}
        comparisons = {c["phase"]: c for c in rules.speed_comparisons(rules.speed_runs(raw))}
        self.assertIsNone(comparisons["speed_tcp_tx"]["ratio"])
        self.assertIsNone(comparisons["speed_tcp_tx"]["met"])
        self.assertEqual(comparisons["speed_tcp_tx"]["pairs"], [])
        self.assertEqual(rules.confidence(comparisons["speed_tcp_tx"]), "no pair measured")
        self.assertEqual(comparisons["speed_tcp_rx"]["ours"]["runs"], 1)  # the error row is no sample
        self.assertEqual(comparisons["speed_tcp_rx"]["pairs"], [0.9])

    def test_the_other_sections_do_not_see_the_speed_rows(self):
        raw = pair_runs([(500, 450, 40000)], [(400, 500, 36000)])
        samples, _ = rules.collect(raw)
        self.assertEqual(samples, {})


class Floods(unittest.TestCase):
    def test_stack_against_xdp_drop(self):
        # stack: 100000 counted by nft over 5 s = 20000 pps; native XDP_DROP
        # steady 61000 (intervals 60000, 61000, 62000) = 3.05x: met
        raw = {"speed-ours-1": [stack(100000, qemu=110000),
                                xdp("xdp-drop-native", [0, 3000, 60000, 61000, 62000, 9000, 0], qemu=320250),
                                skipped("xdp-tx-native", "xdp-bench tx -m native did not attach: Operation not supported")]}
        floods = rules.speed_floods(rules.speed_runs(raw))
        ours = floods["speed-ours"]
        self.assertEqual(list(ours), ["stack", "xdp-drop-native", "xdp-tx-native"])  # FLOOD_MODES' order
        self.assertEqual(ours["stack"]["pps"]["median"], 20000)
        self.assertEqual(ours["stack"]["qemu_pps"]["median"], 22000)
        self.assertAlmostEqual(ours["stack"]["vs_qemu"]["median"], 100000 / 110000)
        self.assertEqual(ours["xdp-drop-native"]["pps"]["median"], 61000)
        self.assertEqual(ours["xdp-drop-native"]["qemu_pps"]["median"], 64050)  # 320250 over the 5 s window
        self.assertAlmostEqual(ours["xdp-drop-native"]["vs_qemu"]["median"], 61000 / 64050)
        self.assertEqual(ours["xdp-tx-native"]["skipped"],
                         ["run 1: xdp-bench tx -m native did not attach: Operation not supported"])
        target, measured, met = rules.flood_verdict(floods)
        self.assertTrue(met)
        self.assertIn("3.05×", measured)

    def test_native_skipped_is_not_judged_and_says_why(self):
        raw = {"speed-ours-1": [stack(100000), xdp("xdp-drop-skb", [0, 30000, 30000, 30000, 0]),
                                skipped("xdp-drop-native", "Operation not supported")]}
        target, measured, met = rules.flood_verdict(rules.speed_floods(rules.speed_runs(raw)))
        self.assertIsNone(met)
        self.assertIn("native not measured (run 1: Operation not supported)", measured)
        self.assertIn("generic XDP_DROP 30000 pps (1 run) = 1.50×", measured)

    def test_below_the_bar(self):
        raw = {"speed-ours-1": [stack(100000), xdp("xdp-drop-native", [0, 50000, 50000, 50000, 0])]}
        _, _, met = rules.flood_verdict(rules.speed_floods(rules.speed_runs(raw)))
        self.assertFalse(met)  # 50000 / 20000 = 2.5x

    def test_the_whole_flood_taken_is_judged_per_frame(self):
        # The stack: 800000 frames from QEMU in a window of 5.83 busy CPU-s
        # (7.29 µs each); native XDP_DROP took 199000 of the 200000 pps
        # offered (0.995, past FLOOD_TOOK_ALL), 1000000 frames in 0.1 busy
        # CPU-s (0.10 µs): by rate 199000 / 160000 = 1.24x, by CPU per frame
        # 7.29 / 0.10 = 72.9x.
        raw = {"speed-ours-1": [stack(800000, qemu=800000, busy=5.83),
                                xdp("xdp-drop-native", [0, 199000, 199000, 199000, 0], qemu=1000000, busy=0.1)]}
        floods = rules.speed_floods(rules.speed_runs(raw))
        self.assertAlmostEqual(floods["speed-ours"]["stack"]["cpu_us_per_frame"]["median"], 7.2875)
        target, measured, met = rules.flood_verdict(floods)
        self.assertTrue(met)
        self.assertIn("= 1.24×", measured)
        self.assertIn("took the whole flood the peer offered (200000 pps)", measured)
        self.assertIn("the stack 7.29 µs (1 run) vs native XDP_DROP 0.10 µs (1 run) = 72.9×", measured)

    def test_the_whole_flood_taken_at_a_cost_short_of_the_bar(self):
        raw = {"speed-ours-1": [stack(800000, qemu=800000, busy=2.0),
                                xdp("xdp-drop-native", [0, 199000, 199000, 199000, 0], qemu=1000000, busy=1.0)]}
        _, measured, met = rules.flood_verdict(rules.speed_floods(rules.speed_runs(raw)))
        self.assertFalse(met)  # 2.5 µs / 1.0 µs per frame = 2.5x
        self.assertIn("= 2.5×", measured)

    def test_the_whole_flood_taken_without_cpu_figures_is_not_met(self):
        raw = {"speed-ours-1": [stack(800000, qemu=800000),
                                xdp("xdp-drop-native", [0, 199000, 199000, 199000, 0], qemu=1000000)]}
        _, measured, met = rules.flood_verdict(rules.speed_floods(rules.speed_runs(raw)))
        self.assertFalse(met)
        self.assertIn("no CPU time per frame", measured)

    def test_a_window_past_the_flood_is_an_error(self):
        floods = rules.speed_floods(rules.speed_runs({"speed-ours-1": [
            xdp("xdp-drop-skb", [0, 30000, 30000, 30000, 0], in_flood=False)]}))
        self.assertEqual(floods["speed-ours"]["xdp-drop-skb"]["errors"],
                         ["run 1: the measured window outlasted the flood (napi-blast's sending time)"])

    def test_a_row_without_its_counter_is_an_error_not_a_zero(self):
        row = stack(100000)
        row["nft"] = None
        bad_xdp = xdp("xdp-drop-skb", [1])
        bad_xdp["xdp_bench"] = "Failed to attach XDP program: Invalid argument\n"
        floods = rules.speed_floods(rules.speed_runs({"speed-ours-1": [row, bad_xdp]}))
        self.assertEqual(floods["speed-ours"]["stack"]["errors"],
                         ["run 1: no nft rule counter or no sending time in the row"])
        self.assertNotIn("pps", floods["speed-ours"]["stack"])
        self.assertIn("no xdp-bench interval line", floods["speed-ours"]["xdp-drop-skb"]["errors"][0])


class Walls(unittest.TestCase):
    def test_per_driver_and_per_pair(self):
        records = [{"id": "speed-ours-1", "wall_s": 150.0}, {"id": "speed-inbox-1", "wall_s": 60.0},
                   {"id": "speed-ours-2", "wall_s": 170.0}, {"id": "speed-inbox-2", "wall_s": 70.0},
                   {"id": "speed-ours-3", "wall_s": 160.0}, {"id": "ours-1", "wall_s": 99.0}]
        walls = rules.speed_walls(records)
        self.assertEqual(walls["speed-ours"]["median"], 160.0)
        self.assertEqual((walls["pair"]["min"], walls["pair"]["max"], walls["pair"]["runs"]), (210.0, 240.0, 2))
        self.assertNotIn("ours", walls)


class Page(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="napilab-speed-report-")
        raw = os.path.join(cls.tmp, "raw")
        os.makedirs(raw)
        rows = pair_runs([(500, 450, 40000), (600, 550, 42000)], [(400, 500, 36000), (500, 500, 40000)])
        rows["speed-ours-1"] += [stack(100000, qemu=110000),
                                 xdp("xdp-drop-skb", [0, 3000, 60000, 61000, 62000, 9000, 0], qemu=195000),
                                 skipped("xdp-drop-native", "did not attach: Operation not supported")]
        for stem, r in rows.items():
            with open(os.path.join(raw, f"{stem}.jsonl"), "w", encoding="utf-8") as f:
                f.write("".join(json.dumps(x) + "\n" for x in r))
        cls.done = common.bench_report(cls.tmp, "1", "2", "2", "5")
        with open(os.path.join(cls.tmp, "report.json"), encoding="utf-8") as f:
            cls.report = json.load(f)
        with open(os.path.join(cls.tmp, "index.html"), encoding="utf-8") as f:
            cls.page = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_written_with_the_chart(self):
        self.assertEqual(self.done.returncode, 0, self.done.stderr)
        self.assertIsNone(self.report["charts"]["speed_floods"])
        self.assertGreater(os.path.getsize(os.path.join(self.tmp, "speed_floods.png")), 5000)
        self.assertIn('<img src="speed_floods.png"', self.page)

    def test_states_the_figures_and_verdicts(self):
        speed = self.report["speed"]
        self.assertEqual((speed["repetitions"], speed["seconds_per_phase"], speed["pairs"]), (2, 5.0, 2))
        self.assertIn("<td>550 (500–600, 2 runs)</td><td>450 (400–500, 2 runs)</td><td>1.22×</td>", self.page)
        self.assertIn("<b>SKIP</b>: run 1: did not attach: Operation not supported", self.page)
        self.assertIn("speed: TCP guest→peer: ours ≥ 1.10× the in-tree e1000 (ratio of the medians): 1.22×",
                      self.done.stdout)
        self.assertIn("speed: flood e1k_napi xdp-drop-skb: 61000 pps (1 run)", self.done.stdout)
        self.assertIn("-> not measured", self.done.stdout)  # native XDP_DROP's verdict


if __name__ == "__main__":
    unittest.main()
