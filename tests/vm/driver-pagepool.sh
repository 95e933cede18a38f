#!/bin/bash
# e1k_napi's receive buffers on page_pool, judged by the page_pool core's own
# accounting, which the driver does not keep: when a pool is destroyed (the
# interface goes down), its page_pool:page_pool_release tracepoint reports
# how many pages the pool ever took from the page allocator (hold), how many
# it gave back (release) and how many are still in flight. For each life of
# a pool, from up to down:
# - no leak: the pool reports 0 pages in flight within 10 s of the down (a
#   page kept by the driver or lost by an skb would stay in flight), the
#   per-CPU defer lists flushed first (qemu/guest/pool-quiesce);
# - recycling: the pages the driver took from its pool (ethtool -S
#   rx_pool_pages) outnumber the pages the pool had to allocate (hold): the
#   rest were pages that came back from freed skbs;
# - jumbo frames (MTU 9000): each spans several 2 KB buffers; the driver's
#   multi-buffer count must match the frames the peer sent (iperf3's bytes);
# - mode=irq-drain, copybreak=0: every frame is built around its page in
#   hard-IRQ context and queued with netif_rx() to a backlog kept short, so
#   that the kernel drops (frees) some right there (softnet_stat's drop
#   count, the kernel's): with the pages leaving the pool first, no
#   page_pool code runs in hard IRQ (it would WARN); the frames still reach
#   the application: all the frames the backlog let through, which on a
#   slow kernel are few (see the flood's rate below).
# The bed fails the run on any kernel warning.
# One vCPU: enabling a tracepoint patches kernel text (text_poke_bp), and on
# a 2-vCPU TCG guest that IPI wait hung once in ~7 runs (a soft lockup in
# smp_call_function_many_cond from event_enable_write, 2026-12-07), as
# napi-observe's attaches did (the strategies run on one vCPU for that).
# On one vCPU, 3 runs back to back: 91-93 % recycled, multi-buffer frames
# 1.004-1.006x bytes/8948, 3551-4174 skbs freed in hard IRQ: the same
# ranges as on two, within the bars below; 33-35 s each.
# The debug kernel (KASAN, lockdep, DMA-API debugging, kmemleak), 3 runs
# (check-debug's the third): 99 % recycled, multi-buffer frames
# 1.019-1.027x bytes/8948, at 2000/s 15423-19232 skbs freed in hard IRQ,
# no report, kmemleak 0; 124-132 s of VM time each.
# napilab-vm: nic=e1000 driver=ours timeout=240 smp=1
# napilab-vm: nic=e1000 driver=ours timeout=240 smp=1 kernel=debug
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER GUEST_IP RESULTS NAPILAB_ROOT NAPILAB_BUILD
# shellcheck source=qemu/guest/pool-quiesce
. "$NAPILAB_ROOT/qemu/guest/pool-quiesce"
[[ -d $pool_event ]] || fail "no page_pool tracepoints in $pool_trace (tracefs not mounted?)"

# wait_carrier - bounded wait for the link after up (auto-negotiation).
wait_carrier() {
	local i
	for ((i = 0; i < 50; i++)); do
		[[ $(cat "/sys/class/net/$IFACE/carrier" 2>/dev/null) == 1 ]] && return 0
		sleep 0.1
	done
	return 1
}

# new_pool - down (the pool of the boot's open goes, every page back), then
# up with a fresh pool.
new_pool() {
	pools_down "$IFACE" >/dev/null || fail "the previous pool did not release its pages"
	ip link set "$IFACE" up
	wait_carrier || fail "no carrier after up"
}

# --- MTU 1500: TCP peer->guest, one page per frame above copybreak ---------------
pages0=$(ethtool_stat "$IFACE" rx_pool_pages)
new_pool
rx_mbps=$(iperf3_json -t 5 -R | json_get '.end.sum_received.bits_per_second / 1e6 | round')
pages=$(($(ethtool_stat "$IFACE" rx_pool_pages) - pages0))
read -r hold _ < <(pools_down "$IFACE") || fail "MTU 1500: the pool kept pages in flight after down"
# Recycled share measured 91-92 % over 4 runs (706-1378 Mb/s), bar 70 %
# (21 points of margin for a busier host): TCP's receive queue, drained by
# the reader in bursts, can still overflow the pool's ptr_ring (twice the
# ring), whose surplus goes back to the allocator. It was 75-82 % over 3
# runs with a ptr_ring the ring's size; without recycling it would be 0 %.
((pages >= 5000 && hold * 10 <= pages * 3)) ||
	fail "MTU 1500: the driver took $pages pages from its pool, the pool allocated $hold: not recycled"
