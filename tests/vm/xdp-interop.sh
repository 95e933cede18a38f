#!/bin/bash
# XDP with the tools people already use (Debian's xdp-tools) on the guest's
# NIC: xdp-loader loads our own program (napi_xdp.bpf.o) and shows it,
# napi-xdp refuses to replace it, xdp-loader unloads it and nothing is
# left; xdp-bench drop, pass, tx and redirect (back out of the same NIC)
# report the rate the peer sent at, pass hands every frame on to the
# socket, and each leaves no program behind.
# The mode is the driver's: native on e1k_napi (what make check runs: the
# cases must pass there), generic (xdp-tools' "skb") on the in-tree e1000,
# which has no XDP of its own (run-vm --driver inbox; 3 runs passed).
# The VM 46-48 s (3 runs back to back, native on e1k_napi; each case now
# waits for 3 whole intervals, 3 of 3 in every case of every run).
# napilab-vm: nic=e1000 driver=ours timeout=150 smp=1
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
require_env IFACE PEER GUEST_IP NAPILAB_ROOT NAPILAB_BUILD NAPILAB_DRIVER RESULTS
for tool in xdp-loader xdp-bench; do
	command -v "$tool" >/dev/null || fail "$tool is missing: make deps (xdp-tools)"
done
xdp=$NAPILAB_BUILD/userspace/bpf/napi-xdp
object=$NAPILAB_BUILD/userspace/bpf/gen/napi_xdp.bpf.o
net=$NAPILAB_BUILD/userspace/net
[[ -x $xdp && -f $object ]] || fail "napi-xdp or $object is missing: run 'make userspace'"
mode=skb
[[ $NAPILAB_DRIVER == ours ]] && mode=native
port=9002
echo "XDP mode: $mode (driver $NAPILAB_DRIVER)"

xdp_attached() { ip link show dev "$IFACE" | grep -q -w -E 'xdp(generic|drv|offload)?'; }

# ---- xdp-loader and our program ------------------------------------------------
xdp-loader load -m "$mode" "$IFACE" "$object" || fail "xdp-loader could not load $object in $mode mode"
xdp-loader status "$IFACE" | tee "$RESULTS/loader-status.txt"
grep -E -q "napi_xdp_count" "$RESULTS/loader-status.txt" || fail "xdp-loader status does not show napi_xdp_count"
grep -E -q "^$IFACE +xdp_dispatcher +$mode " "$RESULTS/loader-status.txt" ||
	fail "xdp-loader status does not show the dispatcher in $mode mode on $IFACE"
rc=0
"$xdp" -i "$IFACE" --duration 1s >/dev/null 2>"$RESULTS/napi-xdp-refused.txt" || rc=$?
((rc == 1)) || fail "napi-xdp over xdp-loader's program: exit $rc, expected 1"
grep -q "already has an XDP program" "$RESULTS/napi-xdp-refused.txt" ||
	fail "napi-xdp's refusal: $(cat "$RESULTS/napi-xdp-refused.txt")"
xdp-loader unload --all "$IFACE" || fail "xdp-loader unload failed"
! xdp_attached || fail "xdp-loader unload left XDP on $IFACE: $(ip link show dev "$IFACE")"
pass "xdp-loader loads napi_xdp.bpf.o ($mode), napi-xdp refuses to replace it, unload leaves nothing"

