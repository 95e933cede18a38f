#!/bin/bash
# Two runs at once do not collide, and every exit path cleans up: a run
# stopped with SIGTERM mid-way and a run that completes both leave no
# network namespace, QEMU, iperf3 or peer service behind.
# napilab-bed: labels=vm timeout=300
. "$(dirname "$0")/lib.sh"

leftovers() {
	local pid=$1
	ip netns list 2>/dev/null | grep -E "^napilab-$pid-" || true
	pgrep -af -- "-$pid/(monitor.sock|console.log)" || true
}

"$run_vm" --name bed-conc-a --timeout 120 -- bash -c 'ping -c 30 -i 0.2 -q $PEER' >/dev/null 2>&1 &
pid_a=$!
"$run_vm" --name bed-conc-b --timeout 120 -- bash -c 'sleep 100' >/dev/null 2>&1 &
pid_b=$!

# Stop B with SIGTERM (what CTest and CI send on timeout) once its command runs.
for ((i = 0; i < 900; i++)); do
	grep -qs "running:" "$root"/out/vm/*-bed-conc-b-"$pid_b"/output.log && break
	sleep 0.1
done
kill -TERM "$pid_b"
wait "$pid_b"
rc_b=$?
((rc_b != 0)) && pass "the interrupted run exits non-zero ($rc_b)" || fail "interrupted run exited 0"

wait "$pid_a"
expect_eq "the concurrent run completes" 0 "$?"

for pid in "$pid_a" "$pid_b"; do
	left=$(leftovers "$pid")
	if [[ -z $left ]]; then pass "run $pid left nothing behind"; else fail "run $pid left: $left"; fi
done
finish
