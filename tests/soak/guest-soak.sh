#!/bin/bash
# The soak, guest side (scripts/soak boots the VM and flaps the link from
# the host): phases of reconfiguration under iperf3 traffic in both
# directions, each followed by the same checks:
#   traffic resumes (10/10 pings, TCP both ways), the carrier is up as
#   QEMU's link is, no counter went backwards, no TX timeout,
# and one JSON line per phase in $RESULTS/soak.jsonl (cycles, seconds,
# traffic after, slab and kmemleak figures). Kernel reports (KASAN,
# lockdep, WARNING, ...) fail the run through the bed's log scan.
#
# Environment (counts, all bounded): SOAK_SEED (1), SOAK_RELOADS (200),
# SOAK_FLAPS (100), SOAK_RESIZES (50), SOAK_MTUS (50), SOAK_STORM_S (300),
# SOAK_FAULTS (3 rounds of injected RX allocation failures, through our
# debugfs knob, then as many rounds of the kernel's failslab where the kernel
# has it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../vm/lib.sh"
require_env IFACE PEER GUEST_IP RESULTS NAPILAB_ROOT
# shellcheck source=qemu/guest/net-setup
. "$NAPILAB_ROOT/qemu/guest/net-setup"

seed=${SOAK_SEED:-1}
RANDOM=$seed
reloads=${SOAK_RELOADS:-200}
flaps=${SOAK_FLAPS:-100}
resizes=${SOAK_RESIZES:-50}
mtus=${SOAK_MTUS:-50}
storm_s=${SOAK_STORM_S:-300}
faults=${SOAK_FAULTS:-3}
module=${NAPILAB_MODULE:-$NAPILAB_ROOT/driver/e1k_napi.ko}
report=$RESULTS/soak.jsonl
: >"$report"

log() { echo "soak: $*"; echo "<6>napilab soak: $*" >/dev/kmsg; }

# --- traffic in both directions, kept running across the phases -------------------
# The phases kill this traffic's clients at any moment, the link down or
# the module gone: a client killed between its connect and its first
# message, its RST lost, left the peer's iperf3 server waiting on that
# connection for good ("Accepted connection" its last line), and every
# later client was told the server is busy (the debug kernel's storm: the
# check's iperf3 then failed). So the killed clients talk to a server of
# their own on the peer, started through peer-run and restarted after 5 s
# without a message (--idle-timeout), and the checks measure on the bed's.
traffic_port=5202
server_loop() {
	local end=$((SECONDS + 7200))
	while ((SECONDS < end)); do
		"$NAPILAB_ROOT/qemu/peer-run" --timeout 300 -- \
			iperf3 -s -p "$traffic_port" --idle-timeout 5 >/dev/null 2>&1 || sleep 1
	done
}
server_loop &
server_pid=$!
traffic_pid=""
# The loop's subshell is forked without this shell's EXIT trap: a child
# killed by stop_traffic before its first command (the reloads stop the
# traffic right after starting it, and a debug kernel is slow to run the
# fork) dies in bash's SIGTERM handler, which runs the EXIT trap it
# inherited and then waits for the last child this shell made, of which
# the copy has no record ("wait_for: No record of process N": 5 of 20
# reloads on the debug kernel; on the host, bash 5.2, 18-20 of 20 quick
# stop/starts with the trap inherited, 0 of 200 without). Restored as it
# was after the fork (the failslab phase sets its own).
start_traffic() {
	local exit_trap
	exit_trap=$(trap -p EXIT)
	trap - EXIT
	(
		# Each client is bounded; a reload or flap kills it and the loop
		# starts the next one (at most one per second).
		end=$((SECONDS + 7200))
		while ((SECONDS < end)); do
			timeout -s KILL 40 iperf3 -c "$PEER" -p "$traffic_port" --bidir -t 30 >/dev/null 2>&1 || sleep 1
		done
	) 2>/dev/null &
	traffic_pid=$!
	eval "${exit_trap:-trap - EXIT}"
}
stop_traffic() {
	[[ -n $traffic_pid ]] || return 0
	kill "$traffic_pid" 2>/dev/null || true
	pkill -KILL -x iperf3 2>/dev/null || true
	wait "$traffic_pid" 2>/dev/null || true
	traffic_pid=""
}
stop_all() {
	stop_traffic
	kill "$server_pid" 2>/dev/null || true
}
trap stop_all EXIT

