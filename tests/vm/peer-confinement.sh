#!/bin/bash
# The peer is no way out of the VM: options of peer commands that read or
# write host files (iperf3 --logfile, -F, --pidfile/-I), daemonize or leave
# the test network are refused in every spelling, and no file appears on
# the host; a normal iperf3 through the peer still works. The probe path is
# in this run's folder on the host, which the guest sees (the peer, as root,
# used to create such files).
# napilab-vm: nic=e1000 driver=inbox timeout=180
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER GUEST_IP NAPILAB_ROOT NAPILAB_RUN_ID RESULTS
peer_run=$NAPILAB_ROOT/qemu/peer-run
host_results=$NAPILAB_ROOT/out/vm/$NAPILAB_RUN_ID/results # $RESULTS, seen from the host
probe=$host_results/probe

# refused WHAT ARGS... - the peer must refuse ARGS with exit 2 and a reason,
# and leave no probe file behind.
refused() {
	local what=$1 out rc
	shift
	out=$("$peer_run" --timeout 10 -- "$@" 2>&1)
	rc=$?
	((rc == 2)) || fail "$what: not refused (exit $rc): $out"
	grep -q "not allowed\|not on the peer's list" <<<"$out" || fail "$what: the refusal gives no reason: $out"
	[[ ! -e $RESULTS/probe ]] || fail "$what: the peer created $probe on the host"
	pass "$what refused: ${out##*peer-run: }"
}

refused "iperf3 --logfile" iperf3 -c "$GUEST_IP" -p 1 -t 1 --logfile "$probe"
refused "iperf3 --logfile=" iperf3 -c "$GUEST_IP" -p 1 -t 1 "--logfile=$probe"
refused "iperf3 --logf (a prefix getopt accepts)" iperf3 -c "$GUEST_IP" -p 1 -t 1 --logf "$probe"
refused "iperf3 -s -F" iperf3 -s -1 -F "$probe"
refused "iperf3 -uF (clustered)" iperf3 -c "$GUEST_IP" "-uF$probe"
refused "iperf3 --file" iperf3 -c "$GUEST_IP" --file "$probe"
refused "iperf3 --pidfile" iperf3 -s -1 --pidfile "$probe"
refused "iperf3 -I" iperf3 -s -1 -I "$probe"
refused "iperf3 -D" iperf3 -s -D
refused "napi-blast --allow-any-destination" "$NAPILAB_BUILD/userspace/net/napi-blast" \
	--dest 192.0.2.1:9 --rate 1k --duration 1s --allow-any-destination
refused "a project binary that is no traffic tool" \
	"$NAPILAB_BUILD/userspace/bench/bench_poll_epoll" "--benchmark_out=$probe"

# ping as the tests use it: to a broadcast (or multicast) address every
# 0.2 s, which the peer's unprivileged user may not without its own user
# namespace.
sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
out=$("$peer_run" --timeout 20 -- ping -c 3 -i 0.2 -W 2 -b 10.77.0.255 2>&1)
grep -qE ' [1-9][0-9]* received' <<<"$out" || fail "the peer's broadcast ping got no reply: $out"
pass "peer broadcast ping every 0.2 s: $(grep received <<<"$out")"

# A normal iperf3 through the peer: host -> guest TCP for 2 s.
iperf3 -s -1 -B "$GUEST_IP" -p 5301 >/dev/null 2>&1 &
server=$!
sleep 0.5
out=$("$peer_run" --timeout 30 -- iperf3 -c "$GUEST_IP" -p 5301 -t 2 -J) ||
	fail "a normal peer iperf3 failed: $out"
wait "$server"
mbps=$(json_get '.end.sum_received.bits_per_second / 1e6 | round' <<<"$out") ||
	fail "no iperf3 result: $out"
((mbps > 0)) || fail "peer -> guest TCP moved nothing"
pass "a normal peer iperf3 still works: $mbps Mb/s peer -> guest"
[[ ! -e $RESULTS/probe ]] || fail "a probe file appeared on the host"
pass "no probe file on the host"
