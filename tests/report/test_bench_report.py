"""scripts/bench-report as scripts/bench runs it, on the recorded raw/
fixtures: what the report states about the runs it read (the accelerator
each run used, wall times with ranges), its files, and its refusals."""
import json
import os
import shutil
import tempfile
import unittest

import common



def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


run = common.bench_report


class BenchReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="napilab-bench-report-")
        cls.out = os.path.join(cls.tmp, "report")
        cls.done = common.report_from_fixtures(cls.out)
        cls.report = read_json(os.path.join(cls.out, "report.json"))
        with open(os.path.join(cls.out, "index.html"), encoding="utf-8") as f:
            cls.page = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_written(self):
        self.assertEqual(self.done.returncode, 0, self.done.stderr)
        for stem in ("throughput", "livelock", "timeline-ours", "timeline-inbox", "poll_epoll"):
            for ext in ("png", "svg"):
                with self.subTest(f"{stem}.{ext}"):
                    self.assertGreater(os.path.getsize(os.path.join(self.out, f"{stem}.{ext}")), 5000)
        self.assertEqual(self.report["charts"], dict.fromkeys(
            ["throughput", "livelock", "timeline-inbox", "timeline-ours", "poll_epoll"]))
        self.assertFalse([f for f in os.listdir(self.out) if f.endswith(".dat")])  # gnuplot's, gone

    def test_states_what_the_runs_used(self):
        runs = self.report["machine"]["runs"]
        self.assertEqual(runs["text"], "TCG in all 8 VM run(s), confirmed by each guest's CPU")
        self.assertEqual(self.report["machine"]["guest_kernel"], "6.1.0-57-amd64")
        self.assertIn("TCG in all 8 VM run(s)", self.page)
        self.assertNotIn("KVM does not boot", self.page)
        walls = sorted(read_json(os.path.join(self.out, "raw", f))["wall_s"]
                       for f in os.listdir(os.path.join(self.out, "raw")) if f.endswith(".run.json"))
        self.assertEqual((runs["wall_s"]["min"], runs["wall_s"]["max"]), (walls[0], walls[-1]))
        self.assertIn(f"({walls[0]:.0f}–{walls[-1]:.0f}, 8 runs)", self.page)

    def test_ranges_with_medians(self):
        self.assertIn("measured window", self.page)
        tcp = self.report["results"]["ours"]["tcp_tx/mbps"]
        self.assertIn(f"{tcp['median']:.1f} <small>({tcp['min']:.1f}–{tcp['max']:.1f}, 2)</small>", self.page)
        claims = {c["claim"]: c for c in self.report["claims"]}
        self.assertEqual(claims["epoll's wait does not grow with the watched fds, only with the ready ones"]
                         ["verdict"], "shown")
        self.assertIn("EpollWait", self.report["poll_epoll_exponents"]["in_n"])

    def test_a_single_run_with_a_contender_missing(self):
        out = os.path.join(self.tmp, "single")
        os.makedirs(os.path.join(out, "raw"))
        for name in ("ours-1.jsonl", "ours-1.run.json"):
            shutil.copy(os.path.join(common.FIXTURES, "raw", name), os.path.join(out, "raw"))
        done = run(out, "1", "2")
        self.assertEqual(done.returncode, 0, done.stderr)
        report = read_json(os.path.join(out, "report.json"))
        self.assertEqual(report["machine"]["runs"]["text"], "TCG in all 1 VM run(s), confirmed by each guest's CPU")
        self.assertEqual(report["ratios_ours_over_inbox"], {})
        self.assertIn("not measured", {c["verdict"] for c in report["claims"]})
        self.assertIn("throughput", report["charts"])
        self.assertNotIn("timeline-ours", report["charts"])

    def test_the_pre_napi_sweep_gets_its_own_chart(self):
        out = os.path.join(self.tmp, "prenapi")
        shutil.copytree(os.path.join(common.FIXTURES, "raw"), os.path.join(out, "raw"))
        for contender, tail in (("ours-nomit", 29000), ("ours-irq-drain", 300)):
            with open(os.path.join(out, "raw", f"{contender}-1.jsonl"), "w") as f:
                for offered, delivered in ((10000, 10000), (80000, 30000), (300000, tail)):
                    f.write(json.dumps({"phase": f"livelock_{offered}", "asked_pps": offered,
                                        "offered_pps": offered * 0.97, "delivered_pps": delivered,
                                        "seconds": 3.02, "sent": offered * 3, "delivered": delivered * 3,
                                        "backlog_dropped": 4321 if offered == 300000 else 0,
                                        "ring_no_buffer": None}) + "\n")
        done = run(out, "1", "2")
        self.assertEqual(done.returncode, 0, done.stderr)
        report = read_json(os.path.join(out, "report.json"))
        self.assertIsNone(report["charts"]["livelock-prenapi"])
        self.assertEqual(sorted(report["livelock"]["curves"]),
                         ["inbox", "ours", "ours-irq", "ours-irq-drain", "ours-nomit"])
        claims = {c["claim"]: c for c in report["claims"]}
        self.assertEqual(claims["per-packet interrupt processing livelocks; NAPI does not"]["verdict"], "shown")
        self.assertEqual(report["frame_fates"]["ours-irq-drain"][-1],
                         [300000, {"sent": 900000, "delivered": 900, "backlog_dropped": 4321}])
        with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
            page = f.read()
        self.assertIn('<img src="livelock-prenapi.png"', page)
        self.assertIn("<td>300000</td><td>900000</td><td>900</td><td>4321</td>", page)
        self.assertNotIn("RNBC", page)  # a null counter gets no column

    def test_refusals(self):
        self.assertEqual(run().returncode, 2)
        self.assertEqual(run(self.out, "two", "2").returncode, 2)
        missing = os.path.join(self.tmp, "empty")
        os.makedirs(missing)
        done = run(missing, "1", "2")
        self.assertEqual(done.returncode, 1)
        self.assertIn("raw: no such folder", done.stderr)
        self.assertEqual(os.listdir(missing), [])
        bad = os.path.join(self.tmp, "bad")
        os.makedirs(os.path.join(bad, "raw"))
        with open(os.path.join(bad, "raw", "ours-1.jsonl"), "w") as f:
            f.write('{"phase": "tcp_tx", "mbps": 1}\n{"phase": \n')
        done = run(bad, "1", "2")
        self.assertEqual(done.returncode, 1)
        self.assertIn("ours-1.jsonl: not JSON", done.stderr)
        self.assertEqual(os.listdir(bad), ["raw"])
        self.assertEqual(run("--help").returncode, 0)


if __name__ == "__main__":
    unittest.main()