# --- the checks after each phase -----------------------------------------------------
counters() { ethtool -S "$IFACE" | awk -F': *' 'NR > 1 { gsub(/^ +/, "", $1); print $1, $2 }'; }

# never_backwards BEFORE AFTER - every counter in AFTER >= its value in BEFORE.
never_backwards() {
	awk 'NR == FNR { before[$1] = $2; next }
		($1 in before) && $2 < before[$1] { printf "%s %s -> %s\n", $1, before[$1], $2; bad = 1 }
		END { exit bad }' "$1" "$2"
}

# check_phase NAME CYCLES SECONDS [BEFORE] - the invariants, then the JSON line.
check_phase() {
	local name=$1 cycles=$2 seconds=$3 before=${4:-} after mbps_tx mbps_rx slab leaks
	stop_traffic
	configure_nic || fail "$name: no carrier after the phase"
	wait_ping 30 || fail "$name: no ping answered 30 s after the phase"
	ping -c 10 -i 0.2 -W 2 "$PEER" | grep -q ' 10 received' || fail "$name: not 10/10 pings after the phase"
	mbps_tx=$(iperf3_json -t 3 | json_get '.end.sum_received.bits_per_second / 1e6 | round')
	mbps_rx=$(iperf3_json -t 3 -R | json_get '.end.sum_received.bits_per_second / 1e6 | round')
	((mbps_tx > 0 && mbps_rx > 0)) || fail "$name: TCP after the phase: $mbps_tx / $mbps_rx Mb/s"
	[[ $(cat "/sys/class/net/$IFACE/carrier") == 1 ]] || fail "$name: carrier down while QEMU's link is up"
	if [[ -n $before ]]; then
		after=$RESULTS/counters-$name-after.txt
		counters >"$after"
		never_backwards "$before" "$after" || fail "$name: counters went backwards"
	fi
	(($(ethtool_stat "$IFACE" tx_timeouts) == 0)) || fail "$name: TX timeouts: $(ethtool_stat "$IFACE" tx_timeouts)"
	! dmesg | grep -q 'TX timeout' || fail "$name: the kernel log has a TX timeout"
	slab=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
	leaks=null
	if [[ -w /sys/kernel/debug/kmemleak ]]; then
		# kmemleak reports no object younger than 5 s: wait past that.
		sleep 6
		echo scan >/sys/kernel/debug/kmemleak
		sleep 1
		echo scan >/sys/kernel/debug/kmemleak
		leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak || true)
		((leaks == 0)) || fail "$name: kmemleak: $leaks suspected leaks: $(head -n 20 /sys/kernel/debug/kmemleak)"
	fi
	printf '{"phase":"%s","cycles":%d,"seconds":%d,"tcp_tx_mbps":%d,"tcp_rx_mbps":%d,"slab_kb":%d,"kmemleak":%s,"mem_available_kb":%d}\n' \
		"$name" "$cycles" "$seconds" "$mbps_tx" "$mbps_rx" "$slab" "$leaks" \
		"$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)" >>"$report"
	pass "$name: $cycles cycles in ${seconds} s; then 10/10 pings, TCP $mbps_tx / $mbps_rx Mb/s, slab $slab kB, kmemleak $leaks"
}

wait_ping() {
	local limit=$1 start=$SECONDS
	until ping -c 1 -W 1 "$PEER" >/dev/null 2>&1; do
		((SECONDS - start < limit)) || return 1
	done
}

snapshot() { counters >"$RESULTS/counters-$1-before.txt"; echo "$RESULTS/counters-$1-before.txt"; }

# --- 1. rmmod/insmod under traffic ------------------------------------------------------
# With DMA-API debugging (the debug kernel), each unload first stops the
# traffic and waits until every receive page is back in its pool
# (qemu/guest/pool-quiesce): on Linux 6.1 a page still out in a socket or
# on a defer list keeps its DMA mapping past the unload, which DMA-API
# debugging reports (a WARNING, README "page_pool"). Elsewhere the mapping
# is a no-op and the unload runs under live traffic.
# shellcheck source=qemu/guest/pool-quiesce
. "$NAPILAB_ROOT/qemu/guest/pool-quiesce"
quiesce=0 how="under live traffic"
if [[ -d /sys/kernel/debug/dma-api ]]; then
	quiesce=1 how="traffic stopped and receive pages back before each rmmod (DMA-API debugging)"
