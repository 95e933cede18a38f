#!/bin/bash
# run-vm --kernel PATH boots a user's own kernel: here Debian's bzImage
# (.cache/kernel/<abi>/vmlinuz) given by path, with its unpacked modules
# (--modules) and Debian's headers as the tree e1k_napi is built against
# (NAPILAB_KDIR); the smoke test then runs with e1k_napi loaded from
# out/modules/. A path that is no kernel fails at once, naming it.
# napilab-bed: labels=vm timeout=400
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"

abi=$("$root/qemu/kernel-abi") || { echo "SKIP: no kernel ABI (make deps)"; exit 77; }
"$root/qemu/fetch-kernel" >/dev/null 2>&1 || fail "fetch-kernel failed"
cache=${NAPILAB_CACHE:-$root/.cache}/kernel/$abi
image=$cache/vmlinuz
mods=$cache/root/lib/modules/$abi

out=$(NAPILAB_KDIR=/lib/modules/$abi/build "$run_vm" --name bed-kernel-path --kernel "$image" \
	--modules "$mods" --driver ours --timeout 240 -- "$root/tests/vm/smoke.sh" 2>&1)
rc=$?
expect_eq "smoke test on --kernel $image: exit status" 0 "$rc"
expect_match "the guest runs that kernel" "ok: kernel $abi \(path\)" "$out"
expect_match "e1k_napi drives the NIC" "driver e1k_napi" "$out"
rundir=$(sed -n 's/^run-vm: run folder //p' <<<"$out")
kernel_txt=$(cat "$rundir/kernel.txt" 2>/dev/null)
expect_match "kernel.txt records the kind" "kind path" "$kernel_txt"
expect_match "kernel.txt records the image" "image $image" "$kernel_txt"
expect_match "e1k_napi was built for that kernel in out/modules" \
	"module_dir $root/out/modules/path-$abi/driver" "$kernel_txt"
[[ -f $root/out/modules/path-$abi/driver/e1k_napi.ko ]] || fail "no out/modules/path-$abi/driver/e1k_napi.ko"
((rc == 0)) || echo "$out" | tail -n 30 >&2

out=$("$run_vm" --name bed-kernel-nothing --kernel /nonexistent/vmlinux -- true 2>&1)
rc=$?
expect_eq "a --kernel path that does not exist: exit status" 1 "$rc"
expect_match "... names it" "'/nonexistent/vmlinux' is not debian, rt, debug or a kernel" "$out"
finish
