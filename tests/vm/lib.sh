# shellcheck shell=bash
# Helpers for the VM test scripts (tests/vm/*.sh), which run inside the
# guest. Each check prints what it measured; fail() ends the test.

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

pass() { echo "ok: $*"; }

# require_env VAR... - the test bed sets these; running elsewhere is an error.
require_env() {
	local var
	for var in "$@"; do
		[[ -n ${!var:-} ]] || fail "$var is not set: run this through qemu/run-vm"
	done
}

# The counters come from one place, napi-measure (userspace/tools): these
# helpers only pick values out of its --snapshot --json with jq.
#   measure_snapshot IFACE - the snapshot's JSON (keys: napi_measure.cpp's header);
#   non-zero, with napi-measure's message on stderr, when a source is missing.
measure_snapshot() {
	local tool=${NAPILAB_BUILD:?NAPILAB_BUILD is not set: run this through qemu/run-vm}/userspace/tools/napi-measure
	[[ -x $tool ]] || {
		echo "$tool is missing: run 'make userspace'" >&2
		return 1
	}
	"$tool" -i "$1" --snapshot --json
}

# snapshot_get IFACE FILTER [JQ ARGS...] - one value of IFACE's snapshot; non-zero
# when the snapshot fails or the value is null or missing.
snapshot_get() {
	local json
	json=$(measure_snapshot "$1") || return 1
	jq -er "${@:3}" "($2) // empty" <<<"$json"
}

# nic_irq_total IFACE - the NIC's interrupts: its IRQ lines (found by number:
# MSI-X vectors, else the INTx line) of /proc/interrupts summed over CPUs.
nic_irq_total() { snapshot_get "$1" '.irqs'; }

# nic_irq_numbers IFACE - the IRQ numbers the NIC uses, blank-separated.
nic_irq_numbers() { snapshot_get "$1" '.irq_numbers | join(" ")'; }

# iface_stat IFACE NAME - one counter from /sys/class/net/IFACE/statistics.
# shellcheck disable=SC2016 # $name is jq's variable
iface_stat() { snapshot_get "$1" '.netdev[$name]' --arg name "$2"; }

# ethtool_stat IFACE NAME - one counter from ethtool -S (non-zero when the
# driver has no such counter).
# shellcheck disable=SC2016 # $name is jq's variable
ethtool_stat() { snapshot_get "$1" '.ethtool[$name]' --arg name "$2"; }

# iperf3_json ARGS... - run iperf3 against the peer with -J, print the JSON.
iperf3_json() { iperf3 -c "$PEER" -J "$@"; }

# wait_listening LOG PID [WORD] - wait (at most 10 s) until the server PID,
# started with its stderr to LOG, says it is ready (napi-sink: "listening",
# the default; napi-pingpong server: "serving"): from then on traffic
# reaches a socket. Non-zero, with the server's log on stderr, if it ended
# or did not start in time.
wait_listening() {
	local i word=${3:-listening}
	for ((i = 0; i < 100; i++)); do
		grep -q "$word" "$1" && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "$word" "$1" && return 0
	echo "the server did not start: $(cat "$1")" >&2
	return 1
}

# json_get FILTER - a jq filter over the JSON on stdin, e.g.
#   json_get '.end.sum_received.bits_per_second / 1e6 | round'
# non-zero when the result is null or false (a missing key).
json_get() { jq -er "$1"; }

# reload_ours [PARAMS...] - insmod e1k_napi again and reconfigure the NIC.
reload_ours() {
	# shellcheck source=qemu/guest/net-setup
	. "$NAPILAB_ROOT/qemu/guest/net-setup"
	insmod "$NAPILAB_ROOT/driver/e1k_napi.ko" "$@" || return 1
	configure_nic
}
