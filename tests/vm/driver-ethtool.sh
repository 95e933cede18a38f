#!/bin/bash
# e1k_napi's ethtool tx-usecs and self-test on each QEMU e1000 model:
# tx-usecs set/get, bad values refused with nothing changed, the value kept
# (and programmed into TADV) across down/up and the offline self-test; next
# to no interrupts per transmitted frame under iperf3 (xmit reclaims), and
# with xmit's reclaim off (debugfs tx_irq_only) every frame completed by
# TXDW, whose interrupts tx-usecs halves; ethtool -t
# offline (register, interrupt, loopback, link) passing while TCP runs, with
# traffic flowing afterwards; the loopback test passing while the peer floods
# the interface (foreign frames skipped, not mistaken for ours); ethtool -t
# online passing.
# napilab-vm: nic=e1000 driver=ours timeout=240
# napilab-vm: nic=e1000-82544gc driver=ours timeout=240
# napilab-vm: nic=e1000-82545em driver=ours timeout=240
# napilab-vm: nic=e1000 driver=ours timeout=240 kernel=debug
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
require_env IFACE PEER GUEST_IP NAPILAB_ROOT NAPILAB_BUILD

# coalesce NAME - one value from ethtool -c (rx-usecs, tx-usecs, ...).
coalesce() { ethtool -c "$IFACE" | awk -F': *' -v name="$1" '$1 == name { print $2 }'; }

# tadv_reg - TADV as programmed: the last of the 21 registers ethtool -d dumps.
tadv_reg() { ethtool -d "$IFACE" raw on | od -An -v -tu4 -w4 | sed -n 21p | tr -d ' '; }

# wait_carrier - up to 10 s for the link to come back after a reopen.
wait_carrier() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(cat "/sys/class/net/$IFACE/carrier" 2>/dev/null) == 1 ]] && return 0
		sleep 0.1
	done
	return 1
}

# self_test_log - what the driver logged about its self-test.
self_test_log() { dmesg | grep -E 'self-test|(register|interrupt|loopback|link) test' | tail -n 5; }

# self_test MODE - ethtool -t; fail unless every result is 0 and it says PASS.
self_test() {
	local out
	out=$(ethtool -t "$IFACE" "$1") || fail "ethtool -t $1 failed: $out" "$(self_test_log)"
	grep -q 'result is PASS' <<<"$out" || fail "ethtool -t $1 did not pass: $out" "$(self_test_log)"
	awk -F'\t' 'NF == 2 && $2 + 0 != 0 { bad = 1 } END { exit bad }' <<<"$out" ||
		fail "ethtool -t $1 has a non-zero result: $out"
	awk -F'\t' 'NF == 2 { gsub(/ +/, " ", $1); gsub(/ /, "", $2); printf "%s%s %s", sep, $1, $2; sep = ", " }' <<<"$out"
}

echo "model: $NAPILAB_NIC (PCI device $(cat "/sys/class/net/$IFACE/device/device"))"

# --- software timestamps (ethtool -T) ---------------------------------------------
ts=$(ethtool -T "$IFACE") || fail "ethtool -T failed"
grep -q software-transmit <<<"$ts" && grep -q software-receive <<<"$ts" ||
	fail "ethtool -T lacks software timestamps: $ts"
pass "ethtool -T: software-transmit, software-receive"

# --- tx-usecs: set, get, refuse bad values ----------------------------------------
[[ $(coalesce tx-usecs) == 0 ]] || fail "tx-usecs starts at $(coalesce tx-usecs), expected 0"
for usecs in 1 300 10000 0; do
	ethtool -C "$IFACE" tx-usecs "$usecs" || fail "ethtool -C tx-usecs $usecs refused"
	[[ $(coalesce tx-usecs) == "$usecs" ]] || fail "tx-usecs $usecs reads back as $(coalesce tx-usecs)"
done
pass "tx-usecs 1, 300, 10000, 0 set and read back"

ethtool -C "$IFACE" rx-usecs 125 tx-usecs 300
before=$(ethtool -c "$IFACE")
for bad in "tx-usecs 10001" "tx-usecs 100000" "rx-usecs 50 tx-usecs 20000"; do
	# shellcheck disable=SC2086 # the options are a word list
	if err=$(ethtool -C "$IFACE" $bad 2>&1); then
		fail "ethtool -C $bad was accepted"
	fi
	grep -q 'Invalid argument' <<<"$err" || fail "ethtool -C $bad: expected EINVAL, got: $err"
	[[ $(ethtool -c "$IFACE") == "$before" ]] || fail "ethtool -C $bad changed the settings"
