#!/bin/bash
# The peer control service: a guest test runs bounded traffic commands on
# the host side of the test network; anything else is refused.
# napilab-vm: nic=e1000 driver=inbox timeout=120
set -uo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER GUEST_IP
peer_run=$NAPILAB_ROOT/qemu/peer-run

out=$("$peer_run" --timeout 20 -- ping -c 3 -i 0.2 "$GUEST_IP") || fail "peer ping of the guest failed: $out"
grep -q '3 received' <<<"$out" || fail "peer ping: not 3 replies: $out"
pass "the peer pinged the guest: $(grep received <<<"$out")"

before=$(iface_stat "$IFACE" rx_packets)
# Host -> guest UDP through the peer: the guest runs the iperf3 server here.
iperf3 -s -1 -B "$GUEST_IP" -p 5300 >/dev/null 2>&1 &
sleep 0.5
out=$("$peer_run" --timeout 30 -- iperf3 -c "$GUEST_IP" -p 5300 -u -b 10M -t 2) ||
	fail "peer iperf3 to the guest failed: $out"
wait
after=$(iface_stat "$IFACE" rx_packets)
((after - before > 1000)) || fail "the guest received only $((after - before)) packets"
pass "peer -> guest iperf3 UDP: $((after - before)) packets received"

out=$("$peer_run" -- /bin/sh -c 'echo escaped' 2>&1)
rc=$?
((rc == 2)) || fail "a non-traffic command was not refused (exit $rc): $out"
grep -q "not allowed" <<<"$out" || fail "refusal does not say why: $out"
pass "a non-traffic command is refused: $out"

out=$("$peer_run" --timeout 1 -- ping -c 100 "$GUEST_IP" 2>&1)
rc=$?
((rc == 124)) || fail "an overrunning peer command was not killed (exit $rc)"
pass "an overrunning peer command is killed after its timeout"
