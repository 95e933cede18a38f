#!/bin/bash
# Bad run-vm arguments get a clear error and exit 2 before anything starts.
# napilab-bed: labels=unit timeout=30
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"

check_refused() {
	local what=$1 expect=$2 out rc
	shift 2
	out=$("$run_vm" "$@" 2>&1)
	rc=$?
	expect_eq "$what: exit status" 2 "$rc"
	expect_match "$what: message" "$expect" "$out"
}
check_refused "unknown NIC" "unknown --nic 'ne2k_pci' .e1000, .*, i82559er." --nic ne2k_pci -- true
check_refused "ours on a non-e1000 model" "--driver ours is e1k_napi, for the e1000 models only" \
	--nic e1000e --driver ours -- true
check_refused "mitigation on a non-e1000 model" "--mitigation is a property of QEMU's e1000 models" \
	--nic vmxnet3 --mitigation off -- true
check_refused "--driver module without --module" "--driver module needs --module PATH.ko" \
	--driver module -- true
check_refused "unknown driver" "unknown --driver 'foo'" --driver foo -- true
check_refused "no command" "no command given" --nic e1000
check_refused "bad timeout" "--timeout must be a positive number" --timeout 0 -- true
check_refused "bad smp" "--smp must be" --smp x -- true
check_refused "unknown option" "unknown option '--frobnicate'" --frobnicate -- true
check_refused "missing value" "option --mem needs a value" --mem
check_refused "--modules without --kernel PATH" "--modules goes with --kernel PATH, not 'rt'" \
	--kernel rt --modules /tmp -- true
check_refused "empty --kernel" "--kernel needs debian, rt, debug or a PATH" --kernel "" -- true
check_refused "--module-params without --driver ours" "need --driver ours .not inbox." \
	--driver inbox --module-params mode=irq -- true
check_refused "too long a name" "at most 200 characters" --name "$(printf 'x%.0s' {1..201})" -- true
out=$("$run_vm" --help 2>&1)
expect_eq "--help exit status" 0 "$?"
expect_match "--help documents the options" "--nic MODEL" "$out"
for model in e1000 e1000-82544gc e1000-82545em e1000e rtl8139 virtio vmxnet3 i82559er; do
	expect "run-vm --help names --nic $model" grep -q -- "$model" <<<"$out"
done
expect_match "--help documents --module" "--module PATH.ko" "$out"
for code in 0 1 2 120 121 124 125 130; do
	expect "run-vm --help documents exit status $code" grep -qE "^ +${code}[ ,]" <<<"$out"
done
out=$(python3 "$root/qemu/peer-run" --help 2>&1)
for code in 2 124 125 127 '128\+N'; do
	expect "peer-run --help documents exit status $code" grep -qE "^ +$code " <<<"$out"
done
finish
