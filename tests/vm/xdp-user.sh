#!/bin/bash
# napi-xdp, our own XDP program (userspace/bpf/napi_xdp.bpf.c), in the guest
# on the e1000 NIC: native on e1k_napi (what make check runs), generic on
# the in-tree e1000 (no XDP of its own; add a driver=inbox header line, or
# run-vm --driver inbox, to run it there: 4 runs passed that way):
# the peer sends two bounded UDP flows at once, one to the port napi-xdp
# drops, one to a port it passes. Judged against sources napi-xdp does not
# control: the peer's sent counts (napi-blast), QEMU's frame count (ethtool
# -S: the in-tree e1000's rx_packets is the NIC's GPRC register), the
# guest's sockets (napi-sink) and the kernel's UDP counter (napi-measure).
# Then: the program is gone once napi-xdp ends (SIGTERM, --duration,
# SIGKILL), a second napi-xdp is refused while one is attached, and bad
# input exits with the reason (port out of range 2, no such interface 1, a
# mode the driver lacks 1 naming the mode).
# napilab-vm: nic=e1000 driver=ours timeout=120 smp=1
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
require_env IFACE PEER GUEST_IP NAPILAB_ROOT NAPILAB_BUILD NAPILAB_DRIVER RESULTS
xdp=$NAPILAB_BUILD/userspace/bpf/napi-xdp
net=$NAPILAB_BUILD/userspace/net
[[ -x $xdp ]] || fail "$xdp is missing: run 'make userspace' (needs clang, bpftool, libbpf-dev)"
drop_port=9001
pass_port=9002
# 64-byte datagrams at 1k/s to each port for 4 s: 4000 + 4000 frames, well
# below what the guest takes in without loss under TCG (net-udp-blast: 5k/s).
rate=1000
seconds=4
# The mode, and how ip link names it (iproute2: "xdp" for native).
mode=generic link_word=xdpgeneric
[[ $NAPILAB_DRIVER == ours ]] && mode=native link_word=xdp
echo "XDP mode: $mode (driver $NAPILAB_DRIVER)"

# xdp_attached - "ip link show" names an XDP program on the NIC (xdp,
# xdpgeneric, xdpdrv or xdpoffload).
xdp_attached() { ip link show dev "$IFACE" | grep -q -w -E 'xdp(generic|drv|offload)?'; }

# exit_of CMD... - the exit code of CMD, its stderr in $RESULTS/last-stderr.txt.
exit_of() {
	local rc=0
	"$@" >/dev/null 2>"$RESULTS/last-stderr.txt" || rc=$?
	echo "$rc"
}

# ---- refusals ----------------------------------------------------------------
rc=$(exit_of "$xdp" -i "$IFACE" --drop-udp-port 65536 --duration 1)
((rc == 2)) || fail "napi-xdp --drop-udp-port 65536: exit $rc, expected 2"
rc=$(exit_of "$xdp" -i no-such-if0 --duration 1)
((rc == 1)) || fail "napi-xdp on a missing interface: exit $rc, expected 1"
grep -q no-such-if0 "$RESULTS/last-stderr.txt" || fail "the error does not name the interface: $(cat "$RESULTS/last-stderr.txt")"
driver=$(basename "$(readlink "/sys/class/net/$IFACE/device/driver")")
if [[ $driver == e1000 ]]; then
	# The in-tree e1000 has no ndo_bpf: native XDP is refused, by name.
	rc=$(exit_of "$xdp" -i "$IFACE" --mode native --duration 1)
	((rc == 1)) || fail "napi-xdp --mode native on the in-tree e1000: exit $rc, expected 1"
	grep -q "mode native.*no native XDP" "$RESULTS/last-stderr.txt" ||
		fail "the refusal of native mode does not say so: $(cat "$RESULTS/last-stderr.txt")"
	echo "refused: $(cat "$RESULTS/last-stderr.txt")"
	refused="port 65536 exit 2, a missing interface exit 1, native mode on e1000 exit 1"
else
	refused="port 65536 exit 2, a missing interface exit 1"
fi
! xdp_attached || fail "a refused napi-xdp left an XDP program on $IFACE: $(ip link show dev "$IFACE")"
pass "refusals: $refused; nothing attached"

