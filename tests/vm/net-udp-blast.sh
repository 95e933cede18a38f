#!/bin/bash
# Host -> guest UDP from napi-blast on the peer to napi-sink in the guest:
# at a moderate rate (5k pps, 64 B, 3 s) nearly everything must arrive.
# napilab-vm: nic=e1000 driver=inbox timeout=240
# napilab-vm: nic=e1000 driver=ours timeout=240
set -uo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER GUEST_IP NAPILAB_ROOT NAPILAB_BUILD
net_bin=$NAPILAB_BUILD/userspace/net
port=9000
rate=5k
duration=3s
[[ -x $net_bin/napi-sink && -x $net_bin/napi-blast ]] || fail "napi-sink/napi-blast not built under $net_bin"

report=$(mktemp)
log=$(mktemp)
"$net_bin/napi-sink" --proto udp --bind "$GUEST_IP:$port" --duration 15s --json >"$report" 2>"$log" &
sink_pid=$!
trap 'kill "$sink_pid" 2>/dev/null; rm -f "$report" "$log"' EXIT
wait_listening "$log" "$sink_pid" || fail "no sink to send to"

sent_json=$("$NAPILAB_ROOT/qemu/peer-run" --timeout 20 -- "$net_bin/napi-blast" \
	--dest "$GUEST_IP:$port" --rate "$rate" --size 64 --duration "$duration" --json) ||
	fail "napi-blast on the peer failed: $sent_json"
# The sink stops on SIGTERM and prints its report.
sleep 0.5
kill -TERM "$sink_pid"
wait "$sink_pid" || fail "napi-sink failed: $(cat "$log")"

sent=$(json_get '.packets' <<<"$sent_json") || fail "no blaster report: $sent_json"
pps=$(json_get '.achieved_pps | round' <<<"$sent_json")
delivered=$(json_get '.sequence.delivered' <"$report") || fail "no sink report: $(cat "$report")"
lost=$(json_get '.sequence.lost' <"$report")
reordered=$(json_get '.sequence.reordered' <"$report")
echo "blaster sent $sent packets at $pps pps (asked $rate); sink delivered $delivered, lost $lost, reordered $reordered"
((sent > 0)) || fail "the blaster sent nothing"
((delivered * 100 > sent * 90)) || fail "only $delivered of $sent delivered (need > 90 %)"
pass "delivered $((delivered * 100 / sent)) % of $sent 64-byte datagrams at $rate pps"
