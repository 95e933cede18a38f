#!/bin/bash
# e1k_napi mode=irq has no NAPI context at all: netpoll (netconsole), which
# calls a device's NAPI poll from any context to reclaim TX, must find
# nothing to poll, so only the hard-IRQ handler ever cleans the rings.
# Judged by the napi:napi_poll tracepoint (napi-observe, BPF), not by the
# driver's own counters, while netconsole logs under saturating TX; and by
# QEMU's count of frames sent (netconsole's lines do leave the NIC).
# napilab-vm: nic=e1000 driver=ours timeout=240 params="mode=irq"
# napilab-vm: nic=e1000 driver=ours timeout=240 params="mode=irq" kernel=debug
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER GUEST_IP RESULTS NAPILAB_BUILD

observe=$NAPILAB_BUILD/userspace/bpf/napi-observe
[[ -x $observe ]] || fail "napi-observe was not built ($observe)"
ping -c 1 -W 2 "$PEER" >/dev/null || fail "no ping to the peer"
peer_mac=$(ip neigh show "$PEER" dev "$IFACE" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
[[ -n $peer_mac ]] || fail "no neighbour entry for $PEER"
modprobe netconsole "netconsole=6665@$GUEST_IP/$IFACE,6666@$PEER/$peer_mac" ||
	fail "cannot load netconsole"
trap 'rmmod netconsole 2>/dev/null || true' EXIT

# Quiet: each line printed is one UDP frame that QEMU sends.
lines=200
sent0=$(ethtool_stat "$IFACE" hw_tx_total_packets)
for ((i = 0; i < lines; i++)); do
	echo "<6>napilab: netconsole line $i" >/dev/kmsg
done
sleep 1
sent=$(($(ethtool_stat "$IFACE" hw_tx_total_packets) - sent0))
# At least one frame per line. QEMU's TPT (hw_tx_total_packets) counts
# every frame it sends (Debian's QEMU 7.2 counts GPTC on its own too: good
# and total agreed within 1 over 3 x 200 lines; the bound allows for the
# neighbour traffic of a quiet second).
((sent >= lines && sent <= 2 * lines)) || fail "$lines netconsole lines, QEMU sent $sent frames"
pass "netconsole over mode=irq: $lines lines, QEMU sent $sent frames"

# Loaded: TX saturated (the queue stops, so netpoll tickles the device),
# 2000 lines logged meanwhile, the tracepoint watching this interface.
timeout -s KILL 30 iperf3 -c "$PEER" -t 8 >/dev/null 2>&1 &
load=$!
timeout 30 "$observe" -i "$IFACE" -d 2 -n 3 --json >"$RESULTS/irqmode-observe.jsonl" &
watcher=$!
sleep 1
for ((i = 0; i < 2000; i++)); do
	echo "<6>napilab: netconsole under load $i" >/dev/kmsg
done
wait "$watcher" || fail "napi-observe failed: $(cat "$RESULTS/irqmode-observe.jsonl")"
wait "$load" || true
samples=$(wc -l <"$RESULTS/irqmode-observe.jsonl")
((samples == 3)) || fail "napi-observe printed $samples samples, expected 3"
polls=$(jq -s 'map(.polls) | add' "$RESULTS/irqmode-observe.jsonl")
irqs=$(jq -s 'map(.interrupts) | add' "$RESULTS/irqmode-observe.jsonl")
((polls == 0)) || fail "the napi:napi_poll tracepoint saw $polls polls of $IFACE in mode=irq"
((irqs > 0)) || fail "the tracepoint saw no interrupts of $IFACE: the observer is blind, the test proves nothing"
drv_polls=$(ethtool_stat "$IFACE" napi_polls)
((drv_polls == 0)) || fail "napi_polls $drv_polls in mode=irq"
ping -c 5 -i 0.2 -W 2 "$PEER" >/dev/null || fail "no ping after the netconsole flood"
pass "2000 netconsole lines under iperf3 TX in mode=irq: 0 napi_poll events, $irqs interrupts seen by BPF over 6 s"