# ---- xdp-bench -------------------------------------------------------------------
# bench_case ACTION [IFNAME_OUT] - the peer floods the sink's port (64 B,
# 5k/s, 8 s); from 1 s into the flood (its control connection is through by
# then: drop and tx would swallow its handshake) xdp-bench ACTION runs until
# it has printed 3 one-second intervals, or 6 s at most (so its SIGINT comes
# before the flood ends), then gets SIGINT. Its rates and summary in
# $RESULTS/bench-ACTION.txt, the peer's report in bench-ACTION.blast.json.
# Why not a fixed 4 s: xdp-bench's start (the verifier, under TCG) took 1-3 s
# beside a busy socket, and CI once got a single interval out of 4 s.
bench_case() {
	local action=$1 blaster bench rc=0 deadline
	shift
	"$NAPILAB_ROOT/qemu/peer-run" --timeout 40 -- "$net/napi-blast" --dest "$GUEST_IP:$port" \
		--rate 5k --size 64 --duration 8s --json >"$RESULTS/bench-$action.blast.json" &
	blaster=$!
	sleep 1
	# Line-buffered, so its intervals can be counted while it runs.
	stdbuf -oL xdp-bench "$action" -m "$mode" -i 1 "$IFACE" "$@" >"$RESULTS/bench-$action.txt" 2>&1 &
	bench=$!
	deadline=$((${EPOCHREALTIME/./} + 6000000))
	while ((${EPOCHREALTIME/./} < deadline)); do
		(($(grep -c ' rx/s ' "$RESULTS/bench-$action.txt") >= 3)) && break
		kill -0 "$bench" 2>/dev/null || break
		sleep 0.2
	done
	kill -INT "$bench" 2>/dev/null || true
	wait "$bench" || rc=$?
	# xdp-bench ends with 0 on SIGINT, after its summary.
	((rc == 0)) || fail "xdp-bench $action: exit $rc: $(cat "$RESULTS/bench-$action.txt")"
	wait "$blaster" || fail "the peer's flood failed: $(cat "$RESULTS/bench-$action.blast.json")"
	cat "$RESULTS/bench-$action.txt"
	! xdp_attached || fail "xdp-bench $action left XDP on $IFACE: $(ip link show dev "$IFACE")"
}

# rate_check ACTION - xdp-bench's per-second rates against the peer's own
# (napi-blast's achieved pps): the median of its "Summary N rx/s" lines
# ("IN->OUT N rx/s" for redirect) within 5 %. Every line printed is a whole
# interval: the interval the SIGINT cuts is not printed (the summary's
# "Packets received" is the sum of the printed lines in every run kept). Measured back to back (smp 1,
# generic mode, 5k/s offered), xdp-bench's median vs the peer's pps: drop
# 0-4 apart (6 runs), pass 1-3 (6 runs), tx 0 and redirect 0-2 (3 runs);
# 5 % = 250 pps of margin. Native on e1k_napi (branch xdp, 1 run): drop 2,
# pass 1 apart.
# (xdp-tools 1.3.1's pass prints the banner of tx, "Hairpinning (XDP_TX)":
# its own slip; the program it loads passes, as the socket's count shows.)
rate_check() {
	local action=$1 offered median
	offered=$(json_get '.achieved_pps | round' <"$RESULTS/bench-$action.blast.json")
	median=$(awk '$3 == "rx/s" { print $2 }' "$RESULTS/bench-$action.txt" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
	[[ -n $median ]] || fail "xdp-bench $action printed no full interval: $(cat "$RESULTS/bench-$action.txt")"
	agree "xdp-bench $action's rx/s (median) vs the peer's pps" "$offered" "$median" 5 0
}

bench_case drop
rate_check drop
pass "xdp-bench drop ($mode) reports the peer's rate and leaves nothing attached"

"$net/napi-sink" --proto udp --bind "$GUEST_IP:$port" --duration 30s --json \
	>"$RESULTS/sink.json" 2>"$RESULTS/sink.log" &
sink=$!
wait_listening "$RESULTS/sink.log" "$sink" || fail "no sink on :$port"
bench_case pass
kill -TERM "$sink"
wait "$sink" || fail "napi-sink failed: $(cat "$RESULTS/sink.log")"
rate_check pass
sent=$(json_get .packets <"$RESULTS/bench-pass.blast.json")
got=$(json_get .sequence.delivered <"$RESULTS/sink.json")
# Measured 30000 of 30000 in every run (6 generic, 1 native); 1 % is the
# issue's bar.
agree "the socket behind xdp-bench pass vs the peer's datagrams" "$sent" "$got" 1 0
pass "xdp-bench pass ($mode) reports the peer's rate and the socket got $got of $sent"

# XDP_TX and XDP_REDIRECT (back out of the same NIC): the frames go back to
# the peer, whose kernel drops them (not addressed to it), and the rates
# are xdp-bench's to report.
bench_case tx
rate_check tx
bench_case redirect "$IFACE"
rate_check redirect
pass "xdp-bench tx and redirect ($mode) report the peer's rate and leave nothing attached"
