"""scripts/bench-pingpong.jq, the strategies phase's ping-pong row, run by jq
on small inputs in the tools' own JSON shapes (napi-measure, napi-pingpong's
client, napi-observe's intervals): the poll-context shares it reads from
napi-observe's "context" keys, and beside a stream what napi-blast sent and
napi-sink got, worked out by hand."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import common  # first: puts scripts/ on the path

if shutil.which("jq") is None:
    print("SKIP: no jq (apt-get install jq)")
    sys.exit(77)


def measure():
    return {"seconds": 5.0, "counts": {"irqs": 40},
            "cpu_percent": {"user": 2.0, "nice": 1.0, "system": 5.0, "irq": 0.5, "softirq": 3.0,
                            "idle": 88.5, "iowait": 0.0, "steal": 0.0}}


def client():
    return {"rate": 500, "duration_s": 4.0, "sent": 2000, "received": 1998, "lost": 2, "late": 0,
            "messages_per_s": 499.5, "rtt_ns": {"p50": 250000, "p99": 900000}}


def interval(polls, softirq=0, ksoftirqd=0, thread=0, busy_poll=0, unknown=None, tgid=None, comm=None):
    """One napi-observe --json interval (the keys the row reads)."""
    context = {"softirq": softirq, "ksoftirqd": ksoftirqd, "thread": thread, "busy_poll": busy_poll,
               "busy_poll_tgid": tgid, "busy_poll_comm": comm}
    if unknown is not None:
        context["unknown"] = unknown
    return {"seconds": 1.0, "polls": polls, "interrupts": 1, "context": context}


def row(intervals, blast=None, sink=None):
    """The row bench-pingpong.jq makes of these intervals (and of the
    stream's napi-blast and napi-sink JSON, when given)."""
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        inputs = [("measure", [measure()]), ("client", [client()]), ("observe", intervals)]
        inputs += [(name, [doc]) for name, doc in (("blast", blast), ("sink", sink)) if doc is not None]
        for name, content in inputs:
            path = os.path.join(tmp, f"{name}.json")
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(item) + "\n" for item in content)
            args += ["--slurpfile", name, path]
        out = subprocess.run(
            ["jq", "-n", "-c", "-L", common.SCRIPTS, "-f", os.path.join(common.SCRIPTS, "bench-pingpong.jq")]
            + args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


SHARES = ("context_softirq_pct", "context_ksoftirqd_pct", "context_thread_pct", "context_busy_poll_pct")


class PollContexts(unittest.TestCase):
    def test_shares_of_the_summed_intervals(self):
        r = row([interval(10, softirq=6, ksoftirqd=4),
                 interval(30, softirq=1, busy_poll=29, unknown=0, tgid=77, comm="napi-pingpong"),
                 interval(60, busy_poll=60, unknown=0, tgid=77, comm="napi-pingpong")])
        self.assertEqual(r["polls"], 100)
        self.assertEqual([r[k] for k in SHARES], [7, 4, 0, 89])
        self.assertEqual(r["busy_poll_comm"], "napi-pingpong")
        self.assertEqual(r["irqs_per_s"], 10)
        self.assertEqual(r["cpu_user_pct"], 3.0)  # nice counts as user

    def test_unknown_polls_leave_the_shares_empty(self):
        # A kernel whose BTF shows no softirq count: napi-observe placed only
        # the thread's polls; a split of the rest would be made up.
        r = row([interval(50, thread=20, unknown=30), interval(50, softirq=50, unknown=0)])
        self.assertEqual(r["polls"], 100)
        for k in SHARES:
            self.assertIsNone(r[k], k)
        self.assertIsNone(r["busy_poll_comm"])

    def test_no_poll_or_no_context_leaves_the_shares_empty(self):
        r = row([interval(0, unknown=0)])  # mode=irq: no NAPI poll
        self.assertEqual([r[k] for k in SHARES], [None] * 4)
        old = interval(10, softirq=10)
        del old["context"]  # a napi-observe without contexts
        r = row([old])
        self.assertEqual(r["polls"], 10)
        self.assertEqual([r[k] for k in SHARES], [None] * 4)

    def test_a_line_that_is_not_an_object_is_left_out(self):
        r = row([interval(4, softirq=4, unknown=0), "napi-observe: interrupted", 3])
        self.assertEqual(r["observed_intervals"], 1)
        self.assertEqual(r["context_softirq_pct"], 100)


def blast(packets, elapsed_s=20.0, payload=1472):
    """napi-blast --json, the keys the row reads and a few beside them."""
    return {"destination": "10.77.0.2:9000", "rate_pps": 1700, "payload_bytes": payload, "duration_s": 20.0,
            "packets": packets, "bytes": packets * payload, "elapsed_s": elapsed_s,
            "achieved_pps": packets / elapsed_s, "send_errors": {}}


def sink(delivered):
    return {"protocol": "udp", "bytes": delivered * 1472, "messages": delivered, "echoed_bytes": 0, "errors": 0,
            "unsequenced": 0, "sequence": {"delivered": delivered, "lost": 0, "reordered": 0, "duplicates": 0}}


class Stream(unittest.TestCase):
    STREAM = ("stream_sent", "stream_mbps", "stream_delivered", "stream_lost_percent")

    def test_what_the_stream_sent_and_the_sink_got(self):
        r = row([interval(4, softirq=4, unknown=0)], blast(34000), sink(33966))
        self.assertEqual(r["stream_sent"], 34000)
        # 34000 x 1472 B x 8 over 20 s: 20.0192 Mb/s of payload
        self.assertAlmostEqual(r["stream_mbps"], 20.0192, places=6)
        self.assertEqual(r["stream_delivered"], 33966)
        self.assertAlmostEqual(r["stream_lost_percent"], 0.1, places=9)
        self.assertEqual(r["p50_us"], 250)  # the ping-pong's own figures as alone

    def test_more_delivered_than_sent_is_no_negative_loss(self):
        # the loss is floored at 0: a miscount on either side is no gain
        self.assertEqual(row([], blast(100), sink(101))["stream_lost_percent"], 0)

    def test_nothing_sent_has_no_loss_figure(self):
        self.assertIsNone(row([], blast(0), sink(0))["stream_lost_percent"])

    def test_alone_has_no_stream_keys(self):
        r = row([interval(4, softirq=4, unknown=0)])
        for k in self.STREAM:
            self.assertNotIn(k, r)


if __name__ == "__main__":
    unittest.main()
