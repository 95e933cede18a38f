#!/bin/bash
# A run killed with SIGKILL cleans up nothing itself; the next run must.
#   A: SIGKILL to run-vm alone: QEMU, iperf3 and peerctl live on in A's
#      namespace; none of them may hold NAPILAB_VM_LOCK; the next run (A2)
#      removes them and the namespace.
#   A2: SIGKILL to run-vm and all its descendants (what CTest's timeout
#      does): the namespace and its tap stay; the next run (B) removes them.
# NAPILAB_VM_LOCK is the caller's (so this test queues with other VM runs)
# or a private one: the lock is exercised either way.
# napilab-bed: labels=vm timeout=900
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
export NAPILAB_VM_LOCK=${NAPILAB_VM_LOCK:-$tmp/vm.lock}
lock=$(realpath "$NAPILAB_VM_LOCK")
trap 'rm -rf "$tmp"' EXIT

# start_run NAME - a run whose command waits; prints run-vm's pid.
start_run() {
	"$run_vm" --name "$1" --timeout 200 -- sleep 150 >"$tmp/$1.log" 2>&1 &
	echo $!
}

# wait_running PID - until the guest runs the command (the lock may queue
# the run behind others: up to 10 minutes).
wait_running() {
	local i
	for ((i = 0; i < 6000; i++)); do
		grep -qs "running:" "$root"/out/vm/*-"$1"/output.log && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

netns_of() { ip netns list | awk -v p="napilab-$1-" 'index($1, p) == 1 { print $1 }'; }
ns_exists() { ip netns list | awk '{ print $1 }' | grep -qx -- "$1"; }

# descendants PID - PID's children, their children... (bounded by the tree).
descendants() {
	local child
	for child in $(ps -o pid= --ppid "$1"); do
		echo "$child"
		descendants "$child"
	done
}

# holders_of_lock PID... - those of PID... that have the lock file open.
holders_of_lock() {
	local pid fd
	for pid in "$@"; do
		for fd in "/proc/$pid/fd"/*; do
			[[ $(readlink "$fd" 2>/dev/null) == "$lock" ]] && echo "$pid ($(cat "/proc/$pid/comm"))"
		done
	done | sort -u
}

# --- A: run-vm alone killed ----------------------------------------------------
pid_a=$(start_run bed-killed-a)
wait_running "$pid_a" || { fail "run A never ran its command: $(tail -n 5 "$tmp/bed-killed-a.log")"; finish; }
ns_a=$(netns_of "$pid_a")
[[ -n $ns_a ]] || { fail "run A has no namespace"; finish; }
read -ra pids_a <<<"$(ip netns pids "$ns_a" | tr '\n' ' ')"
comms_a=$(for pid in "${pids_a[@]}"; do cat "/proc/$pid/comm"; done | sort -u | tr '\n' ' ')
expect_match "run A's namespace holds QEMU, iperf3 and the peer" \
	"iperf3.*python3.*qemu-system" "$comms_a"
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null
sleep 1
left=$(for pid in "${pids_a[@]}"; do kill -0 "$pid" 2>/dev/null && echo "$pid"; done | wc -l)
if ((left > 0)); then
	pass "after SIGKILL to run-vm alone, $left of A's processes live on (the case to clean)"
else
	fail "A's processes died with run-vm: the test does not test the sweep"
fi
held=$(holders_of_lock "${pids_a[@]}")
if [[ -z $held ]]; then
	pass "none of A's leftover processes holds the VM lock"
else
	fail "A's leftovers hold the VM lock $lock: $held"
fi

# --- A2: the next run removes A's remains; then its whole tree is killed --------
pid_a2=$(start_run bed-killed-a2)
wait_running "$pid_a2" || { fail "run A2 never ran its command: $(tail -n 5 "$tmp/bed-killed-a2.log")"; finish; }
if ns_exists "$ns_a"; then fail "A's namespace $ns_a is still there"; else pass "A's namespace is gone"; fi
alive=$(for pid in "${pids_a[@]}"; do kill -0 "$pid" 2>/dev/null && echo "$pid ($(cat "/proc/$pid/comm"))"; done)
if [[ -z $alive ]]; then pass "A's QEMU, iperf3 and peerctl are gone"; else fail "A's processes live on: $alive"; fi
expect_match "run A2 says what it removed" "removing the remains of a dead run: $ns_a" \
	"$(cat "$tmp/bed-killed-a2.log")"

ns_a2=$(netns_of "$pid_a2")
[[ -n $ns_a2 ]] || fail "run A2 has no namespace"
mapfile -t tree < <(echo "$pid_a2"; descendants "$pid_a2")
kill -STOP "${tree[@]}" 2>/dev/null
kill -9 "${tree[@]}" 2>/dev/null
wait "$pid_a2" 2>/dev/null

# --- B: a complete run after that ----------------------------------------------------
"$run_vm" --name bed-killed-b --timeout 60 -- true >"$tmp/bed-killed-b.log" 2>&1
expect_eq "run B passes" 0 "$?"
if ns_exists "$ns_a2"; then
	fail "A2's namespace $ns_a2 is still there"
else
	pass "A2's namespace ($ns_a2) is gone"
fi
finish