fi
log "phase reload: $reloads rmmod/insmod cycles, $how"
start_traffic
t0=$SECONDS
for ((i = 0; i < reloads; i++)); do
	if ((quiesce)); then
		stop_traffic
		pools_down "$IFACE" >/dev/null || fail "reload $i: receive pages still in flight before rmmod"
	fi
	rmmod e1k_napi || fail "reload $i: rmmod failed"
	# shellcheck disable=SC2086 # parameters are a word list
	insmod "$module" ${NAPILAB_MODULE_PARAMS:-} || fail "reload $i: insmod failed"
	configure_nic || fail "reload $i: no carrier"
	if ((quiesce)); then start_traffic; fi
	((i % 20)) || sleep 1 # let traffic get going now and then
done
check_phase reload "$reloads" $((SECONDS - t0))

# --- 2. link flaps from the QEMU monitor (host side) -------------------------------------
log "phase flaps: $flaps link flaps from the host"
before=$(snapshot flaps)
changes0=$(cat "/sys/class/net/$IFACE/carrier_changes")
start_traffic
t0=$SECONDS
rm -f "$RESULTS/flap.done"
# Written aside and renamed: the host polls for the name and deletes it once
# read, and over 9p it once read the file between its creation and the write
# (the guest's write then failed with ENOENT and the host flapped 0 times).
echo "$flaps" >"$RESULTS/flap.request.part"
mv "$RESULTS/flap.request.part" "$RESULTS/flap.request"
# 0.6 s off + 1.6 s on per flap on the host (QEMU's autonegotiation needs
# ~0.5 s after link-on): bound the wait at 4 s per flap.
for ((i = 0; i < flaps * 40; i++)); do
	[[ ! -e $RESULTS/flap.done ]] || break
	sleep 0.1
done
[[ -e $RESULTS/flap.done ]] || fail "the host did not finish the link flaps"
sleep 2
changes=$(($(cat "/sys/class/net/$IFACE/carrier_changes") - changes0))
done_flaps=$(cat "$RESULTS/flap.done")
((changes >= 2 * done_flaps)) || fail "flaps: $done_flaps link flaps, only $changes carrier changes seen"
pass "flaps: $done_flaps link flaps from the monitor, $changes carrier changes"
check_phase flaps "$done_flaps" $((SECONDS - t0)) "$before"

# --- 3. ring resizes under traffic ------------------------------------------------------
sizes=(80 128 256 512 1024 2048 4096)
log "phase resize: $resizes ring resizes"
before=$(snapshot resize)
start_traffic
t0=$SECONDS
for ((i = 0; i < resizes; i++)); do
	ethtool -G "$IFACE" rx "${sizes[RANDOM % 7]}" tx "${sizes[RANDOM % 7]}" ||
		fail "resize $i: ethtool -G failed"
done
ethtool -G "$IFACE" rx 256 tx 256
check_phase resize "$resizes" $((SECONDS - t0)) "$before"

# --- 4. MTU changes under traffic -------------------------------------------------------
log "phase mtu: $mtus MTU changes"
before=$(snapshot mtu)
start_traffic
t0=$SECONDS
for ((i = 0; i < mtus; i++)); do
	mtu=$((68 + (RANDOM * 32768 + RANDOM) % (16106 - 68 + 1)))
	((i % 5)) || mtu=$((i % 10 ? 68 : 16106)) # the ends as well
	ip link set "$IFACE" mtu "$mtu" || fail "mtu $i: ip link set mtu $mtu failed"
done
ip link set "$IFACE" mtu 1500
check_phase mtu "$mtus" $((SECONDS - t0)) "$before"