pass "MTU 1500, TCP peer->guest $rx_mbps Mb/s: $pages pages from the pool, $hold allocated ($((100 - hold * 100 / pages)) % recycled); at down 0 in flight"

# --- MTU 9000: frames span several buffers ---------------------------------------------
ip link set "$IFACE" mtu 9000
ip link set "$IFACE" up
wait_carrier || fail "no carrier at MTU 9000"
ping -c 3 -s 8000 -M do -W 3 "$PEER" >/dev/null || fail "8000-byte pings at MTU 9000 failed"
"$NAPILAB_BUILD/userspace/tools/napi-measure" -i "$IFACE" --json --timeout 60 \
	--output "$RESULTS/jumbo-iperf3.json" -- iperf3 -c "$PEER" -J -t 3 -R >"$RESULTS/jumbo-measure.json" ||
	fail "iperf3 -R at MTU 9000 failed"
multi=$(json_get '.counts.ethtool.rx_multi_buffer' <"$RESULTS/jumbo-measure.json")
bytes=$(json_get '.end.sum_received.bytes' <"$RESULTS/jumbo-iperf3.json")
pools_down "$IFACE" >/dev/null || fail "MTU 9000: the pool kept pages in flight after down"
# Full segments carry 8948 bytes (MSS 8960 less TCP timestamps) in one
# 9014-byte frame of 5 buffers: at least 9 in 10 of bytes / 8948 must have
# come in as multi-buffer frames (measured 1.005-1.013 times as many over
# 6 runs: a few shorter frames above 2 KB count too; bar 0.9).
frames=$((bytes / 8948))
((frames > 1000 && multi * 10 >= frames * 9)) ||
	fail "MTU 9000: $multi multi-buffer frames for $bytes bytes (~$frames full frames)"
ip link set "$IFACE" mtu 1500
ip link set "$IFACE" up
wait_carrier || fail "no carrier back at MTU 1500"
ping -c 3 -i 0.2 -W 2 "$PEER" >/dev/null || fail "no ping back at MTU 1500"
pass "MTU 9000: 8000-byte pings answered; TCP peer->guest $bytes bytes (~$frames frames), $multi multi-buffer frames; at down 0 in flight"

# --- mode=irq-drain, copybreak=0: pool pages freed in hard IRQ -----------------------------
# Every frame is built around its page (copybreak=0) in the hard-IRQ handler
# and queued with netif_rx(). With the backlog held to 1 frame
# (netdev_max_backlog), each burst the handler drains overflows it, and the
# kernel frees those skbs right there, in hard IRQ. Had their pages still
# been the pool's, its return path would take a _bh lock there (a WARNING,
# which fails the run, or a CPU spinning on its own lock: a timeout).
pools_down "$IFACE" >/dev/null || fail "before the reload: the pool kept pages in flight"
rmmod e1k_napi || fail "rmmod e1k_napi failed"
reload_ours mode=irq-drain copybreak=0 || fail "no link with mode=irq-drain copybreak=0"
backlog0=$(sysctl -n net.core.netdev_max_backlog)
trap 'sysctl -qw net.core.netdev_max_backlog="$backlog0"' EXIT
sysctl -qw net.core.netdev_max_backlog=1
port=9000
# 10k frames/s for 2 s. A slow kernel (the debug kernel: NAPILAB_TIME_SCALE
# 5) gets a fifth of the rate for five times as long: at 10k/s its handler
# could not keep up (~3.5k frames/s), never found the ring empty during
# the flood and so never let the backlog's softirq run: 6935 of 6942
# frames dropped, 2 reached the sink (a receive livelock, the pre-NAPI
# design's known failure, but one that leaves the delivery check nothing
# to hold).
scale=${NAPILAB_TIME_SCALE:-1}
rate=$((10000 / scale))
"$NAPILAB_BUILD/userspace/net/napi-sink" --proto udp --bind "$GUEST_IP:$port" --duration 60s --json \
	>"$RESULTS/irqdrain-sink.json" 2>"$RESULTS/irqdrain-sink.log" &
