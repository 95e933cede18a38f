#!/bin/bash
# napi-observe, the libbpf NAPI observer (napi:napi_poll and the NIC's
# irq:irq_handler_entry), in the guest. Under iperf3 -R it records polls,
# none with work > budget; with e1k_napi some polls use the whole budget and
# the BPF poll count is close to the driver's own napi_polls. At 10 pings/s
# NAPI is in interrupt mode: about one interrupt per poll. Refusals: bad
# arguments exit 2, a missing interface and a non-root user exit 1 with the
# cause. napitop shows the observer's columns, and as non-root says why not
# and carries on.
# napilab-vm: nic=e1000 driver=ours timeout=180
# napilab-vm: nic=e1000 driver=inbox timeout=180
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER NAPILAB_BUILD RESULTS NAPILAB_DRIVER
observe=$NAPILAB_BUILD/userspace/bpf/napi-observe
[[ -x $observe ]] || fail "$observe is missing: run 'make userspace' (needs clang, bpftool, libbpf-dev)"

# exit_of CMD... - the exit code of CMD, its stderr in $RESULTS/last-stderr.txt.
exit_of() {
	local rc=0
	"$@" >/dev/null 2>"$RESULTS/last-stderr.txt" || rc=$?
	echo "$rc"
}

rc=$(exit_of "$observe" -i "$IFACE" -d 0)
((rc == 2)) || fail "napi-observe -d 0: exit $rc, expected 2"
rc=$(exit_of "$observe" -i no-such-if0 -n 1)
((rc == 1)) || fail "napi-observe on a missing interface: exit $rc, expected 1"
grep -q no-such-if0 "$RESULTS/last-stderr.txt" || fail "the error does not name the interface"
rc=$(exit_of setpriv --reuid=65534 --regid=65534 --clear-groups "$observe" -i "$IFACE" -n 1)
((rc == 1)) || fail "napi-observe as nobody: exit $rc, expected 1"
grep -q "not root" "$RESULTS/last-stderr.txt" || fail "as nobody: $(cat "$RESULTS/last-stderr.txt")"
pass "refusals: bad arguments exit 2; missing interface and non-root exit 1: $(cat "$RESULTS/last-stderr.txt")"
napitop=$NAPILAB_BUILD/userspace/tools/napitop
setpriv --reuid=65534 --regid=65534 --clear-groups "$napitop" -i "$IFACE" -d 0.2 -n 1 \
	>"$RESULTS/napitop-nobody.txt" || fail "napitop as nobody failed"
grep -q "bpf: unavailable: .*not root" "$RESULTS/napitop-nobody.txt" ||
	fail "napitop as nobody: $(head -n 1 "$RESULTS/napitop-nobody.txt")"
pass "napitop as nobody: $(head -n 1 "$RESULTS/napitop-nobody.txt")"

# driver_polls - e1k_napi's own poll counter (empty for other drivers).
driver_polls() { ethtool_stat "$IFACE" napi_polls 2>/dev/null || true; }

# Under load: the live screen, then 5 intervals of JSON with the driver's
# counter read around them.
timeout 60 iperf3 -c "$PEER" -t 22 -R >/dev/null &
load=$!
sleep 1
timeout 30 "$observe" -i "$IFACE" -d 1 -n 3 | tee "$RESULTS/observe-screen.txt"
polls_before=$(driver_polls)
timeout 30 "$observe" -i "$IFACE" -d 1 -n 5 --json >"$RESULTS/observe-load.jsonl"
polls_after=$(driver_polls)
timeout 30 "$napitop" -i "$IFACE" -d 1 -n 2 --json >"$RESULTS/napitop-load.jsonl"
wait "$load"
python3 - "$RESULTS/napitop-load.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert all(r["bpf_unavailable"] is None for r in rows), rows[0]["bpf_unavailable"]
bpf = max((r["bpf"] for r in rows), key=lambda b: b["polls_per_s"])
print(f"napitop's bpf columns under load: {bpf['polls_per_s']:.0f} polls/s, "
      f"{bpf['budget_exhausted_pct']:.1f} % budget exhausted")
assert bpf["polls_per_s"] > 0, "napitop's bpf columns saw no polls under load"
PY

# At 10 pings/s.
timeout 30 "$observe" -i "$IFACE" -d 1 -n 3 --json >"$RESULTS/observe-idle.jsonl" &
watcher=$!
sleep 0.5
ping -c 35 -i 0.1 -q "$PEER" >/dev/null
wait "$watcher"

driver_delta=""
[[ -n $polls_before && -n $polls_after ]] && driver_delta=$((polls_after - polls_before))
python3 - "$RESULTS/observe-load.jsonl" "$RESULTS/observe-idle.jsonl" "$NAPILAB_DRIVER" \
	"$driver_delta" <<'PY' | tee "$RESULTS/observe-summary.txt"
import json, sys
load = [json.loads(l) for l in open(sys.argv[1])]
idle = [json.loads(l) for l in open(sys.argv[2])]
ours = sys.argv[3] == "ours"
driver_polls = int(sys.argv[4]) if sys.argv[4] else None

def total(rows, key):
    return sum(r[key] for r in rows)

def hist(rows):
    buckets = {}
    for r in rows:
        for b in r["work_hist"]:
            buckets[b["work"]] = buckets.get(b["work"], 0) + b["polls"]
    return " ".join(f"{k}:{v}" for k, v in buckets.items() if v)

polls, seconds = total(load, "polls"), total(load, "seconds")
exhausted = total(load, "budget_exhausted")
print(f"under load: {polls / seconds:.0f} polls/s, {100 * exhausted / max(polls, 1):.1f} % budget "
      f"exhausted, {total(load, 'work') / max(polls, 1):.1f} work/poll, "
      f"{total(load, 'interrupts') / seconds:.0f} IRQ/s, "
      f"{total(load, 'interrupts') / max(polls, 1):.3f} IRQ/poll, budget {load[-1]['budget']}, "
      f"work max {load[-1]['work_max']}")
print(f"under load, work per poll: {hist(load)}")
assert polls > 0, "no NAPI polls recorded under load"
assert total(load, "over_budget") == 0, "a poll did more work than its budget"
assert all(r["work_max"] <= r["budget"] for r in load), "work above the budget"
if ours:
    assert exhausted > 0, "no poll used the whole budget under load"
    assert driver_polls, "e1k_napi's napi_polls did not move"
    ratio = polls / driver_polls
    print(f"BPF polls {polls} vs e1k_napi napi_polls {driver_polls} over the same run "
          f"(+ the observer's start): ratio {ratio:.2f}")
    assert 0.4 <= ratio <= 1.1, "the BPF poll count is far from the driver's"

ipolls, iirqs = total(idle, "polls"), total(idle, "interrupts")
print(f"at 10 pings/s: {ipolls / total(idle, 'seconds'):.1f} polls/s, "
      f"{iirqs / total(idle, 'seconds'):.1f} IRQ/s, {iirqs / max(ipolls, 1):.2f} IRQ/poll, "
      f"{100 * total(idle, 'budget_exhausted') / max(ipolls, 1):.1f} % budget exhausted, "
      f"work per poll: {hist(idle)}")
assert ipolls > 0 and iirqs > 0, "no polls or no interrupts at 10 pings/s"
assert 0.7 <= iirqs / ipolls <= 1.3, "interrupts and polls differ at 10 pings/s"
assert total(idle, "budget_exhausted") == 0, "budget exhausted at 10 pings/s"
PY
pass "napi-observe saw NAPI poll under load (work <= budget) and one poll per interrupt at idle"