done
pass "tx-usecs 10001, 100000, and rx-usecs 50 with tx-usecs 20000 refused (EINVAL), nothing changed"

# 300 us in 1.024 us units
[[ $(tadv_reg) == 293 ]] || fail "TADV holds $(tadv_reg), expected 293 for 300 us"
ip link set "$IFACE" down
ip link set "$IFACE" up
wait_carrier || fail "no carrier after down/up"
[[ $(coalesce tx-usecs) == 300 && $(coalesce rx-usecs) == 125 ]] ||
	fail "after down/up: tx-usecs $(coalesce tx-usecs), rx-usecs $(coalesce rx-usecs)"
[[ $(tadv_reg) == 293 ]] || fail "after down/up TADV holds $(tadv_reg), expected 293"
pass "tx-usecs 300 kept across down/up, TADV = 293 (x 1.024 us)"
ethtool -C "$IFACE" rx-usecs 0 tx-usecs 0

# --- guest->peer traffic: TX frames cost no interrupts ------------------------------
# xmit reclaims right after its tail write (QEMU's model sends on the write
# and writes DD back before it returns) and TXDW stays masked while nothing
# is left in flight (e1k_tx_arm_irq()): a UDP flow at ~5k packets/s takes
# next to no interrupts. Before that change it took ~1.5k/s (0.3 per
# frame). Measured at tx-usecs 0 (3 runs): 0.0004-0.0005 interrupts per
# frame (~9 in 4 s); the bar, 0.01, leaves 20x margin above that and is
# 30x below the old rate.
#
# Hardware that writes DD back later leaves every completion to TXDW and
# the poll; debugfs tx_irq_only makes xmit skip its reclaim so that path
# runs here too, and there tx-usecs acts: QEMU emulates TADV as a hold-off
# after each TX interrupt. Judged in that mode: TXDW completes every frame
# (tx_packets = TPT, the byte queue's inflight back to 0 after the flow),
# it costs interrupts again, and tx-usecs DELAY cuts them to at most half.
irq_per_pkt_max=0.01
delay=2000
declare -A irq_per_pkt
# The figures come from sources the driver does not control: interrupts from
# /proc/interrupts (the NIC's IRQ line), TX frames from QEMU's TPT (every
# frame the model put on the wire; the driver only folds the register into
# hw_tx_total_packets), in flight from the kernel's byte queue limits. The
# driver's own counts are checked against them: interrupts within 5 % + 5
# (they agreed exactly in the load tests), and, on the UDP flows,
# tx_packets within 1 % + 5 (equal in 3 of 3 trial runs: no TSO, and the
# last frames are reclaimed within a TX delay, far less than the time
# napi-measure takes to start). Not on TSO flows: QEMU's model sends one
# extra, header-only frame for each TSO packet whose payload ends on an MSS
# boundary, so TPT runs 1.5-3.7 % above the segments sent (with TSO off the
# two agreed exactly: 134433 = 134433).
irq_only=/sys/kernel/debug/e1k_napi/$(basename "$(readlink -f "/sys/class/net/$IFACE/device")")/tx_irq_only
[[ -w $irq_only ]] || fail "$irq_only is missing (debugfs not mounted, or the driver lacks it)"
inflight=/sys/class/net/$IFACE/queues/tx-0/byte_queue_limits/inflight
# drained - up to 2 s for the byte queue's inflight to come back to 0.
drained() {
	local i
	for ((i = 0; i < 20; i++)); do
		(($(cat "$inflight") == 0)) && return 0
		sleep 0.1
	done
	return 1
}
# flow_irqs LABEL USECS tso|no-tso IPERF3-ARGS... - run the flow, print the
# figures, set flow_sent/flow_lost/flow_mbps and irq_per_pkt[LABEL USECS].
flow_irqs() {
	local label=$1 usecs=$2 tso=$3 snap0 snap1 irqs txp json
	shift 3
	ethtool -C "$IFACE" tx-usecs "$usecs"
	snap0=$(measure_snapshot "$IFACE")
	json=$(iperf3_json -t 4 "$@")
	snap1=$(measure_snapshot "$IFACE")
	# delta FILTER - FILTER's value in the second snapshot less the first's.
	delta() { jq -ner --argjson a "$snap0" --argjson b "$snap1" "(\$b | $1) - (\$a | $1)"; }
	irqs=$(delta .irqs)
	txp=$(delta .ethtool.hw_tx_total_packets)
	((txp > 0)) || fail "$label, tx-usecs $usecs: no packets sent (QEMU's TPT)"
	agree "$label, tx-usecs $usecs: driver interrupts vs /proc/interrupts" \
		"$(delta .ethtool.interrupts)" "$irqs" 5 5
	if [[ $tso == no-tso ]]; then
		agree "$label, tx-usecs $usecs: driver tx_packets vs QEMU's TPT" \
			"$(delta .ethtool.tx_packets)" "$txp" 1 5
	fi
	drained || fail "$label, tx-usecs $usecs: $(cat "$inflight") bytes still in flight 2 s after the flow"
	flow_mbps=$(json_get '(.end.sum_received // .end.sum).bits_per_second / 1e6 | round' <<<"$json")
	flow_sent=$(json_get '.end.sum.packets // 0' <<<"$json")
	flow_lost=$(json_get '.end.sum.lost_packets // 0' <<<"$json")
	irq_per_pkt[$label $usecs]=$(jq -n "$irqs / $txp * 10000 | round / 10000")
	echo "$label, tx-usecs $usecs: $flow_mbps Mb/s, $irqs interrupts (/proc) for $txp TX frames (TPT)" \
		"(${irq_per_pkt[$label $usecs]} per frame)"
}

