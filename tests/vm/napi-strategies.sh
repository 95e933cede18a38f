#!/bin/bash
# The kernel's NAPI strategies on e1k_napi, each judged by what it must
# change, counted by sources the driver does not control: the NIC's line in
# /proc/interrupts, the napi:napi_poll tracepoint (napi-observe), QEMU's
# frame counter, the kernel's task accounting, what the peer's tools sent
# and answered.
# 1. busy polling: the ping-pong server in the guest busy-polls its socket
#    (SO_BUSY_POLL, SO_PREFER_BUSY_POLL, SO_BUSY_POLL_BUDGET) with
#    napi_defer_hard_irqs + gro_flush_timeout set: the NIC's interrupts over
#    the run are <= 10 % of the same run without busy polling, and most
#    polls run in process context, in the server's own process (napi-observe's
#    poll context, against the PID the shell started).
# 2. threaded NAPI: after threaded=1 a napi/IFACE-N kthread exists and does
#    the work under a flood (its CPU time, and >= 90 % of the polls by
#    napi-observe); after threaded=0 it idles and softirq polls again;
#    switching back and forth under a steady flow loses no traffic.
# 3. IRQ deferral: napi_defer_hard_irqs + gro_flush_timeout take at least
#    2x fewer interrupts per packet under a steady moderate flow; the
#    ping-pong's latency with and without is printed.
# 4. mode=irq has no NAPI context: busy polling changes nothing there.
# The ratios and shares measured under TCG are in the comments at each bar.
# One vCPU: this test attaches napi-observe (napi:napi_poll and
# irq:irq_handler_entry, nothing else) 4 times, and under MTTCG a vCPU once
# spun for good on the int3 of a tracepoint being patched in by the other
# (bench, 1 in ~40 attaches on a loaded host: exc_int3 at
# __handle_irq_event_percpu+0x32, RCU stalls); with one vCPU nothing runs
# beside the patching.
# napilab-vm: nic=e1000 driver=ours timeout=420 smp=1
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
require_env IFACE PEER GUEST_IP RESULTS NAPILAB_ROOT NAPILAB_BUILD
net=$NAPILAB_BUILD/userspace/net
tools=$NAPILAB_BUILD/userspace/tools
observe=$NAPILAB_BUILD/userspace/bpf/napi-observe
for tool in "$net/napi-pingpong" "$net/napi-blast" "$net/napi-sink" "$tools/napi-measure" "$observe"; do
	[[ -x $tool ]] || fail "$tool not built"
done
sysfs=/sys/class/net/$IFACE
pp_port=9100
sink_port=9000

# restore - the knobs this test turns, back to the defaults.
restore() {
	# (mode=irq has no NAPI: its threaded file reads 0 and refuses writes)
	[[ $(cat "$sysfs/threaded" 2>/dev/null) == 0 ]] || echo 0 >"$sysfs/threaded"
	echo 0 >"$sysfs/napi_defer_hard_irqs"
	echo 0 >"$sysfs/gro_flush_timeout"
	ethtool -C "$IFACE" adaptive-rx off rx-usecs 0
}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; restore' EXIT
restore || fail "cannot reset the NAPI knobs of $IFACE"

"$net/napi-sink" --proto udp --bind "$GUEST_IP:$sink_port" --duration 400s --json \
	>"$RESULTS/sink.json" 2>"$RESULTS/sink.log" &
sink=$!
pids+=("$sink")
wait_listening "$RESULTS/sink.log" "$sink" || fail "no sink"

# pingpong_server NAME ARGS... - a ping-pong server in the guest, its PID in
# $server.
pingpong_server() {
	local name=$1
	shift
	"$net/napi-pingpong" server --bind "$GUEST_IP:$pp_port" --duration 60s --json "$@" \
		>"$RESULTS/server-$name.json" 2>"$RESULTS/server-$name.log" &
	server=$!
	pids+=("$server")
	wait_listening "$RESULTS/server-$name.log" "$server" serving || fail "$name: no ping-pong server"
}

