#!/bin/bash
# QEMU's monitor is reachable at <run folder>/monitor.sock while the VM
# runs: the host pulls the NIC's link down with `set_link` and the guest
# sees its carrier drop (fault injection for later tests).
# napilab-bed: labels=vm timeout=200
. "$(dirname "$0")/lib.sh"

"$run_vm" --name bed-monitor --timeout 90 -- bash -c '
	for ((i = 0; i < 600; i++)); do
		if [[ $(cat /sys/class/net/$IFACE/carrier) == 0 ]]; then
			echo "carrier dropped after set_link"
			exit 0
		fi
		sleep 0.1
	done
	echo "carrier never dropped"; exit 1' &
vm_pid=$!

sock=""
for ((i = 0; i < 600; i++)); do
	sock=$(ls "$root"/out/vm/*-bed-monitor-"$vm_pid"/monitor.sock 2>/dev/null) && break
	sleep 0.1
done
[[ -S $sock ]] || fail "no monitor socket appeared"
# Give the guest time to boot and bring the link up before pulling it.
for ((i = 0; i < 600; i++)); do
	grep -q "running:" "$(dirname "$sock")/output.log" 2>/dev/null && break
	sleep 0.1
done
reply=$(python3 - "$sock" <<'PY'
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
