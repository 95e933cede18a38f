#!/bin/bash
# probe() and open() under the kernel's fault injection (the debug kernel:
# CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC). One allocation at a time fails
# in the task that binds the device (probe runs in the writer of the bind
# file) or brings the interface up (ndo_open runs in `ip link set up`):
# task-filter scopes the failures to that one command, times=1 makes it one
# failure, interval moves it along the allocations of the path, alternating
# slab and page allocations. Every attempt must either succeed or fail
# cleanly: an error to the caller, the device left unbound or down, and the
# next clean attempt works. The bed fails the run on any KASAN, lockdep,
# DMA-API or ODEBUG report, and kmemleak is scanned after the command
# (rmmod first), so an error path that leaks or frees twice fails here.
# napilab-vm: nic=e1000 driver=ours timeout=300 kernel=debug
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER GUEST_IP RESULTS

slab=/sys/kernel/debug/failslab
page=/sys/kernel/debug/fail_page_alloc
[[ -d $slab && -d $page ]] ||
	fail "no failslab/fail_page_alloc in debugfs: this kernel ($(uname -r)) has no fault injection (run it on --kernel debug)"

bus=$(ethtool -i "$IFACE" | awk '/^bus-info:/ { print $2 }')
drv=/sys/bus/pci/drivers/e1k_napi
[[ -e $drv/$bus ]] || fail "e1k_napi is not bound to $bus"

# arm ATTR N - the N-th allocation (roughly: the count runs on across
# attempts) of a task with make-it-fail fails, once; sleeping allocations too.
arm() {
	echo Y >"$1/task-filter"
	echo N >"$1/ignore-gfp-wait"
	[[ $1 == "$slab" ]] || echo N >"$1/ignore-gfp-highmem"
	echo 1 >"$1/verbose"
	echo 0 >"$1/space"
	echo "$2" >"$1/interval"
	echo 1 >"$1/times"
	echo 100 >"$1/probability"
}
disarm() {
	local attr
	for attr in "$slab" "$page"; do
		echo 0 >"$attr/probability"
		echo 0 >"$attr/times"
	done
}
trap disarm EXIT
# failing CMD... - run CMD with make-it-fail set: the flag is the task's
# own, set by a shell that then execs CMD (the exec may take the failure:
# a clean refusal too). failing_write VALUE FILE - the same for one write,
# from the shell itself, with no exec in between.
failing() { bash -c 'echo 1 >/proc/self/make-it-fail && exec "$@"' failing "$@"; }
failing_write() { bash -c 'echo 1 >/proc/self/make-it-fail && echo "$0" >"$1"' "$1" "$2"; }
# forced ATTR - whether its one failure was used.
forced() { [[ $(cat "$1/times") == 0 ]]; }

attempts=24
# --- probe: unbind, then bind with one allocation failing --------------------------
bound=0 refused=0 hit=0
for ((n = 1; n <= attempts; n++)); do
	attr=$slab
	((n % 2)) || attr=$page
	echo "$bus" >"$drv/unbind"
	[[ ! -e /sys/class/net/$IFACE ]] || fail "unbind left $IFACE behind"
	arm "$attr" "$(((n + 1) / 2))"
	if failing_write "$bus" "$drv/bind" 2>/dev/null; then
		bound=$((bound + 1))
	else
		refused=$((refused + 1))
		[[ ! -e $drv/$bus ]] || fail "probe attempt $n failed but left the device bound"
	fi
	! forced "$attr" || hit=$((hit + 1))
	disarm
	# Whatever happened, a clean bind works afterwards.
	[[ -e $drv/$bus ]] || echo "$bus" >"$drv/bind" || fail "clean bind after probe attempt $n failed"
	[[ -e /sys/class/net/$IFACE ]] || fail "no $IFACE after the clean bind (attempt $n)"
done
((hit > 0)) || fail "probe: none of the $attempts armed failures was used: the test proves nothing"
((refused > 0)) || fail "probe: $hit failures forced but every probe succeeded (an allocation failure ignored?)"
pass "probe with one failing allocation: $attempts attempts, $hit failures forced, $refused probes refused cleanly, $bound bound"

# shellcheck source=qemu/guest/net-setup
. "$NAPILAB_ROOT/qemu/guest/net-setup"
configure_nic || fail "no link after the probe sweep"

# --- open: down, then up with one allocation failing -------------------------------
up=0 refused=0 hit=0
for ((n = 1; n <= attempts; n++)); do
	attr=$slab
	((n % 2)) || attr=$page
	ip link set "$IFACE" down
	arm "$attr" "$(((n + 1) / 2))"
	if failing ip link set "$IFACE" up 2>/dev/null; then
		up=$((up + 1))
	else
		refused=$((refused + 1))
		ip -br link show "$IFACE" | grep -qw UP && fail "open attempt $n failed but $IFACE is UP"
	fi
	! forced "$attr" || hit=$((hit + 1))
	disarm
	ip link set "$IFACE" up || fail "clean up after open attempt $n failed"
done
((hit > 0)) || fail "open: none of the $attempts armed failures was used"
configure_nic || fail "no link after the open sweep"
ping -c 5 -i 0.2 -W 2 "$PEER" >/dev/null || fail "no ping after the open sweep"
iperf3_json -t 3 -R >/dev/null || fail "no TCP after the open sweep"
pass "open with one failing allocation: $attempts attempts, $hit failures forced, $refused refused cleanly, $up up; then ping and TCP"
