#!/bin/bash
# Two runs at once do not collide, and every exit path cleans up: a run
# stopped with SIGTERM mid-way and a run that completes both leave no
# network namespace and none of the processes they ran behind: QEMU, the
# peer's iperf3 server, the peer control service (peerctl) and the command
# it started for the guest (a ping from the peer, asked by qemu/peer-run).
# Each run's processes are recorded (pid, start time, name) while its
# command runs, so the check after it is against what really ran.
# napilab-bed: labels=vm timeout=300
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=qemu/lib.sh
. "$root/qemu/lib.sh" # proc_record, proc_alive, lock_acquire

# run_namespace PID - the network namespace of run-vm PID (napilab-PID-N).
run_namespace() { ip netns list 2>/dev/null | awk -v pre="napilab-$1-" 'index($1, pre) == 1 { print $1 }'; }

# proc_line P - "PID START NAME" of process P (proc_record's, so that a
# reused pid is not taken for it), nothing if it is gone.
proc_line() {
	local name
	name=$(cat "/proc/$1/comm" 2>/dev/null) || return 0
	echo "$(proc_record "$1") $name"
}

# record_run PID FILE - wait (at most 150 s: two guests boot at once) until run PID's command has the
# peer's ping running, then write the namespace's processes to FILE.
record_run() {
	local ns p i
	for ((i = 0; i < 1500; i++)); do
		ns=$(run_namespace "$1")
		if [[ -n $ns ]]; then
			: >"$2"
			for p in $(ip netns pids "$ns" 2>/dev/null); do proc_line "$p" >>"$2"; done
			grep -q ' ping$' "$2" && return 0
		fi
		sleep 0.1
	done
	return 1
}

# still_running FILE - the recorded processes that are still alive.
still_running() {
	local p start name
	while read -r p start name; do
		if proc_alive "$p" "$start"; then echo "$p $name"; fi
	done <"$1"
	return 0
}

leftovers() {
	local pid=$1
	ip netns list 2>/dev/null | grep -E "^napilab-$pid-" || true
	pgrep -af -- "-$pid/(monitor.sock|console.log)" || true
	still_running "$2"
}

records=$(mktemp -d)
trap 'rm -rf "$records"' EXIT
# Under the caller's NAPILAB_VM_LOCK the two runs would queue one behind the
# other: this test takes that lock itself, for both, and runs them without.
if [[ -n ${NAPILAB_VM_LOCK:-} ]]; then
	progress_prefix=vm-concurrent-cleanup
	lock_acquire "$NAPILAB_VM_LOCK" "${NAPILAB_VM_LOCK_WAIT:-3600}" 400 \
		"bed.vm-concurrent-cleanup (pid $$): two runs at once" || exit 1
	trap 'lock_release; rm -rf "$records"' EXIT
	unset NAPILAB_VM_LOCK
fi
# Each command asks the peer for a ping to the guest: peerctl runs it in the
# run's namespace, as the peer's user.
# shellcheck disable=SC2016 # expanded in the guest
peer_ping='"$NAPILAB_ROOT/qemu/peer-run" --timeout $1 -- ping -c $2 -i 0.5 -q "$GUEST_IP"'
"$run_vm" --name bed-conc-a --timeout 120 -- bash -c "$peer_ping" - 30 30 >/dev/null 2>&1 &
pid_a=$!
"$run_vm" --name bed-conc-b --timeout 120 -- bash -c "$peer_ping" - 110 200 >/dev/null 2>&1 &
pid_b=$!

for pid in "$pid_a" "$pid_b"; do
	record_run "$pid" "$records/$pid" || fail "run $pid: the peer's ping never ran"
	names=$(awk '{ print $3 }' "$records/$pid" | sort -u | tr '\n' ' ')
	for name in qemu-system-x86 iperf3 python3 ping; do
		[[ " $names" == *" $name "* ]] || fail "run $pid: no $name among its processes ($names)"
	done
	pass "run $pid runs: $names"
done

# Stop B with SIGTERM (what CTest and CI send on timeout) while its peer
# command runs.
kill -TERM "$pid_b"
wait "$pid_b"
rc_b=$?
if ((rc_b != 0)); then pass "the interrupted run exits non-zero ($rc_b)"; else fail "interrupted run exited 0"; fi

wait "$pid_a"
expect_eq "the concurrent run completes" 0 "$?"

for pid in "$pid_a" "$pid_b"; do
	left=$(leftovers "$pid" "$records/$pid")
	if [[ -z $left ]]; then
		pass "run $pid left nothing behind ($(wc -l <"$records/$pid") processes recorded, all gone)"
	else
		fail "run $pid left: $left"
	fi
done
finish
