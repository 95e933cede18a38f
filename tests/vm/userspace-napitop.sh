#!/bin/bash
# napitop --json under iperf3 load: its interrupt, packet and (e1k_napi)
# poll counts agree with /proc/interrupts and the NIC's statistics read
# around its window; NAPI batches (packets per interrupt > 1) and with
# e1k_napi most polls use the whole budget. Then at 10 pings/s the driver
# is back in interrupt mode. Prints the live screen it saw.
# napilab-vm: nic=e1000 driver=inbox timeout=180
# napilab-vm: nic=e1000 driver=ours timeout=180
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
require_env IFACE PEER NAPILAB_BUILD NAPILAB_DRIVER RESULTS
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

# Under load, counted twice over one window: napitop's intervals (rate x
# seconds, summed) and /proc/interrupts and the NIC's statistics read around
# napitop's whole run. The flood starts once napitop has written its first
# interval and must end before napitop does; outside it the NIC is idle, so
# the one window holding the other adds next to nothing: measured equal,
# or 1 poll apart (of 1100). Tolerance 5 % + 5 counts.
irqs0=$(nic_irq_total "$IFACE")
rx0=$(iface_stat "$IFACE" rx_packets)
[[ $NAPILAB_DRIVER == ours ]] && polls0=$(ethtool_stat "$IFACE" napi_polls)
stdbuf -oL "$napitop" -i "$IFACE" -d 1 -n 6 --json >"$RESULTS/napitop-load.jsonl" &
top=$!
wait_first_line "$RESULTS/napitop-load.jsonl" "$top"
timeout 30 iperf3 -c "$PEER" -t 3 -R >/dev/null || fail "iperf3 -R failed"
kill -0 "$top" 2>/dev/null || fail "napitop ended before the flood: its window did not cover it"
wait "$top"
irqs=$(($(nic_irq_total "$IFACE") - irqs0))
rx=$(($(iface_stat "$IFACE" rx_packets) - rx0))
load=$RESULTS/napitop-load.jsonl
top_irqs=$(jsonl_total "$load" '.irqs_per_s * .seconds')
top_rx=$(jsonl_total "$load" '.rx_pps * .seconds')
echo "under load: napitop $top_irqs interrupts, $top_rx rx packets over $(jq -s length "$load") intervals;" \
	"around it /proc/interrupts $irqs, statistics $rx rx packets"
agree "interrupts: napitop vs /proc/interrupts" "$top_irqs" "$irqs" 5 5
agree "rx packets: napitop vs /sys/class/net statistics" "$top_rx" "$rx" 5 5
((rx > 1000)) || fail "no receive load seen ($rx packets)"
((irqs == 0 || rx > irqs)) || fail "no batching under load: $rx packets, $irqs interrupts"
if [[ $NAPILAB_DRIVER == ours ]]; then
	polls=$(($(ethtool_stat "$IFACE" napi_polls) - polls0))
	top_polls=$(jsonl_total "$load" '.polls_per_s * .seconds')
	agree "polls: napitop vs e1k_napi's napi_polls" "$top_polls" "$polls" 5 5
	# Polling mode: most polls of the busiest interval used the whole budget
	# (measured 80-90 % under iperf3 -R; 50 % allows for TCG's stalls).
	busiest_pct=$(jq -s 'max_by(.rx_pps) | .budget_exhausted_pct | round' "$load")
	((busiest_pct >= 50)) || fail "only $busiest_pct % of the busiest interval's polls used the whole budget"
	pass "NAPI stayed in polling mode: $busiest_pct % of the busiest interval's polls used the whole budget"
fi

# At 10 pings/s: interrupt mode again, about one packet per interrupt.
idle=$RESULTS/napitop-idle.jsonl
ppi=$(jq -s '[.[] | select(.packets_per_irq != null) | .packets_per_irq] | max // empty' "$idle")
[[ -n $ppi ]] || fail "no interrupts at 10 pings/s"
echo "at 10 pings/s: $(jq -s -r 'max_by(.irqs_per_s) | "\(.irqs_per_s | round) IRQ/s, mode \(.mode)"' "$idle")" \
	"in the busiest interval, $ppi packets/IRQ at most"
jq -n -e "$ppi < 4" >/dev/null || fail "still batching at 10 pings/s ($ppi packets/IRQ)"
if [[ $NAPILAB_DRIVER == ours ]]; then
	jq -e -s 'all(.[] | select(.packets_per_irq != null); .budget_exhausted_pct == 0)' "$idle" >/dev/null ||
		fail "budget exhausted at 10 pings/s"
fi
pass "napitop's counts agree with /proc/interrupts and the NIC's own; NAPI batched under load and returned to interrupt mode at idle"
