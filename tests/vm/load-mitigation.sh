#!/bin/bash
# The interrupt mitigation load tests (userspace/tests/load, GoogleTest)
# inside the guest with e1k_napi: NAPI batching and polling under load, one
# interrupt per packet at low rate, the rx-usecs sweep, reconfiguration under
# traffic, bad ethtool values, NAPI versus mode=irq.
# napilab-vm: nic=e1000 driver=ours timeout=360
# napilab-vm: nic=e1000 driver=ours timeout=360 kernel=debug
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_env IFACE PEER NAPILAB_BUILD RESULTS
tests=$NAPILAB_BUILD/userspace/tests/load/napilab_load_tests
[[ -x $tests ]] || fail "$tests is missing: run 'make userspace'"
"$tests" --gtest_output="xml:$RESULTS/load-mitigation.xml"
