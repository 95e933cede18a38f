#!/bin/bash
# NAPILAB_VM_LOCK: the wait is bounded (NAPILAB_VM_LOCK_WAIT) and says what
# it waits for (the lock file, the holder's record and pids); the lock is
# held so that no child inherits it: a child left behind by a run killed
# with SIGKILL does not keep the lock, which is free again within ~1 s.
# No VM boots here.
# napilab-bed: labels=unit timeout=60
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
holder=""
trap '[[ -n $holder ]] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
lock=$tmp/vm.lock

# A holder that records itself the way run-vm does.
echo "run-vm pid 4242, run test-holder, since now" >"$lock"
flock -o "$lock" sleep 30 >/dev/null 2>&1 &
holder=$!
for ((i = 0; i < 50; i++)); do
	flock -n "$lock" true || break
	sleep 0.1
done

start=$SECONDS
out=$(NAPILAB_VM_LOCK=$lock NAPILAB_VM_LOCK_WAIT=2 "$run_vm" --name bed-lock -- true 2>&1)
rc=$?
elapsed=$((SECONDS - start))
expect_eq "run-vm's exit status when the lock stays held" 1 "$rc"
if ((elapsed <= 15)); then
	pass "the wait is bounded ($elapsed s for a 2 s limit)"
else
	fail "the wait took $elapsed s for a 2 s limit"
fi
expect_match "the wait names the lock file" "waiting up to 2 s for the lock $lock" "$out"
expect_match "the wait names the holder's record" "held by 'run-vm pid 4242, run test-holder" "$out"
expect_match "the wait names the processes holding the file" "open in pid\(s\):.* [0-9]+ \((flock|sleep)\)" "$out"
expect_match "the refusal says it gave up" "gave up after 2 s waiting for the lock" "$out"
[[ $out == *"booting"* ]] && fail "run-vm booted without the lock: $out"
kill "$holder"
wait "$holder" 2>/dev/null
holder=""

# The mechanism run-vm and fetch-kernel use: a shell takes the lock and
# starts a long-lived child, then dies by SIGKILL.
bash -c '. "$1/qemu/lib.sh"
	lock_acquire "$2" 5 60 "test shell $$" || exit 1
	sleep 30 &
	echo "$!" >"$3/child"
	exec sleep 30' sh "$root" "$lock" "$tmp" >/dev/null 2>&1 &
shell=$!
for ((i = 0; i < 100; i++)); do
	[[ -s $tmp/child ]] && break
	sleep 0.1
done
child=$(cat "$tmp/child" 2>/dev/null)
[[ -n $child ]] || { fail "the test shell did not start its child"; finish; }
expect_match "the lock records its holder" "^test shell $shell, holding since " "$(cat "$lock")"
opened=""
for fd in "/proc/$child/fd"/*; do
	[[ $(readlink "$fd") == "$lock" ]] && opened+=" $fd"
done
if [[ -n $opened ]]; then
	fail "the child inherited the lock file:$opened"
else
	pass "the child has no descriptor of the lock file"
fi
{
	kill -9 "$shell"
	wait "$shell"
} 2>/dev/null
if flock -w 5 "$lock" true; then
	pass "the lock is free after SIGKILL while the child ($child) still runs"
else
	fail "the lock is still held 5 s after its holder was killed"
fi
kill -0 "$child" 2>/dev/null || fail "the child should still run"
kill "$child" 2>/dev/null
finish
