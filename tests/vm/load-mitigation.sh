#!/bin/bash
# The interrupt mitigation load tests (userspace/tests/load, GoogleTest)
# inside the guest with e1k_napi: NAPI batching and polling under load, one
# interrupt per packet at low rate, the rx-usecs sweep, reconfiguration under
# traffic, bad ethtool values, adaptive-rx (a stream moderated, a ping-pong
# left alone), NAPI versus mode=irq.
# napilab-vm: nic=e1000 driver=ours timeout=360
# napilab-vm: nic=e1000 driver=ours timeout=360 kernel=debug
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER NAPILAB_BUILD RESULTS
tests=$NAPILAB_BUILD/userspace/tests/load/napilab_load_tests
[[ -x $tests ]] || fail "$tests is missing: run 'make userspace'"
# On a slow kernel (the debug kernel, NAPILAB_TIME_SCALE > 1) two tests
# assert performance, not correctness: every packet of a ~3k pps flow
# delivered at each rx-usecs step, and adaptive-rx losing nothing. KASAN
# under TCG delivered 9.2k-11.8k of ~30k packets there: those two are left
# out (named below); the rest, which drive the same code (rx-usecs and
# adaptive-rx changes under traffic, bad values, mode=irq), still run.
filter=()
if ((${NAPILAB_TIME_SCALE:-1} > 1)); then
	slow=Mitigation.RxUsecsSweepRaisesPacketsPerInterruptWithoutLoss:Mitigation.AdaptiveRxKeepsEveryPacketAndIdleLatency
	echo "SKIP on this slow kernel ($NAPILAB_KERNEL, time scale $NAPILAB_TIME_SCALE): ${slow//:/, } (performance claims)"
	filter=(--gtest_filter="-$slow")
fi
"$tests" "${filter[@]}" --gtest_output="xml:$RESULTS/load-mitigation.xml"
