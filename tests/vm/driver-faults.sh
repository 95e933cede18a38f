#!/bin/bash
# e1k_napi under faults a review found, each triggered on purpose rather than
# by luck, and each judged by a source the driver does not control (QEMU's
# own counters, the peer's answers, the registers):
# - RX buffer allocations failing (debugfs fail_rx_alloc) at open and under
#   traffic: a ring left without buffers gets no interrupt ever again unless
#   the driver recovers it; traffic must come back by itself.
# - GSO packets from a packet socket longer than a descriptor may carry
#   (QEMU reads 16 bits of the length): every segment must leave the NIC.
# - down/up under traffic with adaptive-rx: everything masked and the
#   receiver off while down (e1k_down()'s order).
# - receive-filter changes racing with down/up: RCTL ends as the flags say.
# The bed fails the run on any kernel warning.
# napilab-vm: nic=e1000 driver=ours timeout=360
# napilab-vm: nic=e1000 driver=ours timeout=360 kernel=debug
set -euo pipefail
here=$(dirname "$0")
. "$here/lib.sh"
require_env IFACE PEER GUEST_IP RESULTS

bus=$(ethtool -i "$IFACE" | awk '/^bus-info:/ { print $2 }')
knob=/sys/kernel/debug/e1k_napi/$bus/fail_rx_alloc
[[ -w $knob ]] || fail "no fault-injection knob $knob (debugfs not mounted?)"

# wait_for_ping SECONDS - print how long until the peer answers a ping.
wait_for_ping() {
	local limit=$1 start=$SECONDS
	until ping -c 1 -W 1 "$PEER" >/dev/null 2>&1; do
		((SECONDS - start < limit)) || return 1
	done
	echo $((SECONDS - start))
}

# --- a short first fill at open ---------------------------------------------------
# The whole first fill fails: the ring starts with no buffer at all. Each
# recovery attempt (e1k_rx_kick(), 10 per second) consumes one failure.
failures=20
kicks0=$(ethtool_stat "$IFACE" rx_refill_kicks)
failed0=$(ethtool_stat "$IFACE" rx_alloc_failed)
echo "$failures" >"$knob"
ip link set "$IFACE" down
ip link set "$IFACE" up
took=$(wait_for_ping 30) || fail "no ping answered 30 s after an open whose RX fill failed"
kicks=$(($(ethtool_stat "$IFACE" rx_refill_kicks) - kicks0))
failed=$(($(ethtool_stat "$IFACE" rx_alloc_failed) - failed0))
[[ $(cat "$knob") == 0 ]] || fail "fail_rx_alloc still $(cat "$knob"): the driver stopped retrying"
((failed >= failures)) || fail "rx_alloc_failed rose by $failed, fewer than the $failures injected"
((kicks >= 1)) || fail "traffic came back without a refill kick: the ring was never empty?"
dmesg | grep -q "only 0 of [0-9]* receive buffers" || fail "open did not report its short fill"
pass "open with RX allocations failing: ping answered after ${took} s; $kicks refill kicks, rx_alloc_failed +$failed"

# --- allocations failing under traffic ------------------------------------------------
# TCP peer->guest takes a buffer per frame (above copybreak): the ring runs
# dry within ~255 frames while at most ~2 refill attempts per poll consume
# failures, so it is sure to starve before the 40 failures are used up.
failures=40
kicks0=$(ethtool_stat "$IFACE" rx_refill_kicks)
timeout -s KILL 30 iperf3 -c "$PEER" -t 10 -R -J >"$RESULTS/faults-iperf3.json" 2>&1 &
load=$!
sleep 2
echo "$failures" >"$knob"
wait "$load" || true
kicks=$(($(ethtool_stat "$IFACE" rx_refill_kicks) - kicks0))
[[ $(cat "$knob") == 0 ]] || fail "fail_rx_alloc still $(cat "$knob") after iperf3"
((kicks >= 1)) || fail "no refill kick under traffic: the ring never starved, the test proves nothing"
took=$(wait_for_ping 20) || fail "no ping answered after allocations failed under traffic"
mbps=$(iperf3_json -t 3 -R | json_get '.end.sum_received.bits_per_second / 1e6 | round')
((mbps > 0)) || fail "TCP peer->guest dead after the allocation failures"
pass "RX allocations failing under iperf3 -R: $kicks refill kicks; ping after ${took} s; TCP then $mbps Mb/s"

