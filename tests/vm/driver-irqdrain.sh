#!/bin/bash
# e1k_napi mode=irq-drain, the pre-NAPI design: no NAPI context; the hard-IRQ
# handler takes every frame that is ready and queues each with netif_rx().
# Judged by sources the driver does not control: frames per interrupt from
# QEMU's own frame counter (TPR, hw_rx_total_packets) over /proc/interrupts
# (by IRQ number); the napi:napi_poll tracepoint (no poll of this device:
# the backlog's NAPI, which has no device, does the stack's part); what the
# peer's napi-blast sent and the guest's napi-sink counted.
# napilab-vm: nic=e1000 driver=ours timeout=240 params="mode=irq-drain"
# napilab-vm: nic=e1000 driver=ours timeout=240 params="mode=irq-drain" kernel=debug
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER GUEST_IP RESULTS NAPILAB_BUILD NAPILAB_ROOT

net=$NAPILAB_BUILD/userspace/net
observe=$NAPILAB_BUILD/userspace/bpf/napi-observe
[[ -x $observe ]] || fail "napi-observe was not built ($observe)"
mode=$(cat /sys/module/e1k_napi/parameters/mode)
[[ $mode == irq-drain ]] || fail "e1k_napi loaded with mode=$mode, expected irq-drain"
ping -c 3 -i 0.2 -W 2 "$PEER" >/dev/null || fail "no ping to the peer"
pass "mode=irq-drain loaded, the peer answers pings"

# A 64-byte UDP flood of 20k frames/s for 3 s from the peer into the sink.
# QEMU's mitigation model (on) spaces interrupts >= 128 us apart, so at
# most ~7.8k/s: a handler that drains takes >= 2.5 frames per interrupt at
# this rate, while mode=irq takes exactly one (driver-core, load-mitigation).
port=9000
"$net/napi-sink" --proto udp --bind "$GUEST_IP:$port" --duration 60s --json \
	>"$RESULTS/sink.json" 2>"$RESULTS/sink.log" &
sink=$!
wait_listening "$RESULTS/sink.log" "$sink" || fail "no sink to send to"
# The observer's 10 s window covers the 3 s flood even when loading the BPF
# program under TCG takes a few seconds.
timeout 60 "$observe" -i "$IFACE" -d 1 -n 10 --json >"$RESULTS/observe.jsonl" &
watcher=$!
sleep 1.5
irq0=$(nic_irq_total "$IFACE")
tpr0=$(ethtool_stat "$IFACE" hw_rx_total_packets)
"$NAPILAB_ROOT/qemu/peer-run" --timeout 40 -- "$net/napi-blast" --dest "$GUEST_IP:$port" \
	--rate 20000 --size 64 --duration 3s --json >"$RESULTS/blast.json" ||
	fail "napi-blast on the peer failed: $(cat "$RESULTS/blast.json")"
sleep 0.5 # the last frames reach the sink
irqs=$(($(nic_irq_total "$IFACE") - irq0))
frames=$(($(ethtool_stat "$IFACE" hw_rx_total_packets) - tpr0))
wait "$watcher" || fail "napi-observe failed: $(cat "$RESULTS/observe.jsonl")"
kill -INT "$sink"
wait "$sink" || fail "napi-sink failed: $(cat "$RESULTS/sink.log")"

sent=$(jq -r '.packets' "$RESULTS/blast.json")
delivered=$(jq -r '.sequence.delivered' "$RESULTS/sink.json")
[[ -n $sent && -n $delivered ]] || fail "no sent/delivered count (blast: $(cat "$RESULTS/blast.json"))"
((irqs > 0)) || fail "/proc/interrupts saw no interrupt of $IFACE"
per_irq=$(jq -n "$frames / $irqs * 100 | round / 100")
echo "flood: peer sent $sent, QEMU received $frames, $irqs interrupts ($per_irq frames each), sink got $delivered"
# Measured 7.7, 16.2 and 20.6 frames per interrupt in 3 runs (Debian's
# kernel); the bar is below the mitigation floor's 2.56 at this rate, and
# far above mode=irq's 1.0.
jq -e -n "$per_irq >= 1.5" >/dev/null ||
	fail "$per_irq frames per interrupt: the handler does not drain (mode=irq takes 1.0)"
pass "the handler drains: $per_irq frames per interrupt"

polls=$(jq -s 'map(.polls) | add' "$RESULTS/observe.jsonl")
seen_irqs=$(jq -s 'map(.interrupts) | add' "$RESULTS/observe.jsonl")
# The observer's window holds the flood's: it sees about as many of the
# device's interrupts as /proc/interrupts counted over the flood (44-99.8 %
# in 6 runs on Debian's kernel, the lowest when loading BPF took long; 42
# of 44 on the debug kernel). Under a quarter, it missed the flood and the
# 0 polls prove nothing.
((seen_irqs > 0 && seen_irqs * 4 >= irqs)) ||
	fail "the tracepoint saw $seen_irqs of the $irqs interrupts of $IFACE: the observer missed the flood"
((polls == 0)) || fail "the napi:napi_poll tracepoint saw $polls polls of $IFACE in mode=irq-drain"
pass "no NAPI poll of $IFACE (tracepoint), $seen_irqs interrupts seen by BPF"

# The frames reach the application. How many is a performance figure
# that swings with the host's load: 82-99.6 % of those sent in 6 runs on
# Debian's kernel, with other VMs and builds on the host; the bar, half,
# only says the path works. On a slow kernel (the debug kernel) the guest
# takes a fraction of the flood: there only "some arrived".
if [[ ${NAPILAB_TIME_SCALE:-1} == 1 ]]; then
	jq -e -n "$delivered >= 0.5 * $sent" >/dev/null ||
		fail "the sink got $delivered of $sent frames sent (< 50 %)"
else
	# 678 of 60000 on the debug kernel (KASAN, lockdep under TCG)
	((delivered >= 100)) || fail "the sink got $delivered frames on a slow kernel (< 100)"
fi
pass "the application received $delivered of $sent"

# Down/up and unload under the flood: nothing is left behind.
"$NAPILAB_ROOT/qemu/peer-run" --timeout 30 -- "$net/napi-blast" --dest "$GUEST_IP:$port" \
	--rate 20000 --size 64 --duration 4s --json >/dev/null &
blast=$!
# peer-run starts slowly under TCG: cycle only once the flood arrives.
rx0=$(iface_stat "$IFACE" rx_packets)
for ((i = 0; i < 100; i++)); do
	(($(iface_stat "$IFACE" rx_packets) - rx0 >= 1000)) && break
	sleep 0.1
done
(($(iface_stat "$IFACE" rx_packets) - rx0 >= 1000)) || fail "the second flood did not arrive within 10 s"
for ((i = 0; i < 5; i++)); do
	ip link set "$IFACE" down
	ip link set "$IFACE" up
done
wait "$blast" || true
rmmod e1k_napi
reload_ours mode=irq-drain || fail "cannot reload e1k_napi mode=irq-drain"
for ((i = 0; i < 50; i++)); do
	ping -c 1 -W 1 "$PEER" >/dev/null 2>&1 && break
	sleep 0.2
done
ping -c 3 -i 0.2 -W 2 "$PEER" >/dev/null || fail "no ping after down/up and reload under the flood"
pass "5 down/up cycles and a reload under the flood; ping answers"
