#!/bin/bash
# Test bed smoke test: proves the bed itself with the in-tree drivers.
# Link up, 20 pings answered, iperf3 TCP both directions with non-zero
# throughput, and the NIC's interrupt count grows under traffic.
# napilab-vm: nic=e1000 driver=inbox timeout=180
# napilab-vm: nic=virtio driver=inbox timeout=180
# On Debian's PREEMPT_RT kernel (run-vm --kernel rt), with e1k_napi built
# against its headers; there it also checks that the kernel is an RT one
# and that the NIC's interrupt handler runs in its own thread (forced
# threading), as PREEMPT_RT makes every non-NO_THREAD handler.
# napilab-vm: nic=e1000 driver=ours kernel=rt timeout=180
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER GUEST_IP RESULTS NAPILAB_KERNEL NAPILAB_KERNEL_RELEASE

# The kernel that runs is the one the bed says it booted.
[[ $(uname -r) == "$NAPILAB_KERNEL_RELEASE" ]] ||
	fail "the bed booted '$NAPILAB_KERNEL_RELEASE' ($NAPILAB_KERNEL), the guest runs $(uname -r)"
pass "kernel $(uname -r) ($NAPILAB_KERNEL)"
if [[ $NAPILAB_KERNEL == rt ]]; then
	[[ $(cat /sys/kernel/realtime 2>/dev/null) == 1 ]] ||
		fail "--kernel rt runs a kernel without PREEMPT_RT (no /sys/kernel/realtime; uname -v: $(uname -v))"
	irqs=$(nic_irq_numbers "$IFACE") || fail "no /proc/interrupts line for $IFACE"
	for irq in $irqs; do
		pgrep -x "irq/$irq-$IFACE" >/dev/null ||
			fail "PREEMPT_RT: no thread irq/$irq-$IFACE for $IFACE's interrupt ($(pgrep -l '^irq/' | tr '\n' ' '))"
	done
	pass "PREEMPT_RT ($(uname -v | grep -o 'PREEMPT_RT' | head -n 1)), $IFACE's interrupt in thread irq/$irqs-$IFACE"
fi

[[ $(cat "/sys/class/net/$IFACE/carrier") == 1 ]] || fail "$IFACE has no carrier"
pass "$IFACE is up, carrier 1, driver $(basename "$(readlink "/sys/class/net/$IFACE/device/driver")")"

irq_before=$(nic_irq_total "$IFACE") || fail "no /proc/interrupts line for $IFACE"

ping_out=$(ping -c 20 -i 0.05 -W 2 "$PEER") || fail "ping failed: $ping_out"
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$ping_out")
[[ $received == 20 ]] || fail "20 pings sent, $received answered"
pass "20/20 pings answered ($(tail -n 1 <<<"$ping_out"))"

# iperf3_bps ARGS... - run iperf3 against the peer, print receiver bits/s.
iperf3_bps() {
	local json
	json=$(iperf3 -c "$PEER" -t 3 -J "$@") || fail "iperf3 $* failed"
	jq -er '.end.sum_received.bits_per_second | floor' <<<"$json"
}
tx_bps=$(iperf3_bps)
((tx_bps > 0)) || fail "iperf3 guest->peer: 0 bits/s"
pass "iperf3 TCP guest->peer $((tx_bps / 1000000)) Mb/s"
rx_bps=$(iperf3_bps -R)
((rx_bps > 0)) || fail "iperf3 peer->guest: 0 bits/s"
pass "iperf3 TCP peer->guest $((rx_bps / 1000000)) Mb/s"

irq_after=$(nic_irq_total "$IFACE")
((irq_after > irq_before)) || fail "interrupts of $IFACE did not grow ($irq_before -> $irq_after)"
pass "$IFACE interrupts $irq_before -> $irq_after (+$((irq_after - irq_before)))"
printf '{"nic":"%s","tx_bps":%d,"rx_bps":%d,"irqs":%d}\n' "$NAPILAB_NIC" "$tx_bps" "$rx_bps" \
	"$((irq_after - irq_before))" >"$RESULTS/smoke.json"
