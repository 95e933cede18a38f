#!/bin/bash
# napitop --json under iperf3 load: the NIC's interrupts are counted and
# NAPI batches (packets per interrupt > 1); with e1k_napi the poll counters
# show polls that used the whole budget. Then at 10 pings/s the driver is
# back in interrupt mode. Prints the live screen it saw.
# napilab-vm: nic=e1000 driver=inbox timeout=180
# napilab-vm: nic=e1000 driver=ours timeout=180
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER NAPILAB_BUILD
napitop=$NAPILAB_BUILD/userspace/tools/napitop
[[ -x $napitop ]] || fail "$napitop is missing: run 'make userspace'"

# Bad arguments: a clear error, exit 2.
if "$napitop" -i "$IFACE" -d 0 2>"$RESULTS/napitop-bad.txt"; then fail "napitop -d 0 accepted"; fi
rc=0; "$napitop" -i "$IFACE" -d 0 2>/dev/null || rc=$?
((rc == 2)) || fail "napitop -d 0 exit $rc, expected 2"
if "$napitop" -i no-such-if0 -n 1 2>"$RESULTS/napitop-noif.txt"; then fail "napitop on a missing interface succeeded"; fi
grep -q no-such-if0 "$RESULTS/napitop-noif.txt" || fail "the error does not name the interface"
pass "bad arguments refused: $(head -n 1 "$RESULTS/napitop-bad.txt")"

timeout 30 iperf3 -c "$PEER" -t 6 -R >/dev/null &
load=$!
sleep 1
"$napitop" -i "$IFACE" -d 1 -n 4 | tee "$RESULTS/napitop-screen.txt"
wait "$load"
"$napitop" -i "$IFACE" -d 1 -n 3 --json >"$RESULTS/napitop-idle.jsonl" &
top=$!
ping -c 30 -i 0.1 -q "$PEER" >/dev/null
wait "$top"

timeout 30 iperf3 -c "$PEER" -t 5 -R >/dev/null &
load=$!
sleep 1
"$napitop" -i "$IFACE" -d 1 -n 3 --json >"$RESULTS/napitop-load.jsonl"
wait "$load"

python3 - "$RESULTS/napitop-load.jsonl" "$RESULTS/napitop-idle.jsonl" "$NAPILAB_DRIVER" <<'PY'
import json, sys
load = [json.loads(l) for l in open(sys.argv[1])]
idle = [json.loads(l) for l in open(sys.argv[2])]
ours = sys.argv[3] == "ours"
# In polling mode a whole second can pass without one interrupt: then
# packets_per_irq is null (no ratio). Judge the run by its totals.
rx = sum(r["rx_pps"] * r["seconds"] for r in load)
irqs = sum(r["irqs_per_s"] * r["seconds"] for r in load)
busiest = max(load, key=lambda r: r["rx_pps"])
print(f"under load: {irqs:.0f} interrupts for {rx:.0f} rx packets over {len(load)} intervals; "
      f"busiest {busiest['irqs_per_s']:.0f} IRQ/s, {busiest['rx_pps']:.0f} rx pps, mode {busiest['mode']}")
assert rx > 1000, "no receive load seen"
assert irqs == 0 or rx / irqs > 1, "no batching under load"
quiet = [r for r in idle if r["packets_per_irq"] is not None]
assert quiet, "no interrupts at 10 pings/s"
ppi = max(r["packets_per_irq"] for r in quiet)
print(f"at 10 pings/s: {quiet[-1]['irqs_per_s']:.0f} IRQ/s, {ppi:.1f} packets/IRQ at most, mode {quiet[-1]['mode']}")
assert ppi < 4, "still batching at 10 pings/s"
if ours:
    assert busiest["polls_per_s"] and busiest["polls_per_s"] > 0, "no NAPI polls counted"
    assert busiest["budget_exhausted_pct"] > 0, "no poll used the whole budget under load"
    assert all(r["budget_exhausted_pct"] == 0 for r in quiet), "budget exhausted at 10 pings/s"
    print(f"NAPI: {busiest['polls_per_s']:.0f} polls/s, {busiest['budget_exhausted_pct']:.1f} % "
          "used the whole budget under load; 0 % at 10 pings/s")
PY
pass "napitop saw NAPI batch under load and return to interrupt mode at idle"