# --- 5. a seeded storm of every kind of change ------------------------------------------
log "phase storm: ${storm_s} s, seed $seed"
before=$(snapshot storm)
start_traffic
t0=$SECONDS
ops=0
onoff=(on off)
tests=(online offline)
while ((SECONDS - t0 < storm_s)); do
	case $((RANDOM % 9)) in
	0) ethtool -G "$IFACE" rx "${sizes[RANDOM % 7]}" tx "${sizes[RANDOM % 7]}" ;;
	1) ethtool -C "$IFACE" adaptive-rx off rx-usecs $((RANDOM % 4 * 250)) ;;
	2) ethtool -C "$IFACE" adaptive-rx "${onoff[RANDOM % 2]}" ;;
	3) ethtool -C "$IFACE" tx-usecs $((RANDOM % 3 * 500)) ;;
	4) ethtool -K "$IFACE" tso "${onoff[RANDOM % 2]}" ;;
	5) ip link set "$IFACE" mtu $((RANDOM % 2 ? 1500 : 68 + RANDOM % 9000)) ;;
	6) ip link set "$IFACE" down; ip link set "$IFACE" up ;;
	7) ip link set "$IFACE" promisc "${onoff[RANDOM % 2]}" ;;
	8) ethtool -t "$IFACE" "${tests[RANDOM % 2]}" >/dev/null || true ;;
	esac >/dev/null 2>&1 || fail "storm op $ops failed"
	ops=$((ops + 1))
done
ethtool -G "$IFACE" rx 256 tx 256
ethtool -C "$IFACE" adaptive-rx off rx-usecs 0 tx-usecs 0
ethtool -K "$IFACE" tso on
ip link set "$IFACE" mtu 1500 promisc off
check_phase storm "$ops" $((SECONDS - t0)) "$before"

# --- 6. RX allocations failing while a flood arrives -----------------------------------
# start_flood WHAT [IPERF3 ARGS...] - 8 s of traffic peer->guest in the
# background ($flood), TCP unless told otherwise, and wait until it
# arrives: full-sized frames in 64-frame polls drain the ring within ~16
# refill attempts, so failing refills are sure to empty it (a slow UDP
# stream takes one attempt per poll of a few frames and uses the failures
# up before the ring drains).
start_flood() {
	local rx0
	rx0=$(ethtool_stat "$IFACE" rx_packets)
	timeout -s KILL 40 iperf3 -c "$PEER" -t 8 -R "${@:2}" >/dev/null 2>&1 &
	flood=$!
	sleep 2
	(($(ethtool_stat "$IFACE" rx_packets) - rx0 > 1000)) || fail "$1: the flood did not arrive"
}
bus=$(ethtool -i "$IFACE" | awk '/^bus-info:/ { print $2 }')
knob=/sys/kernel/debug/e1k_napi/$bus/fail_rx_alloc
log "phase faults: $faults rounds of RX allocation failures under a flood"
before=$(snapshot faults)
t0=$SECONDS
kicks0=$(ethtool_stat "$IFACE" rx_refill_kicks)
failed0=$(ethtool_stat "$IFACE" rx_alloc_failed)
injected=0
for ((i = 0; i < faults; i++)); do
	start_flood "faults round $i"
	n=$((20 + RANDOM % 40))
	echo "$n" >"$knob"
	injected=$((injected + n))
	wait "$flood" || true
	for ((j = 0; j < 100 && $(cat "$knob") > 0; j++)); do sleep 0.1; done
	[[ $(cat "$knob") == 0 ]] || fail "faults round $i: $(cat "$knob") failures never consumed"
done
kicks=$(($(ethtool_stat "$IFACE" rx_refill_kicks) - kicks0))
failed=$(($(ethtool_stat "$IFACE" rx_alloc_failed) - failed0))
((failed >= injected)) || fail "faults: rx_alloc_failed +$failed for $injected injected"
((kicks >= 1)) || fail "faults: the ring never ran empty (0 refill kicks)"
pass "faults: $injected injected allocation failures counted ($failed), $kicks empty-ring recoveries"
check_phase faults "$faults" $((SECONDS - t0)) "$before"