# ---- two flows, one dropped ------------------------------------------------------
sink() {
	"$net/napi-sink" --proto udp --bind "$GUEST_IP:$1" --duration 40s --json \
		>"$RESULTS/sink-$1.json" 2>"$RESULTS/sink-$1.log" &
}
sink "$drop_port"
drop_sink=$!
sink "$pass_port"
pass_sink=$!
"$xdp" -i "$IFACE" --mode "$mode" --drop-udp-port "$drop_port" --interval 1s --duration 40s --json \
	>"$RESULTS/xdp.jsonl" 2>"$RESULTS/xdp.log" &
counter=$!
trap 'kill "$drop_sink" "$pass_sink" "$counter" 2>/dev/null || true' EXIT
wait_listening "$RESULTS/sink-$drop_port.log" "$drop_sink" || fail "no sink on port $drop_port"
wait_listening "$RESULTS/sink-$pass_port.log" "$pass_sink" || fail "no sink on port $pass_port"
wait_listening "$RESULTS/xdp.log" "$counter" attached || fail "napi-xdp did not attach"
cat "$RESULTS/xdp.log"
ip link show dev "$IFACE" | grep -q -w "$link_word" || fail "ip link shows no $link_word on $IFACE: $(ip link show dev "$IFACE")"

# Both flows at once, with the guest's counters (QEMU's frame count, the
# kernel's UDP datagrams) over the same window: napi-measure runs this.
send_flows() {
	local port pids=() rc=0
	for port in "$drop_port" "$pass_port"; do
		"$NAPILAB_ROOT/qemu/peer-run" --timeout 20 -- "$net/napi-blast" --dest "$GUEST_IP:$port" \
			--rate "$rate" --size 64 --duration "${seconds}s" --json >"$RESULTS/blast-$port.json" &
		pids+=($!)
	done
	for port in "${pids[@]}"; do
		wait "$port" || rc=1
	done
	return "$rc"
}
export -f send_flows
export NAPILAB_ROOT net GUEST_IP RESULTS rate seconds drop_port pass_port
"$NAPILAB_BUILD/userspace/tools/napi-measure" -i "$IFACE" --json --timeout 30 -- bash -c send_flows \
	>"$RESULTS/measure.json" || fail "the peer's flows failed: $(cat "$RESULTS"/blast-*.json)"
sleep 0.5 # the last frames through the softirq to the sockets
kill -TERM "$counter"
wait "$counter" || fail "napi-xdp ended with an error: $(cat "$RESULTS/xdp.log")"
kill -TERM "$drop_sink" "$pass_sink"
wait "$drop_sink" || fail "napi-sink on $drop_port failed: $(cat "$RESULTS/sink-$drop_port.log")"
wait "$pass_sink" || fail "napi-sink on $pass_port failed: $(cat "$RESULTS/sink-$pass_port.log")"
trap - EXIT

! xdp_attached || fail "napi-xdp ended on SIGTERM but $IFACE still has XDP: $(ip link show dev "$IFACE")"
pass "after SIGTERM no XDP program is left on $IFACE"

