#!/bin/bash
# probe() and open() with one allocation failing, swept across the path,
# through the kernel's own fault injection (the debug kernel: FAILSLAB,
# FAIL_PAGE_ALLOC). /proc/self/fail-nth makes the N-th slab or page
# allocation of the writing task fail, once (whatever its GFP flags, with
# ignore-gfp-wait off): probe runs in the task that writes the PCI address
# to the driver's bind file, ndo_open in the one that sets IFF_UP through
# /sys/class/net/IFACE/flags, both from a shell builtin on a file opened
# before the count starts, so the count is that of the write's path (the
# sysfs buffer, then the driver core or dev_change_flags(), then ours; on
# the debug kernel every slab allocation also makes one for kmemleak, whose
# failure kmemleak absorbs: some positions change nothing). N takes each of the path's first 30 allocations
# (the driver's own set-up: netdev, BAR, rings, IRQ), then 15 more spread
# over the rest the clean path makes (measured first: sysfs, the RX
# buffers). Every attempt must end
# clean: bound with an interface, or unbound with none (probe); up, or down
# (open); and a clean attempt after it works. The failures the kernel
# really forced are counted by the attributes' `times` (each forced failure
# takes one), not by us. The bed fails the run on any KASAN, lockdep,
# DMA-API or ODEBUG report, and kmemleak is scanned after the command
# (rmmod first): an error path that leaks or frees twice fails here.
# napilab-vm: nic=e1000 driver=ours timeout=420 kernel=debug
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER GUEST_IP RESULTS

slab=/sys/kernel/debug/failslab
page=/sys/kernel/debug/fail_page_alloc
[[ -d $slab && -d $page && -w /proc/self/fail-nth ]] ||
	fail "no failslab/fail_page_alloc/fail-nth: this kernel ($(uname -r)) has no fault injection (run it on --kernel debug)"

bus=$(ethtool -i "$IFACE" | awk '/^bus-info:/ { print $2 }')
drv=/sys/bus/pci/drivers/e1k_napi
[[ -e $drv/$bus ]] || fail "e1k_napi is not bound to $bus"

# fail-nth counts every allocation that reaches should_fail(): the
# probability stays 0 so that nothing else ever fails, the filters let
# sleeping, highmem and order-0 allocations through, and `times` (never
# reaching 0 here) counts what was forced.
budget=1000000
for attr in "$slab" "$page"; do
	echo 0 >"$attr/probability"
	echo N >"$attr/ignore-gfp-wait"
	echo "$budget" >"$attr/times"
	echo 1 >"$attr/verbose"
done
echo N >"$slab/cache-filter"
echo N >"$page/ignore-gfp-highmem"
echo 0 >"$page/min-order"
forced_total() { echo $((2 * budget - $(cat "$slab/times") - $(cat "$page/times"))); }

# nth_write N VALUE FILE - write VALUE to FILE with the N-th allocation of
# the write failing (0: none), from one shell, FILE opened first: the
# fail-nth count runs from its own write to the next, which disarms it.
# Prints nothing; the exit status is the write's.
nth_write() {
	bash -c 'exec 3>"$2" || exit 97
		echo "$0" >/proc/self/fail-nth || exit 99
		echo "$1" >&3; rc=$?
		echo 0 >/proc/self/fail-nth 2>/dev/null
		exit $rc' "$@" 2>/dev/null
}
# path_calls VALUE FILE - how many allocations a clean write makes (the
# count left over from a large N; the reading open adds a few, which only
# makes the sweep go a little past the path's end).
path_calls() {
	bash -c 'exec 3>"$1" || exit 97
		echo 100000 >/proc/self/fail-nth || exit 99
		echo "$0" >&3 || exit 98
		read -r left </proc/self/fail-nth
		echo 0 >/proc/self/fail-nth
		echo $((100000 - left))' "$@"
}
# probe_failures - how many times the driver core logged our probe failing.
probe_failures() { dmesg | grep -c "e1k_napi: probe of $bus failed with error" || true; }

# positions CALLS - the allocations to fail, one per attempt.
positions() {
	local calls=$1 dense=30 sparse=15 n step
	for ((n = 1; n <= calls && n <= dense; n++)); do echo "$n"; done
	((calls > dense)) || return 0
	step=$(((calls - dense + sparse - 1) / sparse))
	for ((n = dense + step; n <= calls; n += step)); do echo "$n"; done
}
up_flags() { printf '0x%x' $(($(cat "/sys/class/net/$IFACE/flags") | 0x1)); }

