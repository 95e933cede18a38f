#!/bin/bash
# Bad run-vm arguments get a clear error and exit 2 before anything starts.
# napilab-bed: labels=unit timeout=30
. "$(dirname "$0")/lib.sh"

check_refused() {
	local what=$1 expect=$2 out rc
	shift 2
	out=$("$run_vm" "$@" 2>&1)
	rc=$?
	expect_eq "$what: exit status" 2 "$rc"
	expect_match "$what: message" "$expect" "$out"
}
check_refused "unknown NIC" "unknown --nic 'rtl8139'" --nic rtl8139 -- true
check_refused "unknown driver" "unknown --driver 'foo'" --driver foo -- true
check_refused "no command" "no command given" --nic e1000
check_refused "bad timeout" "--timeout must be a positive number" --timeout 0 -- true
check_refused "bad smp" "--smp must be" --smp x -- true
check_refused "unknown option" "unknown option '--frobnicate'" --frobnicate -- true
check_refused "missing value" "option --mem needs a value" --mem
out=$("$run_vm" --help 2>&1)
expect_match "--help documents the options" "--nic e1000\|e1000-82544gc" "$out"
finish