sent_drop=$(json_get .packets <"$RESULTS/blast-$drop_port.json")
sent_pass=$(json_get .packets <"$RESULTS/blast-$pass_port.json")
got_drop=$(json_get .sequence.delivered <"$RESULTS/sink-$drop_port.json")
got_pass=$(json_get .sequence.delivered <"$RESULTS/sink-$pass_port.json")
total=$RESULTS/xdp.total.json
jq -c 'select(.kind == "total")' "$RESULTS/xdp.jsonl" >"$total"
[[ -s $total ]] || fail "napi-xdp printed no total: $(tail -n 3 "$RESULTS/xdp.jsonl")"
[[ $(json_get .mode <"$total") == "$mode" ]] || fail "napi-xdp reports mode $(json_get .mode <"$total"), asked $mode"
dropped=$(json_get .dropped.frames <"$total")
udp=$(json_get .udp.frames <"$total")
frames=$(json_get .all.frames <"$total")
nic_rx=$(json_get .counts.ethtool.rx_packets <"$RESULTS/measure.json")
in_udp=$(json_get .counts.udp.InDatagrams <"$RESULTS/measure.json")
echo "peer sent $sent_drop to :$drop_port and $sent_pass to :$pass_port; QEMU's NIC took in $nic_rx frames"
echo "napi-xdp: $frames frames, $udp UDP, $dropped dropped; sockets: :$drop_port got $got_drop, :$pass_port got $got_pass; the kernel's UDP InDatagrams $in_udp"
((sent_drop > 0 && sent_pass > 0)) || fail "the peer sent nothing"
((got_drop == 0)) || fail "the socket on the dropped port $drop_port received $got_drop datagrams"
# The bars: 1 % (the issue's) of the peer's count. Measured 4 runs (3 back to
# back; smp 1, host shared with other VMs and builds), generic on the in-tree
# e1000, and 1 run native on e1k_napi (branch xdp): every count exact,
# 4000 of 4000 dropped, 4000 of 4000 to the socket and InDatagrams, UDP
# 8000 of 8000, frames 8011 vs QEMU's 8011 (0 apart in every comparison);
# 1 % = 40 frames of margin, for a tap that drops under a busier host.
# Guest time of the script 14.0-14.7 s, the VM 19-20 s.
agree "napi-xdp's drops vs the peer's datagrams to :$drop_port" "$sent_drop" "$dropped" 1 0
agree "the socket on :$pass_port vs the peer's datagrams to it" "$sent_pass" "$got_pass" 1 0
# The kernel's UDP layer took in only the passed flow: the dropped one never
# reached the stack.
agree "the kernel's UDP InDatagrams vs the peer's datagrams to :$pass_port" "$sent_pass" "$in_udp" 1 0
# UDP covers both flows: the dropped ones and those passed to the socket.
((udp >= dropped + got_pass)) || fail "napi-xdp counted $udp UDP frames, fewer than $dropped dropped + $got_pass passed"
agree "napi-xdp's UDP frames vs the peer's two flows" "$((sent_drop + sent_pass))" "$udp" 1 0
# QEMU's count over the flows' window also holds peer-run's TCP (its
# control connection, a few frames per call) and the odd ARP; napi-xdp's
# window is wider by the set-up around it: it saw each frame the NIC took
# in, within 1 % + 20.
agree "napi-xdp's frames vs QEMU's frame count" "$nic_rx" "$frames" 1 20
pass "dropped $dropped of $sent_drop to :$drop_port (its socket got none); :$pass_port got $got_pass of $sent_pass; UDP $udp"

# ---- the end, however it comes ---------------------------------------------------
"$xdp" -i "$IFACE" --mode "$mode" --interval 0.5s --duration 1s --json >"$RESULTS/xdp-short.jsonl" 2>/dev/null ||
	fail "napi-xdp --duration 1s failed"
jq -e -s 'map(select(.kind == "total")) | length == 1' "$RESULTS/xdp-short.jsonl" >/dev/null ||
	fail "napi-xdp --duration 1s printed no total: $(cat "$RESULTS/xdp-short.jsonl")"
! xdp_attached || fail "napi-xdp --duration 1s left XDP on $IFACE"
"$xdp" -i "$IFACE" --mode "$mode" --json >/dev/null 2>"$RESULTS/xdp-kill.log" &
victim=$!
wait_listening "$RESULTS/xdp-kill.log" "$victim" attached || fail "napi-xdp did not attach"
rc=$(exit_of "$xdp" -i "$IFACE" --mode "$mode" --duration 1)
((rc == 1)) || fail "a second napi-xdp on $IFACE: exit $rc, expected 1"
grep -q "already has an XDP program" "$RESULTS/last-stderr.txt" ||
	fail "the second napi-xdp's refusal: $(cat "$RESULTS/last-stderr.txt")"
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
# The link's last fd closed with the process; the kernel frees the link
# (and detaches) from a deferred work item: give it a moment.
for ((i = 0; i < 20; i++)); do
	xdp_attached || break
	sleep 0.1
done
! xdp_attached || fail "napi-xdp killed by SIGKILL left XDP on $IFACE: $(ip link show dev "$IFACE")"
pass "--duration ends with a total and detaches; a second napi-xdp is refused; SIGKILL leaves no XDP program"
