# shellcheck shell=bash
# Helpers for the host-side tests of the test bed (tests/bed/*.sh).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck disable=SC2034 # used by the tests that source this file
run_vm=$root/qemu/run-vm
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
pass() { echo "ok: $*"; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [[ $2 == "$3" ]]; then pass "$1: $3"; else fail "$1: expected '$2', got '$3'"; fi
}

# expect_match WHAT REGEX TEXT
expect_match() {
	if [[ $3 =~ $2 ]]; then pass "$1"; else fail "$1: /$2/ not found in: $3"; fi
}

# expect WHAT COMMAND... - pass when COMMAND succeeds, else fail WHAT.
expect() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

finish() {
	((failures == 0)) || {
		echo "$failures check(s) failed" >&2
		exit 1
	}
	echo "all checks passed"
}
