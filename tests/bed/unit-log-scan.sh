#!/bin/bash
# The kernel log scan fails a run on WARNING/BUG/Oops/... and passes a clean
# boot. Fixtures are real console logs captured from the guest.
# napilab-bed: labels=unit timeout=30
. "$(dirname "$0")/lib.sh"
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

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pattern in "BUG: unable to handle page fault for address: 0000000000000008" \
	"Oops: 0002 [#1] PREEMPT SMP NOPTI" "general protection fault, probably for non-canonical address" \
	"BUG: KASAN: use-after-free in e1k_poll" "refcount_t: underflow; use-after-free." \
	"list_add corruption. prev->next should be next" "watchdog: BUG: soft lockup - CPU#0 stuck for 22s!" \
	"Kernel panic - not syncing: Fatal exception"; do
	{ head -n 50 "$fixtures/console-clean-virtio.log"; echo "[   12.345678] $pattern"; } >"$tmp/log"
	if scan_kernel_log "$tmp/log" 2>/dev/null; then
		fail "scan missed: $pattern"
	else
		pass "scan catches: $pattern"
	fi
done
finish
