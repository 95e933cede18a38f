#!/bin/bash
# QEMU's monitor is reachable through <run folder>/monitor.sock while the VM
# runs: the host pulls the NIC's link down with `set_link` and the guest
# sees its carrier drop (fault injection for later tests). The run's name
# is long, so the run folder's path is far past the 108 bytes a socket
# path may have: the link leads to the socket at a short path.
# napilab-bed: labels=vm timeout=800
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
name=bed-monitor-$(printf 'long%.0s' {1..30})

# shellcheck disable=SC2016 # the guest expands $IFACE
"$run_vm" --name "$name" --timeout 90 -- bash -c '
	for ((i = 0; i < 600; i++)); do
		if [[ $(cat /sys/class/net/$IFACE/carrier) == 0 ]]; then
			echo "carrier dropped after set_link"
			exit 0
		fi
		sleep 0.1
	done
	echo "carrier never dropped"; exit 1' &
vm_pid=$!

# The run may first wait for NAPILAB_VM_LOCK (other runs): up to 10 minutes.
sock=""
for ((i = 0; i < 6000; i++)); do
	# The link appears first; the socket once QEMU listens.
	sock=$(ls "$root"/out/vm/*-"$name"-"$vm_pid"/monitor.sock 2>/dev/null) && [[ -S $sock ]] && break
	kill -0 "$vm_pid" 2>/dev/null || break
	sleep 0.1
done
[[ -S $sock ]] || fail "no monitor socket appeared"
expect "the run folder's link is past the limit (${#sock} bytes)" test "${#sock}" -gt 108
target=$(readlink "$sock")
expect "the socket itself is at a short path: $target (${#target} bytes)" test "${#target}" -lt 108
# Give the guest time to boot and bring the link up before pulling it.
for ((i = 0; i < 600; i++)); do
	grep -q "running:" "$(dirname "$sock")/output.log" 2>/dev/null && break
	sleep 0.1
done
reply=$(python3 - "$target" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
time.sleep(0.3)
s.sendall(b"set_link n0 off\ninfo network\n")
time.sleep(1.0)
s.settimeout(1.0)
out = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
except socket.timeout:
    pass
print(out.decode(errors="replace"))
PY
)
expect_match "the monitor answered" "QEMU [0-9.]+ monitor" "$reply"
wait "$vm_pid"
expect_eq "guest saw the carrier drop" 0 "$?"
finish
