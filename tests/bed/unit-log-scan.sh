#!/bin/bash
# The kernel log scan fails a run on the kernel's own reports (WARNING: CPU,
# BUG:, Oops, KASAN, lockdep, DMA-API, ODEBUG, kmemleak...) and passes a clean
# boot, a debug kernel's banners and a command whose own text says WARNING:.
# Fixtures are real console logs captured from the guest; the report lines
# follow the formats of the 6.1 sources named in qemu/lib.sh.
# napilab-bed: labels=unit timeout=30
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=qemu/lib.sh
. "$root/qemu/lib.sh"
fixtures=$(dirname "$0")/fixtures

if out=$(scan_kernel_log "$fixtures/console-clean-virtio.log" 2>&1); then
	pass "a clean boot log passes the scan"
else
	fail "a clean boot log fails the scan: $out"
fi

if out=$(scan_kernel_log "$fixtures/console-warn.log" 2>&1); then
	fail "a log with a WARNING passes the scan"
else
	expect_match "the WARNING line is named with its line number" \
		"line [0-9]+:.*WARNING: CPU.*napilab_warn" "$out"
fi

# The guest used to log the command line to the kernel log, and the command
# itself wrote its text there: neither is a kernel report.
if out=$(scan_kernel_log "$fixtures/console-command-text.log" 2>&1); then
	pass "a command whose text says 'WARNING:' passes the scan"
else
	fail "the command's own text fails the scan: $out"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# with_line TEXT - the clean boot log with TEXT as a kernel log line.
with_line() {
	{
		head -n 50 "$fixtures/console-clean-virtio.log"
		printf '[   12.345678] %s\r\n' "$1"
		tail -n +51 "$fixtures/console-clean-virtio.log"
	} >"$tmp/log"
}

while IFS= read -r report; do
	with_line "$report"
	if scan_kernel_log "$tmp/log" 2>/dev/null; then
		fail "scan missed: $report"
	else
		pass "scan catches: $report"
	fi
done <<'EOF'
WARNING: CPU: 1 PID: 211 at drivers/net/e1k_ring.c:120 e1k_clean_rx+0x1a/0x300 [e1k_napi]
WARNING: possible circular locking dependency detected
WARNING: possible recursive locking detected
WARNING: inconsistent lock state
WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected
WARNING: suspicious RCU usage
WARNING: bad unlock balance detected!
BUG: unable to handle page fault for address: 0000000000000008
BUG: kernel NULL pointer dereference, address: 0000000000000000
BUG: KASAN: use-after-free in e1k_poll+0x3c/0x520 [e1k_napi]
BUG: KASAN: slab-out-of-bounds in e1k_clean_tx+0x1f/0x2a0 [e1k_napi]
BUG: sleeping function called from invalid context at mm/slab.h:723
BUG: scheduling while atomic: swapper/0/0/0x00000100
kernel BUG at net/core/skbuff.c:117!
BUG kmalloc-256 (Tainted: G           OE     ): Poison overwritten
Oops: 0002 [#1] PREEMPT SMP NOPTI
general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] PREEMPT SMP KASAN NOPTI
invalid opcode: 0000 [#1] PREEMPT SMP NOPTI
UBSAN: shift-out-of-bounds in drivers/net/e1k_main.c:301:19
UBSAN: array-index-out-of-bounds in drivers/net/e1k_ethtool.c:88:5
refcount_t: underflow; use-after-free.
refcount_t: saturated; leaking memory.
list_add corruption. prev->next should be next (ffff888003a1c0c8), but was 0000000000000000. (prev=ffff888003a1c0c8).
list_del corruption, ffff888003b2d000->next is LIST_POISON1 (dead000000000100)
list_add double add: new=ffff888003a1c0c8, prev=ffff888003a1c0c8, next=ffff888003a1c0d8.
watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [ksoftirqd/0:14]
watchdog: Watchdog detected hard LOCKUP on cpu 1
Kernel panic - not syncing: Fatal exception in interrupt
DMA-API: e1k_napi 0000:00:03.0: device driver frees DMA memory with wrong function [device address=0x0000000003a1c000] [size=2048 bytes] [mapped as single] [unmapped as page]
DMA-API: e1k_napi 0000:00:03.0: device driver has pending DMA allocations while released from device [count=256]
DMA-API: exceeded 7 overlapping mappings of cacheline 0x0000000000e86a40
ODEBUG: free active (active state 0) object: ffff888003a1c0c8 object type: timer_list hint: e1k_watchdog+0x0/0x90 [e1k_napi]
ODEBUG: selftest warnings failed 4 != 5
kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
kmemleak: unreferenced object 0xffff888003a1c000 (size 2048):
unregister_netdevice: waiting for eth0 to become free. Usage count = 2
INFO: task ip:312 blocked for more than 120 seconds.
EOF

# Lines a kernel or the guest prints that are no report: a debug kernel's
# banners, the guest's and the command's own text.
while IFS= read -r line; do
	with_line "$line"
	if out=$(scan_kernel_log "$tmp/log" 2>&1); then
		pass "scan passes: $line"
	else
		fail "scan fails a line that is no report: $out"
	fi
done <<'EOF'
kasan: KernelAddressSanitizer initialized (generic)
DMA-API: preallocated 65536 debug entries
DMA-API: debugging enabled by kernel config
ODEBUG: selftest passed
kmemleak: Kernel memory leak detector initialized (mem pool available: 15732)
kmemleak: Automatic memory scanning thread started
Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar
napilab-guest: running: echo 'WARNING: CPU: 0 PID: 1 at nowhere' BUG: Oops: 0002 [#1]
napilab-guest: kmemleak: 0 unreferenced objects after the command (two scans)
FAULT_INJECTION: forcing a failure.
name failslab, interval 1, probability 100, space 0, times 19
WARNING: not a kernel warning
e1k_napi 0000:00:03.0 eth0: NIC Link is Up 1000 Mbps Full Duplex
EOF
finish