# --- probe -----------------------------------------------------------------------
echo "$bus" >"$drv/unbind"
calls=$(path_calls "$bus" "$drv/bind") || fail "a clean bind failed ($calls)"
[[ -e /sys/class/net/$IFACE ]] || fail "no $IFACE after a clean bind"
bound=0 unbound=0 attempts=0 forced0=$(forced_total) refused0=$(probe_failures)
for n in $(positions "$calls"); do
	attempts=$((attempts + 1))
	echo "$bus" >"$drv/unbind"
	[[ ! -e /sys/class/net/$IFACE ]] || fail "unbind left $IFACE behind"
	nth_write "$n" "$bus" "$drv/bind" || true
	if [[ -e $drv/$bus ]]; then
		bound=$((bound + 1))
		[[ -e /sys/class/net/$IFACE ]] || fail "probe (allocation $n failing) bound the device with no $IFACE"
	else
		unbound=$((unbound + 1))
		[[ ! -e /sys/class/net/$IFACE ]] || fail "probe (allocation $n failing) failed but left $IFACE behind"
		echo "$bus" >"$drv/bind" || fail "a clean bind after allocation $n failed did not work"
		[[ -e /sys/class/net/$IFACE ]] || fail "no $IFACE after the clean bind (allocation $n)"
	fi
done
forced=$(($(forced_total) - forced0))
refused=$(($(probe_failures) - refused0))
((forced > 0)) || fail "probe: $attempts attempts, no failure was forced: the test proves nothing"
# The driver core's own word that probe ran and failed (a failure in the
# sysfs write refuses before probe runs).
((refused > 0)) || fail "probe: $forced failures forced in $attempts attempts, probe never failed (an allocation failure ignored?)"
pass "probe, one of its $calls allocations failing: $attempts attempts, $forced failures forced, $unbound left unbound and clean ($refused of them by probe itself: 'probe of $bus failed'), $bound bound"
# A last clean bind: the last attempt may have bound a degraded device
# (e.g. the core's qdisc allocation failed).
echo "$bus" >"$drv/unbind"
echo "$bus" >"$drv/bind" || fail "the clean bind after the sweep failed"

# shellcheck source=qemu/guest/net-setup
. "$NAPILAB_ROOT/qemu/guest/net-setup"
configure_nic || fail "no link after the probe sweep"
ping -c 3 -i 0.2 -W 2 "$PEER" >/dev/null || fail "no ping after the probe sweep"

# --- open --------------------------------------------------------------------------
flags=/sys/class/net/$IFACE/flags
ip link set "$IFACE" down
sleep 0.3
calls=$(path_calls "$(up_flags)" "$flags") || fail "a clean open through $flags failed ($calls)"
ip -br link show "$IFACE" | grep -qw UP || fail "$IFACE is not up after a clean open through $flags"
up=0 down=0 attempts=0 forced0=$(forced_total)
for n in $(positions "$calls"); do
	attempts=$((attempts + 1))
	ip link set "$IFACE" down
	# The link-state work takes RTNL after a down; a sysfs write that
	# finds it taken restarts, allocating again: let it pass first.
	sleep 0.3
	if nth_write "$n" "$(up_flags)" "$flags"; then
		up=$((up + 1))
		ip -br link show "$IFACE" | grep -qw UP || fail "open (allocation $n failing) succeeded, $IFACE is not up"
	else
		down=$((down + 1))
		ip -br link show "$IFACE" | grep -qw UP && fail "open (allocation $n failing) failed, $IFACE is up"
		ip link set "$IFACE" up || fail "a clean open after allocation $n failed did not work"
	fi
done
forced=$(($(forced_total) - forced0))
((forced > 0)) || fail "open: $attempts attempts, no failure was forced"
ip link set "$IFACE" down
ip link set "$IFACE" up || fail "the clean open after the sweep failed"
configure_nic || fail "no link after the open sweep"
ping -c 5 -i 0.2 -W 2 "$PEER" >/dev/null || fail "no ping after the open sweep"
iperf3_json -t 3 -R >/dev/null || fail "no TCP after the open sweep"
pass "open, one of its $calls allocations failing: $attempts attempts, $forced failures forced, $down refused cleanly, $up up; then ping and TCP"
for attr in "$slab" "$page"; do echo 1 >"$attr/times"; done
