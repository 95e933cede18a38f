#!/bin/bash
# run-vm --module: a user's own out-of-tree driver instead of ours. Refused
# before anything starts (exit 2): a missing file, a file that is no .ko, a
# .ko that is no kernel module, a module built for another kernel (here
# e1k_napi.ko with its vermagic's release rewritten). Then in the guest:
# e1k_napi.ko loaded as a user's module with two parameters drives QEMU's
# e1000, which the in-tree e1000 never touched (blacklisted on the kernel
# command line, not loaded), and the parameters arrived; a module insmod
# refuses (a bad parameter) fails the guest's set-up: exit 125.
# napilab-bed: labels=vm timeout=300
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
ko=$root/driver/e1k_napi.ko
[[ -f $ko ]] || { echo "FAIL: $ko missing: run 'make module'" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

check_refused() {
	local what=$1 expect=$2 out rc
	shift 2
	out=$("$run_vm" --name bed-module-refused --timeout 60 "$@" -- true 2>&1)
	rc=$?
	expect_eq "$what: exit status" 2 "$rc"
	expect_match "$what: message" "$expect" "$out"
}
check_refused "a missing file" "--module: $scratch/none.ko: no such file" --module "$scratch/none.ko"
echo "not a module" >"$scratch/text.ko"
check_refused "a .ko that is no module" "not a kernel module" --module "$scratch/text.ko"
check_refused "no .ko" "give PATH.ko or PATH.ko:" --module "$root/README.md"
check_refused "with --driver ours" "leave out --driver ours" --driver ours --module "$ko"
# The same module, its vermagic's release replaced by one as long (the
# .modinfo string keeps its length): modinfo reads the other release.
release=$(modinfo -F vermagic "$ko" | cut -d ' ' -f 1)
other=$(tr '0-9' '1-90' <<<"$release")
python3 - "$ko" "$scratch/other.ko" "vermagic=$release " "vermagic=$other " <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
old, new = sys.argv[3].encode(), sys.argv[4].encode()
assert len(old) == len(new) and data.count(old) == 1, "vermagic not found once"
open(sys.argv[2], "wb").write(data.replace(old, new))
EOF
expect_eq "the copy's vermagic" "$other" "$(modinfo -F vermagic "$scratch/other.ko" | cut -d ' ' -f 1)"
check_refused "another kernel's module" "built for kernel $other, the guest runs $release" \
	--module "$scratch/other.ko"

# In the guest: the parameters as the module sees them, the in-tree e1000
# neither loaded nor allowed to load, the NIC driven by the user's module.
# shellcheck disable=SC2016 # expanded in the guest
out=$("$run_vm" --name bed-module --nic e1000 --module "$ko:itr=4000 weight=32" --timeout 60 -- bash -c '
	echo "params itr=$(cat /sys/module/e1k_napi/parameters/itr) weight=$(cat /sys/module/e1k_napi/parameters/weight)"
	echo "driver $(basename "$(readlink /sys/class/net/$IFACE/device/driver)")"
	echo "in-tree e1000 loaded: $(grep -c "^e1000 " /proc/modules)"
	grep -o "module_blacklist=[^ ]*" /proc/cmdline
	ping -c 3 -i 0.2 -W 2 "$PEER" >/dev/null && echo "ping ok"' 2>&1)
rc=$?
echo "$out" | grep -v '^\[guest\] running' | tail -n 12
expect_eq "run-vm exit status with --module" 0 "$rc"
expect_match "the parameters arrived" "params itr=4000 weight=32" "$out"
expect_match "the user's module drives the NIC" "driver e1k_napi" "$out"
expect_match "the in-tree e1000 is blacklisted" "module_blacklist=e1000" "$out"
expect_match "the NIC works" "ping ok" "$out"
expect_match "the in-tree e1000 is not in /proc/modules" "in-tree e1000 loaded: 0" "$out"

out=$("$run_vm" --name bed-module-bad-param --nic e1000 --module "$ko:weight=999" --timeout 60 -- true 2>&1)
rc=$?
echo "$out" | tail -n 4
expect_eq "run-vm exit status when insmod refuses the module" 125 "$rc"
expect_match "the refusal is named" "insmod .*e1k_napi.ko .weight=999. failed" "$out"
finish