# pingpong_run NAME SECONDS [observe] - the peer's client against the
# server, with napi-measure's counts around it and, if asked, napi-observe
# watching (each attach patches tracepoints in: only where a count is
# used); results in $RESULTS/NAME.{client,measure,observe}.json(l).
pingpong_run() {
	local name=$1 seconds=$2 watcher=
	if [[ ${3:-} == observe ]]; then
		timeout 60 "$observe" -i "$IFACE" -d 1 -n $((seconds + 6)) --json >"$RESULTS/$name.observe.jsonl" &
		watcher=$!
		wait_first_line "$RESULTS/$name.observe.jsonl" "$watcher"
	fi
	"$tools/napi-measure" -i "$IFACE" --json --output "$RESULTS/$name.client.json" -- \
		"$NAPILAB_ROOT/qemu/peer-run" --timeout 40 -- "$net/napi-pingpong" client \
		--connect "$GUEST_IP:$pp_port" --size 64 --duration "${seconds}s" --json \
		>"$RESULTS/$name.measure.json" || fail "$name: the ping-pong failed: $(cat "$RESULTS/$name.client.json")"
	if [[ -n $watcher ]]; then
		kill -INT "$watcher" 2>/dev/null
		wait "$watcher"
	fi
	jq -r --arg n "$name" '"  \($n): \(.received) replies, \(.messages_per_s | round) msg/s, RTT p50 \(.rtt_ns.p50 / 1000 | round) us, p99 \(.rtt_ns.p99 / 1000 | round) us"' \
		"$RESULTS/$name.client.json"
}

# ---- 1. busy polling ---------------------------------------------------------
pingpong_server plain --wait recv
pingpong_run plain 3
kill -TERM "$server"
wait "$server"
echo 20 >"$sysfs/napi_defer_hard_irqs"
echo 500000 >"$sysfs/gro_flush_timeout"
pingpong_server busy --wait recv --busy-poll 1000 --prefer-busy-poll --busy-poll-budget 64
busy_server=$server
pingpong_run busy 3 observe
kill -TERM "$server"
wait "$server"
restore
irqs_plain=$(jq '.counts.irqs' "$RESULTS/plain.measure.json")
irqs_busy=$(jq '.counts.irqs' "$RESULTS/busy.measure.json")
msgs_plain=$(jq '.received' "$RESULTS/plain.client.json")
msgs_busy=$(jq '.received' "$RESULTS/busy.client.json")
echo "busy polling: $irqs_busy interrupts (/proc) for $msgs_busy replies; without: $irqs_plain for $msgs_plain"
((msgs_plain > 0 && msgs_busy > 0)) || fail "a ping-pong got no reply"
# Interrupts per reply, in thousandths: the runs answer different numbers
# of requests in their 3 s. Measured (3 runs, 1 vCPU; 2 vCPUs alike): 2
# interrupts for 11921-16322 replies busy polling, 1135-1201 per 1000
# replies without. The bar (10 %) is the issue's and far from the spread.
per_plain=$((irqs_plain * 1000 / msgs_plain))
per_busy=$((irqs_busy * 1000 / msgs_busy))
((per_busy * 10 <= per_plain)) ||
	fail "busy polling took $per_busy/1000 interrupts per reply, more than 10 % of the $per_plain/1000 without"
