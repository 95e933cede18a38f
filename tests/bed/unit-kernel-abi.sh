#!/bin/bash
# qemu/kernel-abi resolves the guest ABI from the headers metapackage's
# Depends field; it must never guess.
# napilab-bed: labels=unit timeout=30
. "$(dirname "$0")/lib.sh"
abi=$root/qemu/kernel-abi

expect_eq "ABI from a versioned Depends" 6.1.0-42-amd64 \
	"$("$abi" --depends 'linux-headers-6.1.0-42-amd64 (= 6.1.150-1)')"
expect_eq "version from a versioned Depends" 6.1.150-1 \
	"$("$abi" --depends 'linux-headers-6.1.0-42-amd64 (= 6.1.150-1)' --version)"
expect_eq "ABI from an unversioned Depends" 6.1.0-7-amd64 \
	"$("$abi" --depends 'linux-headers-6.1.0-7-amd64')"
out=$("$abi" --depends 'linux-headers-generic (>= 1)' 2>&1) && fail "garbage Depends accepted: $out"
expect_match "garbage Depends is an error that names the field" "cannot parse" "$out"
out=$("$abi" --depends '' 2>&1) && fail "empty Depends accepted"
expect_match "empty Depends is an error" "cannot parse" "$out"
finish
