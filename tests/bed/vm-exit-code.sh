#!/bin/bash
# run-vm passes the guest command's exit code back, and a command that
# overruns --timeout fails the run (it never hangs the host).
# napilab-bed: labels=vm timeout=300
. "$(dirname "$0")/lib.sh"

out=$("$run_vm" --name bed-exit --driver none --timeout 60 -- bash -c 'echo from-guest; exit 7' 2>&1)
rc=$?
expect_eq "exit code of 'exit 7'" 7 "$rc"
expect_match "the command's output is streamed" "from-guest" "$out"

start=$SECONDS
out=$("$run_vm" --name bed-timeout --driver none --timeout 5 -- sleep 600 2>&1)
rc=$?
elapsed=$((SECONDS - start))
((rc != 0)) && pass "an overrun of --timeout fails the run (exit $rc)" || fail "timeout run exited 0"
expect_match "the overrun is reported" "TIMEOUT: the command ran longer than 5 s" "$out"
((elapsed < 120)) && pass "the overrun is stopped ($elapsed s)" || fail "timeout took $elapsed s"

# A guest that dies without reporting (here: the kernel panics) fails the
# run with the console log's tail.
out=$("$run_vm" --name bed-panic --driver none --timeout 60 -- \
	bash -c 'echo c >/proc/sysrq-trigger' 2>&1)
rc=$?
expect_eq "exit status when the guest panics" 121 "$rc"
expect_match "a panic is reported with the console tail" "did not report an exit code" "$out"
finish
