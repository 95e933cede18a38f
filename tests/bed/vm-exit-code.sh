#!/bin/bash
# run-vm returns the exit codes its --help documents: the guest command's
# own, 124 for a command that overruns --timeout (it never hangs the host),
# 121 for a guest that never reports (panic), 125 for a guest whose set-up
# fails before the command (here: e1k_napi refuses rx_ring_size=7).
# (2: unit-run-vm-usage; 1: unit-vm-lock; 120: vm-log-scan.)
# napilab-bed: labels=vm timeout=400
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"

out=$("$run_vm" --name bed-exit --driver none --timeout 60 -- bash -c 'echo from-guest; exit 7' 2>&1)
rc=$?
expect_eq "exit code of 'exit 7'" 7 "$rc"
expect_match "the command's output is streamed" "from-guest" "$out"

out=$("$run_vm" --name bed-timeout --driver none --timeout 5 -- sleep 600 2>&1)
rc=$?
# From the run folder's creation, after any wait for NAPILAB_VM_LOCK.
rundir=$(sed -n 's/^run-vm: run folder //p' <<<"$out")
[[ -f $rundir/run.env ]] || fail "the timeout run named no run folder"
elapsed=$(($(date +%s) - $(stat -c %Y "$rundir/run.env" 2>/dev/null || date +%s)))
expect_eq "exit status of a command that overruns --timeout" 124 "$rc"
expect_match "the overrun is reported" "TIMEOUT: the command ran longer than 5 s" "$out"
expect "the overrun is stopped ($elapsed s)" test "$elapsed" -lt 120

# A command that ignores SIGTERM needs timeout's SIGKILL: still 124.
out=$("$run_vm" --name bed-timeout-kill --driver none --timeout 5 -- \
	bash -c 'trap "" TERM; sleep 600' 2>&1)
expect_eq "exit status of an overrun that needed SIGKILL" 124 "$?"

# A guest that dies without reporting (here: the kernel panics) fails the
# run with the console log's tail.
out=$("$run_vm" --name bed-panic --driver none --timeout 60 -- \
	bash -c 'echo c >/proc/sysrq-trigger' 2>&1)
rc=$?
expect_eq "exit status when the guest panics" 121 "$rc"
expect_match "a panic is reported with the console tail" "did not report an exit code" "$out"

if [[ -f $root/driver/e1k_napi.ko ]]; then
	out=$("$run_vm" --name bed-setup-fail --driver ours --module-params rx_ring_size=7 \
		--timeout 60 -- echo never-runs 2>&1)
	rc=$?
	expect_eq "exit status when the guest's set-up fails" 125 "$rc"
	expect_match "the set-up failure is named" "FATAL: loading the NIC driver failed" "$out"
	[[ $out == *never-runs* ]] && fail "the command ran after a failed set-up"
else
	fail "driver/e1k_napi.ko missing: run 'make module'"
fi
finish