# --- 7. the kernel's own fault injection: failslab on skb heads under a flood --------
# Not our debugfs knob this time, but the allocator failing for real:
# failslab (CONFIG_FAILSLAB, the debug kernel) scoped by its cache filter to
# skbuff_head_cache (marked at boot), where every skb head comes from: the
# ones e1k_napi builds around its receive pages (napi_build_skb(), through
# the per-CPU NAPI cache, which refills 16 at a time from the slab), but
# also any the guest sends. The flood is UDP (1400-byte datagrams, peer ->
# guest): the guest answers nothing, and the reader frees each skb to the
# slab, so the NAPI cache keeps refilling. For a window of N failures
# (times) at probability 100, each forced failure dumps its stack (verbose
# 2, no rate limit): the kernel's own record of which failures hit
# e1k_napi's skb build, against which the driver's rx_dropped (the frame
# dropped, its pages kept in the ring) is judged.
# Debian's kernel has no fault injection: the phase is a visible SKIP there.
fs=/sys/kernel/debug/failslab
slabflag=/sys/kernel/slab/skbuff_head_cache/failslab
failslab_off() {
	[[ -d $fs ]] || return 0
	echo 0 >"$fs/probability" 2>/dev/null || true
	echo 0 >"$fs/times" 2>/dev/null || true
	echo N >"$fs/cache-filter" 2>/dev/null || true
}
if [[ ! -d $fs ]]; then
	echo "SKIP: failslab: this kernel has no CONFIG_FAILSLAB ($(uname -r)); run the soak on --kernel debug"
	printf '{"phase":"failslab","skipped":"no CONFIG_FAILSLAB in %s"}\n' "$(uname -r)" >>"$report"
elif [[ $(cat "$slabflag" 2>/dev/null) != 1 ]]; then
	# 6.1's slab attribute is read-only: the cache is marked at boot
	# (slub_debug=A,skbuff_head_cache, which run-vm passes to a kernel with
	# CONFIG_FAILSLAB); without the mark the filter would fail every cache.
	fail "failslab: skbuff_head_cache is not marked for failslab ($slabflag; boot with slub_debug=A,skbuff_head_cache)"
else
	trap 'failslab_off; stop_all' EXIT
	log "phase failslab: $faults rounds of skbuff_head_cache failures under a flood"
	before=$(snapshot failslab)
	t0=$SECONDS
	dropped0=$(ethtool_stat "$IFACE" rx_dropped)
	echo Y >"$fs/cache-filter"
	echo N >"$fs/task-filter"
	echo 1 >"$fs/interval"
	echo 0 >"$fs/space"
	echo 2 >"$fs/verbose"
	echo 0 >"$fs/verbose_ratelimit_interval_ms"
	forced=0 ours=0
	for ((i = 0; i < faults; i++)); do
		start_flood "failslab round $i" -u -b 100M -l 1400
		n=$((10 + RANDOM % 20))
		marker="napilab soak: failslab round $i of $faults, $n failures"
		echo "<6>$marker" >/dev/kmsg
		echo "$n" >"$fs/times"
		echo 100 >"$fs/probability"
		for ((j = 0; j < 100 && $(cat "$fs/times") > 0; j++)); do sleep 0.1; done
		echo 0 >"$fs/probability"
		left=$(cat "$fs/times")
		wait "$flood" || true
		forced=$((forced + n - left))
		# The forced failures since the marker whose stack passes
		# through napi_build_skb() called by e1k_napi (reliable frames
		# of both: "? " frames are stale words from the stack; the copy
		# path's small skb, __napi_alloc_skb(), falls back to the build
		# without counting).
		hits=$(dmesg | awk -v m="$marker" '
			index($0, m) { on = 1; next }
			!on { next }
			/FAULT_INJECTION: forcing a failure/ { n += build && ours; build = ours = 0; next }
			/^\[[^]]*\] +_*napi_build_skb\+0x/ { build = 1 }
			/^\[[^]]*\] +e1k_[a-z_]+\+0x/ { ours = 1 }
			END { print n + (build && ours) }')
		[[ -n $(dmesg | grep -F "$marker") ]] ||
			fail "failslab round $i: the kernel log lost its marker (log buffer too small)"
		ours=$((ours + hits))
	done
	failslab_off
	trap stop_all EXIT
	dropped=$(($(ethtool_stat "$IFACE" rx_dropped) - dropped0))
	((forced > 0)) || fail "failslab: no failure was forced (times never went down)"
	((ours > 0)) || fail "failslab: none of the $forced forced failures was in e1k_napi's skb build"
	# Each failure the kernel forced in our build is one frame the driver
	# drops and counts; 2 for a stack whose lines another CPU's printk split.
	((dropped >= ours - 2 && dropped <= ours + 2)) ||
		fail "failslab: rx_dropped +$dropped, the kernel forced $ours failures in e1k_napi ($forced in all)"
	pass "failslab: $forced skb-head allocations failed, $ours of them in e1k_napi's napi_build_skb(), rx_dropped +$dropped"
	check_phase failslab "$faults" $((SECONDS - t0)) "$before"
fi
log "done"
