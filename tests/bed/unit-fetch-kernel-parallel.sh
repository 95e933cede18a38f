#!/bin/bash
# Two qemu/fetch-kernel at once (parallel run-vm, make check next to make
# bench) must not race on the initramfs: with a stale initramfs both would
# rebuild it; both succeed and the result is a valid gzip'd cpio with /init.
# Works on a private cache that borrows the real one's modules (run
# 'make kernel' first; skipped without it). No VM boots.
# napilab-bed: labels=unit timeout=120
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
abi=$("$root/qemu/kernel-abi") || { echo "SKIP: no kernel ABI (make deps)"; exit 77; }
real=${NAPILAB_CACHE:-$root/.cache}/kernel/$abi
[[ -f $real/.complete ]] || { echo "SKIP: no kernel cache at $real (make kernel)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cache=$tmp/kernel/$abi
mkdir -p "$cache/root/lib"
ln -s "$real/root/lib/modules" "$cache/root/lib/modules"
touch "$cache/.complete"
echo stale >"$cache/initramfs.cpio.gz"
touch -d '2000-01-01' "$cache/initramfs.cpio.gz"

for run in 1 2; do
	NAPILAB_CACHE=$tmp "$root/qemu/fetch-kernel" >"$tmp/fetch-$run.log" 2>&1 &
	pids[run]=$!
done
for run in 1 2; do
	wait "${pids[run]}"
	expect_eq "fetch-kernel $run of 2 at once: exit status ($(tr '\n' ' ' <"$tmp/fetch-$run.log"))" 0 "$?"
done
expect "the initramfs is a valid gzip file" gzip -t "$cache/initramfs.cpio.gz"
expect_match "the initramfs holds /init" "(^|[[:space:]])init([[:space:]]|$)" \
	"$(gzip -dc "$cache/initramfs.cpio.gz" | cpio -t --quiet 2>/dev/null | tr '\n' ' ')"
builds=$(cat "$tmp"/fetch-*.log | grep -c "building initramfs")
expect_eq "the initramfs was built once" 1 "$builds"
leftovers=$(find "$cache" -maxdepth 1 -name 'initramfs.cpio.gz.*')
expect_eq "no half-built initramfs left" "" "$leftovers"
finish