# --- GSO packets as large as a packet socket makes them -------------------------------
# QEMU reads 16 bits of a descriptor's length; the driver cuts buffers at
# 32 KiB and offloads at most 64 KiB per packet. A packet socket's GSO
# packets (SKB_GSO_DODGY, up to a 65535-byte linear head) are segmented by
# the stack, as the driver does not claim NETIF_F_GSO_ROBUST: every segment
# must still leave the NIC. No 6.1 path hands the driver one buffer past
# 16 bits (TCP's page fragments are at most 32 KiB), so the cut itself is a
# guard no test can reach. QEMU counts what it puts on the wire (TPT,
# read-to-clear, folded into hw_tx_total_packets); the peer's address is
# resolved by one ping first.
ping -c 1 -W 2 "$PEER" >/dev/null || fail "no ping to the peer"
peer_mac=$(ip neigh show "$PEER" dev "$IFACE" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
[[ -n $peer_mac ]] || fail "no neighbour entry for $PEER"
# 65535: one linear buffer of 65535 bytes; 70000: past the TSO limit as well;
# 30000 paged: head and page fragments.
for spec in 65535 70000 "30000 --paged"; do
	read -r length flag <<<"$spec"
	sent0=$(ethtool_stat "$IFACE" hw_tx_total_packets)
	# shellcheck disable=SC2086 # flag is empty or one word
	segs=$("$here/tools/gso-send" "$IFACE" "$peer_mac" "$GUEST_IP" "$PEER" 9 "$length" $flag) ||
		fail "gso-send $spec failed"
	sleep 1
	sent=$(($(ethtool_stat "$IFACE" hw_tx_total_packets) - sent0))
	# Other frames in that second (ARP, IPv6 neighbour discovery): a few.
	((sent >= segs && sent <= segs + 6)) ||
		fail "GSO packet of $length bytes ($spec): QEMU sent $sent frames, expected $segs segments"
	pass "GSO packet of $length bytes${flag:+ ($flag)}: $segs segments expected, QEMU sent $sent frames"
done

# --- down/up under traffic, adaptive-rx on: quiet while down ---------------------------
# ethtool -d dumps CTRL STATUS RCTL TCTL TIPG ITR IMS ... as 32-bit words.
reg_word() { ethtool -d "$IFACE" raw on | od -An -tx4 -j "$(($1 * 4))" -N 4 | tr -d ' '; }
ethtool -C "$IFACE" adaptive-rx on
# The peer's iperf3 server sends the flood (-R); its TCP control connection
# rides out the short down periods.
rx0=$(ethtool_stat "$IFACE" rx_packets)
timeout -s KILL 60 iperf3 -c "$PEER" -t 30 -u -b 30M -l 1200 -R >/dev/null 2>&1 &
flood=$!
sleep 2
(($(ethtool_stat "$IFACE" rx_packets) - rx0 > 1000)) || fail "the UDP flood did not arrive"
for ((i = 0; i < 20; i++)); do
	ip link set "$IFACE" down
	ims=$(reg_word 6)
	rctl=$(reg_word 2)
	[[ $ims == 00000000 ]] || fail "cycle $i: IMS 0x$ims while down (an unmask after close)"
	((!(0x$rctl & 0x2))) || fail "cycle $i: RCTL 0x$rctl has EN while down"
	ip link set "$IFACE" up
	sleep 0.3
done
ethtool -C "$IFACE" adaptive-rx off
pass "20 down/up cycles under a 30 Mb/s UDP flood with adaptive-rx: IMS 0 and RCTL.EN 0 each time down"

# --- receive filters racing with down/up ------------------------------------------------
(
	for ((j = 0; j < 100; j++)); do
		ip link set "$IFACE" promisc on
		ip maddr add 01:00:5e:00:00:42 dev "$IFACE" 2>/dev/null || true
		ip link set "$IFACE" promisc off
		ip maddr del 01:00:5e:00:00:42 dev "$IFACE" 2>/dev/null || true
	done
) &
filters=$!
for ((i = 0; i < 10; i++)); do
	ip link set "$IFACE" down
	ip link set "$IFACE" up
done
wait "$filters"
kill "$flood" 2>/dev/null || true
wait "$flood" 2>/dev/null || true
rctl=$(reg_word 2)
((0x$rctl & 0x2)) || fail "RCTL 0x$rctl lost EN after the filter storm"
((!(0x$rctl & 0x18))) || fail "RCTL 0x$rctl keeps UPE/MPE with promisc off"
ip link set "$IFACE" promisc on
rctl=$(reg_word 2)
(((0x$rctl & 0x18) == 0x18)) || fail "promisc on: RCTL 0x$rctl lacks UPE|MPE"
ip link set "$IFACE" promisc off
. "$NAPILAB_ROOT/qemu/guest/net-setup"
configure_nic || fail "no carrier after the filter storm"
took=$(wait_for_ping 20) || fail "no ping after the filter storm"
pass "200 filter changes racing with 10 down/up cycles: RCTL 0x$rctl as the flags say, ping after ${took} s"
