#!/bin/bash
# qemu/peer-sandbox, which the peer runs in: an unprivileged user with no
# capabilities, able to write its scratch folder and nothing else (not even
# the world-writable /tmp, /var/tmp, /dev/shm); host mounts are untouched.
# Needs root; no VM boots.
# napilab-bed: labels=unit timeout=30
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
((EUID == 0)) || { echo "SKIP: needs root (the sandbox switches users)"; exit 77; }
state=$(mktemp -d /run/napilab-sandbox-test.XXXXXX)
chmod 0755 "$state"
probe=probe-$$-$RANDOM
trap 'rm -rf "$state" /tmp/$probe /var/tmp/$probe /dev/shm/$probe "$root/out/$probe"' EXIT
mkdir -m 0700 "$state/peer"
chown nobody:nogroup "$state/peer"

# shellcheck disable=SC2016 # expanded by the sandboxed shell
out=$("$root/qemu/peer-sandbox" "$state/peer" -- bash -c '
	echo "uid $(id -u) caps $(grep CapEff /proc/self/status | cut -f2) cwd $PWD tmp $TMPDIR"
	for dir in /tmp /var/tmp /dev/shm "$1/out"; do
		touch "$dir/$2" 2>/dev/null && echo "WROTE $dir"
	done
	touch scratch-file && echo "scratch writable"
	echo data >/dev/null && echo "/dev/null writable"' sh "$root" "$probe" 2>&1)
echo "$out"
expect_match "runs as nobody without capabilities, in its scratch folder" \
	"uid $(id -u nobody) caps 0000000000000000 cwd $state/peer tmp $state/peer" "$out"
[[ $out == *WROTE* ]] && fail "the sandbox wrote outside its scratch folder: $out"
expect "nothing written to /tmp, /var/tmp, /dev/shm or the project" \
	test ! -e "/tmp/$probe" -a ! -e "/var/tmp/$probe" -a ! -e "/dev/shm/$probe" -a ! -e "$root/out/$probe"
expect_match "the scratch folder and /dev/null are writable" "scratch writable.*/dev/null writable" "$(tr '\n' ' ' <<<"$out")"
expect "the scratch file belongs to nobody" test "$(stat -c %U "$state/peer/scratch-file")" = nobody
expect "the host's /tmp is still writable (the read-only mounts stayed in the sandbox)" touch "/tmp/$probe"
finish
