#!/bin/bash
# sweep_stale_runs, which every run-vm starts with, removes what dead runs
# left behind and never touches a live run: fake runs here, each a network
# namespace with a process in it and (but one) a state folder.
#   dead      owner pid gone                   -> namespace and process gone
#   reused    owner pid alive, other start time -> gone (pid reuse)
#   legacy    no state folder, pid in the name gone -> gone
#   live      owner alive, same start time      -> untouched
# Needs root (network namespaces); no VM boots.
# napilab-bed: labels=unit timeout=60
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=qemu/lib.sh
. "$root/qemu/lib.sh"
((EUID == 0)) || { echo "SKIP: needs root (network namespaces)"; exit 77; }

base=$(run_state_base)
sh -c 'exit 0' &
dead_pid=$!
wait "$dead_pid"
declare -A ns sleeper
names=(dead reused legacy live)
cleanup() {
	local name
	for name in "${names[@]}"; do
		[[ -n ${ns[$name]:-} ]] && testnet_destroy "${ns[$name]}"
		[[ -n ${ns[$name]:-} ]] && rm -rf "${base:?}/${ns[$name]}"
	done
}
trap cleanup EXIT

# fake_run NAME OWNER-PID OWNER-START|-  (- : no state folder)
fake_run() {
	local name=$1 pid=$2 start=$3 key
	key=napilab-$pid-$RANDOM$RANDOM
	ns[$name]=$key
	ip netns add "$key"
	ip netns exec "$key" sleep 120 &
	sleeper[$name]=$!
	[[ $start == - ]] && return
	mkdir "$base/$key"
	echo "$pid $start" >"$base/$key/owner"
	echo "/nowhere/$name" >"$base/$key/rundir"
	echo "$key" >"$base/$key/netns"
}
fake_run dead "$dead_pid" 12345
fake_run reused "$$" "$(($(proc_start_time $$) + 1))"
fake_run legacy "$dead_pid" -
fake_run live "$$" "$(proc_start_time $$)"
sleep 0.3
ns_exists() { ip netns list | awk '{ print $1 }' | grep -qx -- "$1"; }

out=$(sweep_stale_runs "$base" 2>&1)
echo "$out"
for name in dead reused legacy; do
	if ns_exists "${ns[$name]}"; then
		fail "$name run: namespace ${ns[$name]} left"
	elif kill -0 "${sleeper[$name]}" 2>/dev/null; then
		fail "$name run: its process ${sleeper[$name]} still runs"
	elif [[ -e $base/${ns[$name]} ]]; then
		fail "$name run: its state folder is left"
	else
		pass "$name run: namespace, process and state folder removed"
	fi
done
expect_match "the sweep says what it removes" "removing the remains of a dead run: ${ns[dead]}.*run folder /nowhere/dead" "$out"
if ns_exists "${ns[live]}" && kill -0 "${sleeper[live]}" 2>/dev/null &&
	[[ -f $base/${ns[live]}/owner ]]; then
	pass "the live run is untouched"
else
	fail "the sweep touched the live run ${ns[live]}"
fi
finish
