#!/bin/bash
# In the guest of tests/bed/vm-dkms.sh (run-vm --driver none): load the
# e1k_napi.ko DKMS built, check it is that module, bring the NIC up on it
# and ping the peer.   dkms-guest.sh KO SRCVERSION
set -euo pipefail
. "$NAPILAB_ROOT/tests/vm/lib.sh"
. "$NAPILAB_ROOT/qemu/guest/net-setup"
(($# == 2)) || fail "usage: dkms-guest.sh KO SRCVERSION"
require_env NAPILAB_MAC GUEST_IP PEER

insmod "$1" || fail "insmod $1 failed"
[[ $(cat /sys/module/e1k_napi/srcversion) == "$2" ]] ||
	fail "the loaded e1k_napi has srcversion $(cat /sys/module/e1k_napi/srcversion), not $2"
configure_nic || fail "the NIC did not come up on $1"
driver=$(basename "$(readlink "/sys/class/net/$IFACE/device/driver")")
[[ $driver == e1k_napi ]] || fail "$IFACE is driven by $driver"
pass "$IFACE is up, carrier 1, driver $driver $(cat /sys/module/e1k_napi/version)"
ping_out=$(ping -c 10 -i 0.1 -W 2 "$PEER") || fail "ping failed: $ping_out"
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$ping_out")
[[ $received == 10 ]] || fail "10 pings sent, $received answered"
pass "10/10 pings answered"
