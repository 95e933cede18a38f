#!/bin/bash
# The traffic tools' iperf3-style options on loopback: napi-sink -p PORT -t,
# napi-blast -c ADDR -p PORT -l SIZE -b BITRATE -t, napi-pingpong -c/-p/-l/-t.
# -b 800K of 100-byte payloads must become 1000 packets/s; -t 0.5,
# --duration 500ms and -t 0.5s the same 0.5 s; what the blasts sent, the
# sink (a separate process, counting what arrived) must have received. A
# duration with an unknown unit is bad usage (2). About 3 s.
# napilab-bed: labels=unit timeout=60
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
net=${NAPILAB_BUILD:-$root/build}/userspace/net
for tool in napi-sink napi-blast napi-pingpong; do
	[[ -x $net/$tool ]] || { fail "$net/$tool not built: make userspace"; finish; }
done
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait; rm -rf "$tmp"' EXIT
port=$((20000 + RANDOM % 20000))

# wait_for FILE TEXT - at most 5 s for a server's ready line.
wait_for() {
	local i
	for ((i = 0; i < 50; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

"$net/napi-sink" -p "$port" -t 4 --json >"$tmp/sink.json" 2>"$tmp/sink.err" &
pids+=($!)
wait_for "$tmp/sink.err" listening || fail "napi-sink -p $port: not listening: $(cat "$tmp/sink.err")"

sent=0
for duration in "-t 0.5" "--duration 500ms" "-t 0.5s"; do
	# shellcheck disable=SC2086 # the option and its value
	json=$("$net/napi-blast" -c 127.0.0.1 -p "$port" -l 100 -b 800K $duration --json) ||
		fail "napi-blast -c 127.0.0.1 -p $port -l 100 -b 800K $duration failed"
	expect_eq "napi-blast $duration: packets/s for 800 kb/s of 100-byte payloads" 1000 \
		"$(jq -r .rate_pps <<<"$json")"
	expect_eq "napi-blast $duration: the duration" 0.5 "$(jq -r .duration_s <<<"$json")"
	sent=$((sent + $(jq -r .packets <<<"$json")))
done
wait "${pids[0]}" || fail "napi-sink exited $?"
expect_eq "napi-sink received what the three blasts sent" "$sent" "$(jq -r .messages "$tmp/sink.json")"

"$net/napi-pingpong" server -p "$((port + 1))" -t 4 --json >"$tmp/server.json" 2>"$tmp/server.err" &
pids+=($!)
wait_for "$tmp/server.err" serving || fail "napi-pingpong server -p: not serving: $(cat "$tmp/server.err")"
json=$("$net/napi-pingpong" client -c 127.0.0.1 -p "$((port + 1))" -l 64 -t 0.5 --json) ||
	fail "napi-pingpong client -c -p -l -t failed"
expect_eq "napi-pingpong client -l 64: the size" 64 "$(jq -r .size <<<"$json")"
received=$(jq -r .received <<<"$json")
expect "napi-pingpong client -c 127.0.0.1 -p $((port + 1)): $received replies" test "$received" -gt 0

"$net/napi-blast" -c 127.0.0.1 -p "$port" -t 5h >/dev/null 2>"$tmp/bad.err"
expect_eq "napi-blast -t 5h: exit status" 2 "$?"
expect_match "... names the value" "'5h'" "$(cat "$tmp/bad.err")"
finish
