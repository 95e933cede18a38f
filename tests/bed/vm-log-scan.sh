#!/bin/bash
# A guest command that succeeds still fails the run when the kernel logs a
# WARNING: load tests/kmod/napilab_warn.ko (one WARN on load) and expect
# run-vm's exit 120 naming the line. A command whose own text says
# "WARNING:" (on its command line, in its output and in the kernel log it
# writes to) is no kernel report: its run passes.
# napilab-bed: labels=vm timeout=260
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
ko=$root/tests/kmod/napilab_warn.ko
[[ -f $ko ]] || { echo "FAIL: $ko missing: run 'make module'" >&2; exit 1; }

out=$("$run_vm" --name bed-warn --driver none --timeout 60 -- insmod "$ko" 2>&1)
rc=$?
echo "$out" | tail -n 5
expect_eq "run-vm exit status for a WARNING" 120 "$rc"
expect_match "the WARNING is named" "kernel log problem.*line [0-9]+:.*WARNING:.*napilab_warn" "$out"

out=$("$run_vm" --name bed-warn-text --driver none --timeout 60 -- \
	bash -c "echo 'WARNING: not a kernel warning' | tee /dev/kmsg" 2>&1)
rc=$?
echo "$out" | tail -n 5
expect_eq "run-vm exit status for a command that says WARNING:" 0 "$rc"
expect_match "the command's output arrives" "WARNING: not a kernel warning" "$out"
finish