udp=(-u -l 64 -b 2560K --pacing-timer 100)
flow_irqs "UDP 64 B 5k pps" 0 no-tso "${udp[@]}"
sent0=$flow_sent
normal=${irq_per_pkt[UDP 64 B 5k pps 0]}
jq -en "$normal <= $irq_per_pkt_max" >/dev/null ||
	fail "tx-usecs 0: $normal interrupts per TX frame, above $irq_per_pkt_max (xmit's reclaim, TXDW masked)"
pass "UDP guest->peer: $normal interrupts per TX frame at tx-usecs 0 (at most $irq_per_pkt_max)"

# The TXDW-only path is the same code on every model: judged on e1000 (and
# on the debug kernel's run), which keeps make check's time (-25 s).
if [[ $NAPILAB_NIC == e1000 ]]; then
	echo Y >"$irq_only"
	flow_irqs "TXDW only, UDP" 0 no-tso "${udp[@]}"
	flow_irqs "TXDW only, UDP" "$delay" no-tso "${udp[@]}"
	ethtool -C "$IFACE" tx-usecs 0
	((flow_sent * 2 >= sent0 && flow_lost * 100 <= flow_sent)) ||
		fail "TXDW only, tx-usecs $delay: UDP sent $flow_sent (vs $sent0 at 0), lost $flow_lost"
	only0=${irq_per_pkt[TXDW only, UDP 0]} only_delay=${irq_per_pkt[TXDW only, UDP $delay]}
	# Measured over 8 runs (5 on the three models, 3 on e1000): 0.75-0.98
	# interrupts per frame at tx-usecs 0 (each frame nearly its own TXDW),
	# 0.098-0.099 at 2000 (8-10x fewer). Bars: >= 0.3 at 0 (2.5x below the
	# lowest; the reclaiming xmit gives 0.0005), and at most half that at
	# 2000 (4x margin).
	jq -en "$only0 >= 0.3" >/dev/null ||
		fail "TXDW only, tx-usecs 0: $only0 interrupts per TX frame: the completions did not come from TXDW"
	jq -en "$only_delay * 2 <= $only0" >/dev/null ||
		fail "TXDW only: tx-usecs $delay gave $only_delay interrupts per TX frame, not half of $only0 at 0"
	pass "UDP guest->peer, TXDW only: $only0 interrupts per TX frame at tx-usecs 0, $only_delay at $delay;" \
		"every frame completed (tx_packets = TPT), nothing left in flight"
	flow_irqs "TXDW only, TCP full speed" 0 tso
	echo N >"$irq_only"
	((flow_mbps > 0)) || fail "TCP stalled with TX completed by TXDW only"
	pass "TCP guest->peer, TXDW only: $flow_mbps Mb/s, ${irq_per_pkt[TXDW only, TCP full speed 0]} interrupts per TX frame," \
		"nothing left in flight"