pass "busy polling with prefer-busy-poll + defer: $per_busy/1000 interrupts per reply, without $per_plain/1000"
# Where the polls ran, by the napi_poll tracepoint: the polls in process
# context (busy_poll) and every busy-polling process the intervals named.
read -r all_polls busy_polls pollers < <(jq -s -r '
	"\(map(.polls) | add) \(map(.context.busy_poll // 0) | add) \(map(.context.busy_poll_tgid // empty) | unique | map(tostring) | join(","))"' \
	"$RESULTS/busy.observe.jsonl")
echo "  polls during the busy run: $all_polls, $busy_polls of them busy polls, by PID(s) ${pollers:-none} (the server: $busy_server)"
((all_polls > 0)) || fail "busy polling: the tracepoint saw no poll of $IFACE"
# Measured (3 runs, 1 vCPU): 99.85-99.92 % of the polls busy polls
# (123073/123227, 325021/325285, 287567/287985), every interval naming the
# server's PID; the rest softirq. The bar, 90 %, leaves a margin of ~10
# points (the other polls would have to grow ~65x) and is well above the
# issue's "most".
((busy_polls * 100 >= all_polls * 90)) ||
	fail "busy polling: only $busy_polls of $all_polls polls ran in process context"
[[ $pollers == "$busy_server" ]] || fail "busy polling: the busy polls ran in PID(s) ${pollers:-none}, not the server's ($busy_server)"
pass "busy polling: $busy_polls of $all_polls polls ran in the server's own process (PID $busy_server)"
# ---- 2. threaded NAPI -----------------------------------------------------------
# flood NAME RATE SECONDS - 64-byte UDP from the peer into the sink, with
# napi-observe over it; its JSON lines in $RESULTS/NAME.observe.jsonl.
flood() {
	local name=$1 rate=$2 seconds=$3 watcher
	timeout 60 "$observe" -i "$IFACE" -d 0.5 -n $((seconds * 2 + 8)) --json >"$RESULTS/$name.observe.jsonl" &
	watcher=$!
	wait_first_line "$RESULTS/$name.observe.jsonl" "$watcher"
	"$NAPILAB_ROOT/qemu/peer-run" --timeout 40 -- "$net/napi-blast" --dest "$GUEST_IP:$sink_port" \
		--rate "$rate" --size 64 --duration "${seconds}s" --json >"$RESULTS/$name.blast.json" ||
		fail "$name: napi-blast failed: $(cat "$RESULTS/$name.blast.json")"
	kill -INT "$watcher" 2>/dev/null
	wait "$watcher"
}
# share NAME CONTEXTS - the whole percentage of NAME's polls (napi-observe)
# that ran in the given contexts (a jq array of context keys).
share() {
	jq -s --argjson keys "$2" '
		(map(.polls) | add) as $all
		| (map(.context // {} | [.[$keys[]] // 0] | add) | add) as $these
		| if $all > 0 then $these * 100 / $all | floor else 0 end' "$RESULTS/$1.observe.jsonl"
}
# thread_ticks - the CPU time (user + system clock ticks, /proc/PID/stat)
# of the device's NAPI kthreads.
thread_ticks() {
	local comm total=0 pid
	for comm in /proc/[0-9]*/comm; do
		grep -q "^napi/$IFACE-" "$comm" 2>/dev/null || continue
		pid=${comm%/comm}
		total=$((total + $(awk '{print $14 + $15}' "$pid/stat")))
	done
	echo "$total"
}

echo 1 >"$sysfs/threaded" || fail "cannot write $sysfs/threaded"
threads=$(grep -h "^napi/$IFACE-" /proc/[0-9]*/comm 2>/dev/null | tr '\n' ' ')
[[ -n $threads ]] || fail "threaded=1 but no napi/$IFACE-N kthread"
pass "threaded=1: the NAPI kthread(s) $threads"
# The kernel's own accounting of the thread's CPU time: it runs the
# polls under a flood with threaded=1, and gets nothing with threaded=0.
# Measured (6 runs, 1 vCPU): 66-97 ticks with threaded=1, 0 with threaded=0;
# the bar, 10 ticks, is 6x below the least.
t0=$(thread_ticks)
flood threaded 20000 3
t1=$(thread_ticks)
echo 0 >"$sysfs/threaded"
flood softirq 20000 3
t2=$(thread_ticks)
echo "the NAPI thread's CPU time: $((t1 - t0)) ticks under the flood with threaded=1, $((t2 - t1)) with threaded=0"
((t1 - t0 >= 10)) || fail "threaded=1: the NAPI thread ran $((t1 - t0)) ticks under a 20k pps flood"
((t2 - t1 <= 2)) || fail "threaded=0: the NAPI thread still ran $((t2 - t1)) ticks"
pass "threaded=1: the NAPI thread did the work ($((t1 - t0)) ticks); threaded=0: it idles ($((t2 - t1)) ticks)"
# The same by the tracepoint: which task ran each poll.
# Measured (3 runs, 1 vCPU): 100 % in the thread with threaded=1, 100 % in
# softirq/ksoftirqd with threaded=0, every run; the bar, 90 %, is the
# issue's.
pct_thread=$(share threaded '["thread"]')
pct_softirq=$(share softirq '["softirq","ksoftirqd"]')
echo "polls in the NAPI thread with threaded=1: $pct_thread %; in softirq or ksoftirqd with threaded=0: $pct_softirq %"
((pct_thread >= 90)) || fail "threaded=1: only $pct_thread % of the polls ran in the NAPI thread"
((pct_softirq >= 90)) || fail "threaded=0: only $pct_softirq % of the polls ran in softirq or ksoftirqd"
pass "threaded=1: $pct_thread % of the polls in the NAPI thread; threaded=0: $pct_softirq % in softirq/ksoftirqd"

# Switching under a steady flow: 6 s at 5k pps while threaded flips every
# 0.5 s; every packet that QEMU took in reaches the sink.
udp0=$(measure_snapshot "$IFACE") || fail "no counter snapshot"
"$NAPILAB_ROOT/qemu/peer-run" --timeout 40 -- "$net/napi-blast" --dest "$GUEST_IP:$sink_port" \
	--rate 5000 --size 64 --duration 6s --json >"$RESULTS/switch.blast.json" &
blaster=$!
sleep 0.5
for ((i = 0; i < 10; i++)); do
	echo $((i % 2 == 0 ? 1 : 0)) >"$sysfs/threaded" || fail "threaded switch $i failed"
	sleep 0.5
done
echo 0 >"$sysfs/threaded"
wait "$blaster" || fail "napi-blast failed during the switch: $(cat "$RESULTS/switch.blast.json")"
sleep 0.5
udp1=$(measure_snapshot "$IFACE") || fail "no counter snapshot"
sent=$(jq '.packets' "$RESULTS/switch.blast.json")
got=$(($(jq '.udp.InDatagrams' <<<"$udp1") - $(jq '.udp.InDatagrams' <<<"$udp0")))
frames=$(($(jq '.ethtool.hw_rx_total_packets' <<<"$udp1") - $(jq '.ethtool.hw_rx_total_packets' <<<"$udp0")))
echo "switching threaded 10 times under 5k pps: peer sent $sent, QEMU delivered $frames, the guest's UDP took in $got"
# Two sources the driver does not control. QEMU's frame count (TPR) against
# the guest's UDP count: nothing is lost between the NIC and the socket while
# the poll moves between softirq and thread (measured 29997-30000 of
# 29997-30000 on a quiet host; 98 % leaves room for a few other frames).
# The peer's count against QEMU's: the tap drops frames before QEMU when
# other VMs share the host's 2 cores (80 % and 88 % arrived in 2 of 5 runs
# late in a busy session), so that bar is 50 %: a NAPI that stopped for half
# of the 6 s window fills the ring, QEMU refuses frames and it fails.
((got * 100 >= frames * 98)) || fail "switching threaded lost traffic in the guest: $got of $frames frames reached the socket"
((frames * 2 >= sent)) || fail "switching threaded: QEMU delivered only $frames of $sent frames (NAPI stopped?)"
pass "switching threaded 10 times under a 5k pps flow: $got of $frames frames ($sent sent) reached the socket"

# ---- 3. IRQ deferral ------------------------------------------------------------
# A steady moderate flow, 5k pps (a frame every 200 us) for 3 s, with and
# without napi_defer_hard_irqs=2 + gro_flush_timeout=500 us: while a frame
# comes within the timeout, the poll re-arms the timer instead of the
# interrupt. Interrupts per frame from /proc/interrupts and QEMU's count of
# frames received (TPR).
steady() {
	local name=$1 before after
	before=$(measure_snapshot "$IFACE") || fail "no counter snapshot"
	"$NAPILAB_ROOT/qemu/peer-run" --timeout 40 -- "$net/napi-blast" --dest "$GUEST_IP:$sink_port" \
		--rate 5000 --size 64 --duration 3s --json >"$RESULTS/$name.blast.json" ||
		fail "$name: napi-blast failed"
	after=$(measure_snapshot "$IFACE") || fail "no counter snapshot"
	jq -n -r --argjson a "$after" --argjson b "$before" \
		'"\($a.irqs - $b.irqs) \($a.ethtool.hw_rx_total_packets - $b.ethtool.hw_rx_total_packets)"' \
		>"$RESULTS/$name.counts"
}
steady nodefer
read -r irqs_nodefer frames_nodefer <"$RESULTS/nodefer.counts"
echo 2 >"$sysfs/napi_defer_hard_irqs"
echo 500000 >"$sysfs/gro_flush_timeout"
steady defer
read -r irqs_defer frames_defer <"$RESULTS/defer.counts"
pingpong_server defer --wait epoll
pingpong_run defer-pingpong 3
kill -TERM "$server"
wait "$server"
restore
echo "defer: $irqs_defer interrupts for $frames_defer frames; without: $irqs_nodefer for $frames_nodefer"
((frames_defer > 0 && frames_nodefer > 0)) || fail "QEMU counted no frames received"
# Measured (3 runs, 1 vCPU): 18-31 interrupts with defer for 15005 frames,
# 13157-13584 without (2 vCPUs: 5-7 vs 4834-14506): >= 400x fewer.
((irqs_defer * frames_nodefer * 2 <= irqs_nodefer * frames_defer)) ||
	fail "napi_defer_hard_irqs=2 did not halve the interrupts per frame ($irqs_defer/$frames_defer vs $irqs_nodefer/$frames_nodefer)"
pass "defer: $irqs_defer interrupts per $frames_defer frames, without $irqs_nodefer per $frames_nodefer"
jq -r '"  latency cost: ping-pong p50 \(.rtt_ns.p50 / 1000 | round) us, p99 \(.rtt_ns.p99 / 1000 | round) us with defer"' "$RESULTS/defer-pingpong.client.json"

# ---- 4. mode=irq: nothing for busy polling to drive ------------------------------
# mode=irq hands frames to netif_rx() from the hard IRQ: no NAPI context of
# the device, so a socket gets no NAPI id and busy polling has nothing to
# poll. The same busy-polling server as in 1 takes about as many interrupts
# per reply as the plain one did with NAPI (an interrupt per frame).
kill "$sink" 2>/dev/null
wait "$sink" 2>/dev/null
rmmod e1k_napi || fail "rmmod e1k_napi failed"
reload_ours mode=irq || fail "cannot reload e1k_napi with mode=irq"
pingpong_server irq-busy --wait recv --busy-poll 1000 --prefer-busy-poll --busy-poll-budget 64
pingpong_run irq-busy 3 observe
kill -TERM "$server"
wait "$server"
irqs_irq=$(jq '.counts.irqs' "$RESULTS/irq-busy.measure.json")
msgs_irq=$(jq '.received' "$RESULTS/irq-busy.client.json")
((msgs_irq > 0)) || fail "mode=irq: the ping-pong got no reply"
per_irq=$((irqs_irq * 1000 / msgs_irq))
polls_irq=$(jq -s 'map(.polls) | add' "$RESULTS/irq-busy.observe.jsonl")
echo "mode=irq with a busy-polling server: $per_irq/1000 interrupts per reply, $polls_irq NAPI polls of $IFACE"
((polls_irq == 0)) || fail "mode=irq: the tracepoint saw $polls_irq polls of $IFACE"
((per_irq * 2 >= per_plain)) ||
	fail "mode=irq: busy polling cut the interrupts to $per_irq/1000 per reply (NAPI without it: $per_plain/1000)"
pass "mode=irq: busy polling changes nothing ($per_irq/1000 interrupts per reply, no NAPI poll)"
