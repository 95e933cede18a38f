# shellcheck shell=bash
# Host-side helpers of qemu/run-vm: progress, test network, accelerator
# choice, kernel log scan. Sourced, not run.

progress() { echo "run-vm: $*" >&2; }

# testnet_create NETNS PEER_IP RUNDIR ROOT - a private namespace holding the
# VM's tap and the host-side peer: iperf3 server and the peer control
# service. Nothing is configured outside the namespace.
testnet_create() {
	local netns=$1 peer_ip=$2 rundir=$3 root=$4
	ip netns add "$netns"
	ip -n "$netns" link set lo up
	ip -n "$netns" tuntap add dev tap0 mode tap
	# MTU 9000 on the peer side so jumbo-frame tests can raise the guest's.
	ip -n "$netns" link set tap0 mtu 9000
	ip -n "$netns" addr add "$peer_ip/24" dev tap0
	ip -n "$netns" link set tap0 up
	ip netns exec "$netns" iperf3 -s -B "$peer_ip" >"$rundir/iperf3-server.log" 2>&1 &
	ip netns exec "$netns" python3 "$root/qemu/peerctl" --bind "$peer_ip" --port 7070 \
		--root "$root" >"$rundir/peerctl.log" 2>&1 &
}

# testnet_destroy NETNS - stop everything in the namespace, then delete it
# (which also removes the tap).
testnet_destroy() {
	local netns=$1 pids i
	pids=$(ip netns pids "$netns" 2>/dev/null || true)
	[[ -n $pids ]] && kill $pids 2>/dev/null
	for ((i = 0; i < 20; i++)); do
		pids=$(ip netns pids "$netns" 2>/dev/null || true)
		[[ -z $pids ]] && break
		sleep 0.1
	done
	[[ -n $pids ]] && kill -9 $pids 2>/dev/null
	ip netns del "$netns" 2>/dev/null || true
}

# userspace_peer_start RUNDIR ROOT - without root: the peer services on the
# host's loopback, reached from the guest through QEMU user networking.
userspace_peer_start() {
	local rundir=$1 root=$2
	iperf3 -s -B 127.0.0.1 >"$rundir/iperf3-server.log" 2>&1 &
	echo $! >>"$rundir/peer.pids"
	python3 "$root/qemu/peerctl" --bind 127.0.0.1 --port 7070 --root "$root" \
		>"$rundir/peerctl.log" 2>&1 &
	echo $! >>"$rundir/peer.pids"
}

# userspace_peer_stop RUNDIR - stop what userspace_peer_start started.
userspace_peer_stop() {
	local rundir=$1
	[[ -f $rundir/peer.pids ]] || return 0
	xargs -r kill <"$rundir/peer.pids" 2>/dev/null
	rm -f "$rundir/peer.pids"
}

# choose_accel auto|tcg|kvm KCACHE - print the accelerator to use. /dev/kvm
# existing proves nothing (on some hosts KVM guests hang), so "auto" boots
# the kernel once under KVM with a 20 s limit and caches the verdict.
choose_accel() {
	local want=$1 kcache=$2 verdict_file probe_log
	case $want in
	tcg | kvm)
		echo "$want"
		return
		;;
	esac
	if [[ ! -w /dev/kvm ]]; then
		echo tcg
		return
	fi
	verdict_file=$kcache/accel-probe
	if [[ -s $verdict_file ]]; then
		cat "$verdict_file"
		return
	fi
	progress "probing KVM (boots the kernel once under KVM, at most 20 s)"
	probe_log=$(mktemp)
	timeout -s KILL 20 qemu-system-x86_64 -nodefaults -no-user-config -nographic -no-reboot \
		-machine pc -accel kvm -cpu host -m 256 -kernel "$kcache/vmlinux" \
		-initrd "$kcache/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 napilab_probe=1" \
		-chardev "file,id=c,path=$probe_log" -serial chardev:c >/dev/null 2>&1 </dev/null || true
	if grep -q napilab-probe-ok "$probe_log"; then
		echo kvm >"$verdict_file"
	else
		progress "KVM probe: no shell within 20 s; using TCG (software emulation)"
		echo tcg >"$verdict_file"
	fi
	rm -f "$probe_log"
	cat "$verdict_file"
}

# The kernel's own report formats that fail a run, whatever the command's
# exit code (6.1 sources: kernel/panic.c, arch/x86/kernel/dumpstack.c,
# kernel/locking/lockdep.c, mm/kasan, mm/slub.c, lib/ubsan.c, lib/refcount.c,
# lib/list_debug.c, kernel/watchdog*.c, kernel/dma/debug.c, lib/debugobjects.c,
# mm/kmemleak.c). Each must start the message, right after the timestamp:
# a command's text that the guest logs or prints never matches, and neither
# do a debug kernel's banners ("DMA-API: debugging enabled by kernel
# config", "ODEBUG: selftest passed", "kmemleak: Kernel memory leak detector
# initialized").
KERNEL_LOG_REPORTS=(
	'WARNING: CPU: [0-9]+ PID: [0-9]+ at '                   # WARN_ON(), WARN()
	'WARNING: (possible (circular|recursive) locking|possible irq lock inversion|inconsistent lock state|[A-Z]+-safe -> [A-Z]+-unsafe lock order|chain_key collision|Nested lock was not taken|bad unlock balance|bad contention|held lock freed|.+ still has locks held|lock held when returning to user space|suspicious RCU usage)' # lockdep
	'BUG: '                                                  # page fault, NULL deref, KASAN, KFENCE, sleeping in atomic...
	'kernel BUG at '                                         # BUG()
	'BUG [^ ]+ \([^)]*\): '                                  # SLUB debug: BUG kmalloc-64 (Tainted: G): Poison overwritten
	'[A-Za-z][^:]*: [0-9a-f]{4} \[#[0-9]+\]'                 # die(): Oops, general protection fault, invalid opcode...
	'Oops: '
	'general protection fault'
	'UBSAN: [^ ]+ in '
	'refcount_t: '
	'list_(add|del) (corruption|double add)'
	'watchdog: (BUG: soft lockup|Watchdog detected hard LOCKUP)'
	'Kernel panic - not syncing'
	'DMA-API: ([^ ]+ [^ ]+: |exceeded [0-9]+ overlapping mappings)' # err_printk(): driver, device, error
	'ODEBUG: (.+ \(active state [0-9]+\)|selftest .*(not found|wrong state|failed))'
	'kmemleak: [0-9]+ new suspected memory leaks'
)

# kernel_log_regex - one ERE for the report formats, anchored at the start
# of a console line ("[    1.234567] " and an optional caller id).
kernel_log_regex() {
	local IFS='|'
	echo "^(\[ *[0-9]+\.[0-9]+\] )?(\[ *[CT][0-9]+\] )?(${KERNEL_LOG_REPORTS[*]})"
}

# scan_kernel_log FILE... - print every failing kernel log line with its
# file and line number; return 1 if there is any.
scan_kernel_log() {
	local found=0 file regex hits
	regex=$(kernel_log_regex)
	for file in "$@"; do
		[[ -f $file ]] || continue
		if hits=$(grep -naE "$regex" "$file"); then
			found=1
			echo "run-vm: FAIL: kernel log problem in $file:" >&2
			head -n 20 <<<"$hits" | sed 's/^/    line /' >&2
		fi
	done
	((found == 0))
}
