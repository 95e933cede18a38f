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

# nic_irq_total IFACE - sum over CPUs of the /proc/interrupts line(s) that
# name IFACE (the device name column; e1000 legacy INTx, or virtio's
# virtioN-input/output.M queues found through the PCI device's MSI IRQs).
nic_irq_total() {
	local iface=$1 irqs
	irqs=$(nic_irq_numbers "$iface")
	[[ -n $irqs ]] || return 1
	awk -v list=" $irqs " 'index(list, " " $1 " ") {
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) sum += $i
	} END { print sum + 0 }' FS='[: ]+' <(sed 's/^ *//' /proc/interrupts)
}

# nic_irq_numbers IFACE - the IRQ numbers the NIC uses: its MSI vectors if it
# has any, else its legacy INTx line.
nic_irq_numbers() {
	local dev
	dev=$(readlink -f "/sys/class/net/$1/device")
	# virtio-net's netdev hangs off a virtio device; the IRQs are its PCI parent's.
	[[ -e $dev/msi_irqs || -e $dev/irq ]] || dev=$(dirname "$dev")
	if [[ -d $dev/msi_irqs ]] && [[ -n $(ls "$dev/msi_irqs") ]]; then
		ls "$dev/msi_irqs" | tr '\n' ' '
	else
		cat "$dev/irq"
	fi
}

# iface_stat IFACE NAME - one counter from /sys/class/net/IFACE/statistics.
iface_stat() { cat "/sys/class/net/$1/statistics/$2"; }

# ethtool_stat IFACE NAME - one counter from ethtool -S.
ethtool_stat() {
	ethtool -S "$1" | awk -v name="$2" -F': *' '{ gsub(/^ +/, "", $1) } $1 == name { print $2; found = 1 }
		END { exit !found }'
}

# iperf3_json ARGS... - run iperf3 against the peer with -J, print the JSON.
iperf3_json() { iperf3 -c "$PEER" -J "$@"; }

# json_get EXPR - evaluate a Python expression over the JSON on stdin (as d).
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# reload_ours [PARAMS...] - insmod e1k_napi again and reconfigure the NIC.
reload_ours() {
	# shellcheck source=qemu/guest/net-setup
	. "$NAPILAB_ROOT/qemu/guest/net-setup"
	insmod "$NAPILAB_ROOT/driver/e1k_napi.ko" "$@" || return 1
	configure_nic
}