sink=$!
wait_listening "$RESULTS/irqdrain-sink.log" "$sink" || fail "no sink to send to"
"$NAPILAB_BUILD/userspace/tools/napi-measure" -i "$IFACE" --json --timeout 60 \
	--output "$RESULTS/irqdrain-blast.json" -- "$NAPILAB_ROOT/qemu/peer-run" --timeout 40 -- \
	"$NAPILAB_BUILD/userspace/net/napi-blast" --dest "$GUEST_IP:$port" --rate "$rate" --size 1400 \
	--duration "$((2 * scale))s" --json >"$RESULTS/irqdrain-measure.json" ||
	fail "the 1400-byte flood from the peer failed: $(cat "$RESULTS/irqdrain-blast.json")"
sleep 0.5 # the last frames reach the sink
kill -INT "$sink"
wait "$sink" || fail "napi-sink failed: $(cat "$RESULTS/irqdrain-sink.log")"
sysctl -qw net.core.netdev_max_backlog="$backlog0"
sent=$(json_get '.packets' <"$RESULTS/irqdrain-blast.json")
delivered=$(json_get '.sequence.delivered' <"$RESULTS/irqdrain-sink.json")
dropped=$(json_get '.counts.softnet.dropped' <"$RESULTS/irqdrain-measure.json")
received=$(json_get '.counts.ethtool.rx_packets' <"$RESULTS/irqdrain-measure.json")
released=$(json_get '.counts.ethtool.rx_pool_released' <"$RESULTS/irqdrain-measure.json")
echo "irq-drain flood: peer sent $sent at $rate/s, driver received $received, released $released pages, backlog dropped $dropped, sink got $delivered"
# The backlog dropped 3425-11550 of 20000 over 4 runs: any drop at all is
# the precondition (skbs freed in hard IRQ), else the check proves nothing.
((dropped > 0)) || fail "irq-drain: the backlog dropped nothing: no skb was freed in hard IRQ, the check proves nothing"
# One page per frame (1442 bytes, one buffer) leaves the pool: equal in
# all 4 runs (20006 each); the two counters are read one after the other,
# so a frame may fall between.
((released >= received && released <= received + 2)) ||
	fail "irq-drain: $received frames received, $released pages left the pool"
# What reached the sink is a performance figure (8450-16575 of 20000 over 4
# runs: the backlog of 1 drops the rest), but what the backlog let through
# (the driver's frames less the kernel's drop count) must reach the socket
# (the sink, or UDP's count of datagrams its full buffer dropped, should
# the handler starve the reader), all but the few frames of the window that
# were not the flood's (ARP...): exactly 6 in each of the 12 runs on
# Debian's kernel recorded on this bed (CI's included; 3146-11550 dropped,
# 8450-16854 delivered, RcvbufErrors 0), 5 in the debug kernel's run at
# 10k/s, 5-7 in its 3 runs at 2000/s; bar 12. How many pass is the
# kernel's speed: 8450-16854 on Debian's, but 9-2627 on the debug kernel
# (1248, 2627, then 9 with 4 delivered as the host got busier: the handler
# livelocked again). There, with 12 or fewer through, the delivery says
# nothing and the run says so (the page checks above and below still
# hold); on Debian's kernel that few is a failure.
passed=$((received - dropped))
rcvbuf=$(json_get '.counts.udp.RcvbufErrors' <"$RESULTS/irqdrain-measure.json")
((delivered + rcvbuf + 12 >= passed)) ||
	fail "irq-drain: the backlog let $passed of $received frames through; $delivered reached the sink, $rcvbuf the full socket buffer"
if ((passed <= 12)); then
	((scale > 1)) || fail "irq-drain: the backlog let only $passed of $received frames through"
	echo "irq-drain: delivery not judged: the backlog let only $passed frames through (the handler livelocked on this slow kernel)"
fi
read -r hold _ < <(pools_down "$IFACE") || fail "irq-drain: the pool kept pages in flight after down"
pass "mode=irq-drain copybreak=0: $received frames built in hard IRQ, $dropped freed there by the backlog, no warning; $delivered of the $passed it let through (of $sent sent at $rate/s) reached the sink; $released pages left the pool, at down 0 in flight ($hold allocated)"
