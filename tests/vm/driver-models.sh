#!/bin/bash
# e1k_napi binds QEMU's other e1000 models too: 82544GC and 82545EM. Binding,
# carrier, pings, TCP both ways, and RX/TX counters that grow.
# napilab-vm: nic=e1000-82544gc driver=ours timeout=180
# napilab-vm: nic=e1000-82545em driver=ours timeout=180
# napilab-vm: nic=e1000-82545em driver=ours timeout=180 kernel=debug
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER

driver=$(ethtool -i "$IFACE" | awk '/^driver:/ { print $2 }')
[[ $driver == e1k_napi ]] || fail "ethtool -i names '$driver', not e1k_napi"
! grep -q '^e1000 ' /proc/modules || fail "the in-tree e1000 is loaded"
device=$(cat "/sys/class/net/$IFACE/device/device")
pass "e1k_napi bound to $NAPILAB_NIC (PCI device $device), carrier $(cat "/sys/class/net/$IFACE/carrier")"

out=$(ping -c 20 -i 0.05 -W 2 "$PEER") || true
grep -q '20 received' <<<"$out" || fail "not all 20 pings answered: $(grep received <<<"$out")"
pass "20/20 pings answered"

irq_before=$(ethtool_stat "$IFACE" interrupts)
tx_mbps=$(iperf3_json -t 3 | json_get '.end.sum_received.bits_per_second / 1e6 | round')
rx_mbps=$(iperf3_json -t 3 -R | json_get '.end.sum_received.bits_per_second / 1e6 | round')
((tx_mbps > 0 && rx_mbps > 0)) || fail "TCP throughput zero (tx $tx_mbps, rx $rx_mbps Mb/s)"
irqs=$(($(ethtool_stat "$IFACE" interrupts) - irq_before))
((irqs > 0)) || fail "no interrupts counted under traffic"
pass "iperf3 TCP 3 s: guest->peer $tx_mbps Mb/s, peer->guest $rx_mbps Mb/s, $irqs interrupts"
