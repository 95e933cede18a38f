#!/bin/bash
# DKMS builds e1k_napi and the guest loads what it built: the DKMS source
# tree staged by scripts/dkms-module (what make dkms-install copies to
# /usr/src), `dkms build` against Debian's installed headers for the guest's
# kernel into a scratch DKMS tree (--dkmstree/--sourcetree/--installtree,
# and a throwaway signing key: nothing under /var/lib/dkms, /usr/src or
# /lib/modules is touched), then a VM with no driver bound insmods that .ko
# (tests/bed/dkms-guest.sh): the NIC comes up on it and answers pings.
# Checked against what DKMS and modpost wrote, not what the driver says: the
# module's vermagic names the guest's kernel, its version is VERSION's, and
# its srcversion (modpost's checksum of the sources) equals that of the
# driver/e1k_napi.ko `make module` built from this checkout.
# Measured over 3 passing runs back to back: dkms build 13-73 s (73 s at a
# load of 15 on the 2 cores), the guest 6-21 s. The timeout leaves room for
# NAPILAB_VM_LOCK waits: two more runs spent CTest's 400 s queued behind
# other lanes' VMs.
# napilab-bed: labels=vm timeout=600
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"

((EUID == 0)) || { echo "SKIP: dkms build and the VM need root"; exit 77; }
command -v dkms >/dev/null || { echo "SKIP: dkms is not installed (make deps installs it)"; exit 77; }
abi=$("$root/qemu/kernel-abi") || { echo "SKIP: no kernel ABI (make deps)"; exit 77; }
made=$root/driver/e1k_napi.ko
[[ -f $made ]] || { fail "driver/e1k_napi.ko missing: run 'make module'"; finish; }
version=$(<"$root/VERSION")

# Under out/: the guest sees the host's tree read-only, but not its /tmp.
mkdir -p "$root/out"
scratch=$(mktemp -d "$root/out/dkms-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/tree" "$scratch/install"
"$root/scripts/dkms-module" stage "$scratch/src" >/dev/null || fail "scripts/dkms-module stage failed"

started=$SECONDS
if ! mok_signing_key=$scratch/mok.key mok_certificate=$scratch/mok.pub \
	dkms build -m e1k_napi -v "$version" -k "$abi" --dkmstree "$scratch/tree" \
	--sourcetree "$scratch/src" --installtree "$scratch/install" >"$scratch/dkms.log" 2>&1; then
	cat "$scratch/dkms.log" >&2
	find "$scratch/tree" -name make.log -exec cat {} + >&2
	fail "dkms build e1k_napi/$version for $abi failed"
	finish
fi
pass "dkms build e1k_napi/$version for $abi in $((SECONDS - started)) s"

ko=$scratch/tree/e1k_napi/$version/$abi/$(uname -m)/module/e1k_napi.ko
[[ -f $ko ]] || { fail "dkms build left no $ko: $(find "$scratch/tree" -name '*.ko*')"; finish; }
vermagic=$(modinfo -F vermagic "$ko")
expect_match "its vermagic names $abi" "^$abi " "$vermagic"
expect_eq "its version is VERSION's" "$version" "$(modinfo -F version "$ko")"
expect_eq "its srcversion is make module's (same sources)" \
	"$(modinfo -F srcversion "$made")" "$(modinfo -F srcversion "$ko")"

out=$("$run_vm" --name bed-dkms --driver none --timeout 120 -- \
	"$root/tests/bed/dkms-guest.sh" "$ko" "$(modinfo -F srcversion "$ko")" 2>&1)
rc=$?
expect_eq "the guest loads DKMS's module: exit status" 0 "$rc"
expect_match "e1k_napi from DKMS drives the NIC" "ok: .* driver e1k_napi" "$out"
expect_match "the NIC answers pings" "ok: 10/10 pings" "$out"
((rc == 0)) || echo "$out" | tail -n 30 >&2
[[ -z $(find /var/lib/dkms -name 'e1k_napi*' 2>/dev/null) ]] || fail "the test left e1k_napi under /var/lib/dkms"
finish
