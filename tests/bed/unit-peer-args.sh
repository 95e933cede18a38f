#!/bin/bash
# peerctl's allow-list (peerctl --check): what the tests and the benchmark
# hand to qemu/peer-run is allowed; options that read or write host files,
# daemonize, flood or leave the test network are refused in every spelling
# getopt_long and CLI11 accept; other programs are refused.
# napilab-bed: labels=unit timeout=60
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
build=${NAPILAB_BUILD:-$root/build}
blast=$build/userspace/net/napi-blast
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check_request EXPECTED-EXIT COMMAND...
check_request() {
	local expected=$1 out rc
	shift
	out=$(python3 "$root/qemu/peerctl" --root "$root" --build "$build" --check -- "$@" 2>&1)
	rc=$?
	expect_eq "$* -> $out" "$expected" "$rc"
}

# Every use in tests/ and scripts/ (grep -rn peer-run tests scripts).
check_request 0 ping -c 3 -i 0.2 10.77.0.2
check_request 0 ping -c 10 -i 0.2 -W 2 -I tap0 239.1.2.3
check_request 0 ping -c 100 10.77.0.2
check_request 0 iperf3 -c 10.77.0.2 -p 5300 -u -b 10M -t 2
check_request 0 iperf3 -c 10.77.0.2 -p 5301 -t 2 -J
check_request 0 iperf3 -c 10.77.0.2 -uRp5300 -t2
check_request 0 iperf3 -s -1 -B 10.77.0.1 -p 5302
if [[ -x $blast ]]; then
	check_request 0 "$blast" --dest 10.77.0.2:9000 --rate 5k --size 64 --duration 3s --json
	check_request 0 "$blast" --dest=10.77.0.2:9 --rate 2k --size 64 --duration 10s --json
	check_request 0 "$blast" -c 10.77.0.2 -p 9000 -l 64 -b 20M -t 3 --json
	check_request 2 "$blast" --dest 192.0.2.1:9 --allow-any-destination
	check_request 2 "$blast" -c 192.0.2.1 --allow-any-destination
	check_request 2 "$blast" --json=yes
else
	fail "$blast not built"
fi
pingpong=$build/userspace/net/napi-pingpong
if [[ -x $pingpong ]]; then
	check_request 0 "$pingpong" client --connect 10.77.0.2:9100 --size 64 --duration 3s --json
	check_request 0 "$pingpong" client --connect=10.77.0.2:9100 --wait poll --busy-poll 50 --prefer-busy-poll --json
	check_request 0 "$pingpong" client -c 10.77.0.2 -p 9100 -l 64 -t 3 --json
	check_request 2 "$pingpong" client --connect 192.0.2.1:9 --allow-any-destination
	check_request 2 "$pingpong" client extra --connect 10.77.0.2:9100
else
	fail "$pingpong not built"
fi

# Host files: written, read, pid files; daemons; floods.
check_request 2 iperf3 -c 10.77.0.2 -p 1 -t 1 --logfile /tmp/probe
check_request 2 iperf3 -c 10.77.0.2 --logfile=/tmp/probe
check_request 2 iperf3 -c 10.77.0.2 --logf /tmp/probe
check_request 2 iperf3 -s -F /tmp/probe
check_request 2 iperf3 -c 10.77.0.2 -uF/tmp/probe
check_request 2 iperf3 -c 10.77.0.2 --file /tmp/probe
check_request 2 iperf3 -s --pidfile /tmp/probe
check_request 2 iperf3 -s -I /tmp/probe
check_request 2 iperf3 -s -1I/tmp/probe
check_request 2 iperf3 -s -D
check_request 2 iperf3 -s --daemon
check_request 2 iperf3 -s --authorized-users-path /etc/shadow
check_request 2 iperf3 -c 10.77.0.2 -- /tmp/probe
check_request 2 iperf3 -c 10.77.0.2 -t
check_request 2 ping -f 10.77.0.2
check_request 2 ping 10.77.0.2 10.77.0.3
# Other programs.
check_request 2 /bin/sh -c 'echo escaped'
check_request 2 "$build/userspace/bench/bench_poll_epoll" --benchmark_out=/tmp/probe
check_request 2 "$root/qemu/run-vm" -- true
check_request 2 "../../bin/iperf3" -c 10.77.0.2
# The build folder may live outside the project (NAPILAB_BUILD): run-vm
# passes it as --build; nothing else outside ROOT/build* is allowed.
mkdir -p "$tmp/elsewhere"
cp "$blast" "$tmp/elsewhere/napi-blast" 2>/dev/null
out=$(python3 "$root/qemu/peerctl" --root "$root" --build "$tmp/elsewhere" --check -- \
	"$tmp/elsewhere/napi-blast" --dest 10.77.0.2:9 2>&1)
expect_eq "napi-blast in a --build folder outside the project: $out" 0 "$?"
out=$(python3 "$root/qemu/peerctl" --root "$root" --check -- "$tmp/elsewhere/napi-blast" 2>&1)
expect_eq "napi-blast outside the project without --build: $out" 2 "$?"

out=$(python3 "$root/qemu/peerctl" --root "$root" --check -- iperf3 -s --logfile /tmp/probe 2>&1)
expect_match "a refusal names the option and why" "option --logfile is not allowed: it writes a file on the host" "$out"
finish
