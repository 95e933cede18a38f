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
expect_eq "rt ABI from the rt metapackage's Depends" 6.1.0-57-rt-amd64 \
	"$("$abi" --flavour rt --depends 'linux-headers-6.1.0-57-rt-amd64 (= 6.1.192-3)')"
out=$("$abi" --depends 'linux-headers-6.1.0-57-rt-amd64 (= 6.1.192-3)' 2>&1) &&
	fail "an rt ABI taken for the amd64 flavour: $out"
expect_match "an rt ABI is no amd64 ABI" "cannot parse linux-headers-amd64" "$out"
out=$("$abi" --flavour rt --depends 'linux-headers-6.1.0-57-amd64 (= 6.1.192-3)' 2>&1) &&
	fail "an amd64 ABI taken for the rt flavour: $out"
expect_match "an amd64 ABI is no rt ABI" "cannot parse linux-headers-rt-amd64" "$out"
out=$("$abi" --flavour arm 2>&1) && fail "unknown flavour accepted: $out"
expect_match "an unknown flavour is refused" "unknown flavour 'arm'" "$out"
out=$("$abi" --bogus 2>&1) && fail "unknown argument accepted: $out"
expect_match "an unknown argument is refused" "unknown argument" "$out"
finish