else
	echo "TXDW only: not run on $NAPILAB_NIC (the same code on every model: judged on e1000)"
fi

# --- ethtool -t offline, under traffic, then traffic again --------------------------
ping -c 5 -i 0.2 -W 2 "$PEER" >/dev/null || fail "no ping before the offline self-test"
ethtool -C "$IFACE" tx-usecs 300
# A TCP flow through the close and reopen: the test stops the queue, the
# flow stalls for the test's ~2 s and goes on (or times out: not judged).
timeout -s KILL 30 iperf3 -c "$PEER" -t 10 >/dev/null 2>&1 &
load=$!
sleep 2
results=$(self_test offline)
wait "$load" || true
wait_carrier || fail "no carrier after the offline self-test"
[[ $(coalesce tx-usecs) == 300 && $(tadv_reg) == 293 ]] ||
	fail "after the self-test: tx-usecs $(coalesce tx-usecs), TADV $(tadv_reg)"
ethtool -C "$IFACE" tx-usecs 0
pass "ethtool -t offline under TCP: $results; tx-usecs 300 kept"
# QEMU refuses frames for 1 s after the reopen's RCTL write: allow retries.
out=$(ping -c 10 -i 0.2 -W 2 "$PEER") || true
grep -qE ' ([5-9]|10) received' <<<"$out" || fail "pings after the self-test: $(grep received <<<"$out")"
after_mbps=$(iperf3_json -t 3 | json_get '.end.sum_received.bits_per_second / 1e6 | round')
((after_mbps > 0)) || fail "no TCP throughput after the self-test"
pass "after the offline self-test: $(grep -o '[0-9]* received' <<<"$out") of 10 pings, TCP $after_mbps Mb/s"

# --- the offline self-test with the interface down leaves it down ---------------------
ip link set "$IFACE" down
results=$(self_test offline)
[[ $(cat "/sys/class/net/$IFACE/operstate") == down ]] || fail "the self-test brought a down interface up"
ip link set "$IFACE" up
wait_carrier || fail "no carrier after up"
ping -c 5 -i 0.2 -W 2 "$PEER" >/dev/null || fail "no ping after the self-test on a down interface"
pass "ethtool -t offline on a down interface: $results; up again, pings answered"

# --- the offline self-test while the peer floods this interface -----------------------
# Frames from the network reach the receiver during the loopback test too;
# the test must skip them (and keep the ring drained), not count them as its own.
blast_log=$(mktemp)
"$NAPILAB_ROOT/qemu/peer-run" --timeout 20 -- "$NAPILAB_BUILD/userspace/net/napi-blast" \
	--dest "$GUEST_IP:9" --rate 2k --size 64 --duration 10s --json >"$blast_log" 2>&1 &
blast=$!
skip_lines() { dmesg | grep -o 'loopback test: [0-9]* frame(s) from the network skipped' || true; }
before=$(skip_lines | wc -l)
# Start the self-test only once the flood arrives (the peer resolves our
# address first; the blaster starts through peer control).
rx_packets() { cat "/sys/class/net/$IFACE/statistics/rx_packets"; }
rx0=$(rx_packets)
for ((i = 0; i < 50 && $(rx_packets) < rx0 + 500; i++)); do sleep 0.1; done
(($(rx_packets) >= rx0 + 500)) || fail "the peer's flood did not arrive within 5 s: $(cat "$blast_log")"
results=$(self_test offline)
wait "$blast" || fail "napi-blast on the peer failed: $(cat "$blast_log")"
skipped=$(skip_lines | tail -n +$((before + 1)) | awk '{ print $3 }')
((${skipped:-0} > 0)) || fail "no foreign frame reached the loopback test under a 2k pps flood" "$(self_test_log)"
wait_carrier || fail "no carrier after the self-test under the flood"
ping -c 10 -i 0.2 -W 2 "$PEER" >/dev/null || true
ping -c 3 -i 0.2 -W 2 "$PEER" >/dev/null || fail "no ping after the self-test under the flood"
pass "ethtool -t offline under a 2k pps UDP flood from the peer: $results; $skipped foreign frames skipped"

# --- ethtool -t online -----------------------------------------------------------------
pass "ethtool -t online: $(self_test online)"
