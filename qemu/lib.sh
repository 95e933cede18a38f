# shellcheck shell=bash
# Host-side helpers of qemu/run-vm: progress, test network, accelerator
# choice, kernel log scan. Sourced, not run.

# progress MESSAGE - to stderr, prefixed with the script's name
# (progress_prefix, run-vm by default).
progress() { echo "${progress_prefix:-run-vm}: $*" >&2; }

# --- NIC models ---------------------------------------------------------------
# The NIC models the bed emulates, one line each:
#   MODEL QEMU_DEVICE PCI_ID INBOX IN_TREE
# PCI_ID is the vendor:device QEMU 7.2 gives the model (as the guest's sysfs
# shows it); INBOX the in-tree module `--driver inbox` loads; IN_TREE every
# in-tree module of Debian's 6.1 kernel whose modules.alias matches that device
# (comma-separated), blacklisted on the kernel command line whenever another
# driver is to bind. The guest checks IN_TREE against modprobe's own resolution
# of the device's modalias and refuses to run when the list misses one.
# Every model's Linux driver uses NAPI (netif_napi_add in its probe).
# rtl8139: QEMU's chip is revision 0x20, an RTL8139C+, which 8139too refuses
# ("an enhanced 8139C+ chip, use 8139cp"): 8139cp drives it. i82559er: e100.
# virtio: the PCI device is virtio-pci's; virtio_net binds the virtio device
# on it.
NIC_MODELS=(
	"e1000 e1000 8086:100e e1000 e1000"
	"e1000-82544gc e1000-82544gc 8086:100c e1000 e1000"
	"e1000-82545em e1000-82545em 8086:100f e1000 e1000"
	"e1000e e1000e 8086:10d3 e1000e e1000e"
	"rtl8139 rtl8139 10ec:8139 8139cp 8139cp,8139too"
	"virtio virtio-net-pci 1af4:1000 virtio_net virtio_net"
	"vmxnet3 vmxnet3 15ad:07b0 vmxnet3 vmxnet3"
	"i82559er i82559er 8086:1209 e100 e100"
)

# nic_model MODEL - print MODEL's line of NIC_MODELS without the name
# (QEMU_DEVICE PCI_ID INBOX IN_TREE); non-zero for an unknown model.
nic_model() {
	local entry
	for entry in "${NIC_MODELS[@]}"; do
		[[ ${entry%% *} == "$1" ]] && {
			echo "${entry#* }"
			return 0
		}
	done
	return 1
}

# nic_model_names - the models, as a list for messages ("e1000, e1000e, ...").
nic_model_names() {
	local entry names=""
	for entry in "${NIC_MODELS[@]}"; do names+="${names:+, }${entry%% *}"; done
	echo "$names"
}

# --- a user's own modules (run-vm --module PATH.ko[:PARAMS]) ------------------
# user_module_split SPEC - set module_path and module_args from SPEC,
# "PATH.ko" or "PATH.ko:PARAMS" (split after the first ".ko:", so a path
# may hold ':' elsewhere); non-zero when SPEC names no .ko file.
# shellcheck disable=SC2034 # the caller's variables
user_module_split() {
	case $1 in
	*.ko:*) module_path=${1%%.ko:*}.ko module_args=${1#*.ko:} ;;
	*.ko) module_path=$1 module_args="" ;;
	*) return 1 ;;
	esac
}

# user_module_name PATH - the name the kernel will know module PATH by
# (its .modinfo "name", which modpost writes; else the file name with '-'
# as '_', as Kbuild names it).
user_module_name() {
	local name base
	name=$(modinfo -F name "$1" 2>/dev/null) || name=""
	if [[ -z $name ]]; then
		base=$(basename "$1" .ko)
		name=${base//-/_}
	fi
	echo "$name"
}

# user_module_check PATH [RELEASE] - why PATH cannot load into kernel RELEASE
# (on stdout, non-zero), or nothing: it must be a readable kernel module
# (modinfo finds its .modinfo section) whose vermagic names RELEASE (not
# compared when RELEASE is empty).
user_module_check() {
	local path=$1 release=${2:-} vermagic
	[[ -e $path ]] || { echo "$path: no such file"; return 1; }
	[[ -f $path && -r $path ]] || { echo "$path: not a readable file"; return 1; }
	if ! vermagic=$(modinfo -F vermagic "$path" 2>/dev/null) || [[ -z $vermagic ]]; then
		echo "$path: not a kernel module (modinfo finds no vermagic in it)"
		return 1
	fi
	[[ -z $release || ${vermagic%% *} == "$release" ]] || {
		echo "$path: built for kernel ${vermagic%% *}, the guest runs $release (rebuild it against that kernel's headers)"
		return 1
	}
}


# --- run state: what a run leaves outside its run folder ------------------
# Each run keeps a small state folder, STATE/KEY (KEY = napilab-PID-RANDOM,
# also the network namespace's name), holding:
#   owner        "PID START": run-vm's pid and its start time (/proc/PID/stat
#                field 22), so that a reused pid is not mistaken for the run
#   rundir       the run folder
#   netns        the network namespace's name (root only)
#   pids         "PID START" lines of peer processes outside a namespace
#   monitor.sock QEMU's monitor (unix socket paths are limited to 108 bytes;
#                the run folder can be deeper than that)
#   peer/        the peer's scratch folder, the only place it may write
# STATE is /run/napilab for root, /tmp/napilab-UID otherwise. A run that
# dies without cleaning up (SIGKILL) leaves its folder; the next run's
# sweep_stale_runs removes it and everything it names.

# run_state_base - print the folder holding the runs' state folders.
run_state_base() {
	local base=/run/napilab
	((EUID == 0)) || base=/tmp/napilab-$EUID
	mkdir -m 0755 "$base" 2>/dev/null || true
	# Someone else's folder under /tmp could point anywhere: refuse it.
	[[ -O $base && ! -L $base ]] || {
		echo "run-vm: $base is not a folder owned by you; remove it" >&2
		return 1
	}
	echo "$base"
}

# proc_stat PID - print /proc/PID/stat from field 3 (state) on, or nothing
# when PID does not exist. The command name (field 2) may hold spaces: the
# fields start after its ')'.
proc_stat() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	echo "${stat##*) }"
}

# proc_start_time PID - print PID's start time (clock ticks since boot, field
# 22), or nothing when PID does not exist.
proc_start_time() {
	local fields
	read -ra fields <<<"$(proc_stat "$1")"
	echo "${fields[19]:-}"
}

# proc_record PID - print "PID START", the record that proc_alive checks.
proc_record() { echo "$1 $(proc_start_time "$1")"; }

# proc_alive PID START - true when PID runs and is the process that START
# was recorded for. A zombie is dead: here PID 1 may be slow to reap the
# orphans of a killed run.
proc_alive() {
	local fields
	[[ -n ${2:-} ]] || return 1
	read -ra fields <<<"$(proc_stat "$1")"
	[[ ${fields[0]:-Z} != [ZX] && ${fields[19]:-} == "$2" ]]
}

# run_state_create BASE KEY RUNDIR - make BASE/KEY owned by this shell and
# print its path. It appears complete (renamed into place) so that a sweep
# never sees a state folder without its owner.
run_state_create() {
	local base=$1 key=$2 rundir=$3 tmp
	tmp=$(mktemp -d "$base/.new-$key.XXXXXX")
	chmod 0755 "$tmp"
	proc_record "$$" >"$tmp/owner"
	echo "$rundir" >"$tmp/rundir"
	mv "$tmp" "$base/$key"
	echo "$base/$key"
}

# stop_recorded_pids FILE - SIGTERM, then SIGKILL, the "PID START" lines of
# FILE that still name the process they were recorded for.
stop_recorded_pids() {
	local file=$1 pid start live=() i
	[[ -f $file ]] || return 0
	while read -r pid start; do
		proc_alive "$pid" "$start" && live+=("$pid")
	done <"$file"
	((${#live[@]})) || return 0
	kill "${live[@]}" 2>/dev/null
	for ((i = 0; i < 20; i++)); do
		kill -0 "${live[@]}" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "${live[@]}" 2>/dev/null
	return 0
}

# sweep_stale_runs BASE - remove what runs that died without cleaning up
# left behind: for each state folder whose owner is gone, its namespace
# (and every process in it) and its recorded processes. Live runs are never
# touched. Namespaces named napilab-PID-* without a state folder (made
# before state folders existed) go when no run-vm runs as PID.
sweep_stale_runs() {
	local base=$1 dir ns pid start
	for dir in "$base"/napilab-*; do
		[[ -d $dir ]] || continue
		pid="" start=""
		read -r pid start <"$dir/owner" 2>/dev/null || true
		proc_alive "$pid" "$start" && continue
		progress "removing the remains of a dead run: ${dir##*/} (its run-vm, pid $pid," \
			"no longer runs; run folder $(cat "$dir/rundir" 2>/dev/null))"
		[[ -f $dir/netns ]] && testnet_destroy "$(<"$dir/netns")"
		stop_recorded_pids "$dir/pids"
		rm -rf "$dir"
	done
	((EUID == 0)) || return 0
	for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^napilab-[0-9]+-/ { print $1 }'); do
		[[ -d $base/$ns ]] && continue
		pid=${ns#napilab-}
		pid=${pid%%-*}
		grep -qs run-vm "/proc/$pid/cmdline" && continue
		progress "removing a dead run's namespace $ns (no run-vm with pid $pid)"
		testnet_destroy "$ns"
	done
}

# --- locks that children do not inherit -----------------------------------
# lock_acquire FILE WAIT_S HOLD_S RECORD - take FILE's flock, waiting at most
# WAIT_S seconds, and hold it until this shell exits (is killed, or becomes
# a zombie), calls lock_release or HOLD_S seconds have passed. The lock is
# held by a helper process (flock -o, then a loop that watches this shell),
# not by a descriptor of this shell: QEMU, the peer or any child left behind
# by a killed run can never hold it. RECORD (who holds the lock) and the time
# are written into FILE for the runs that wait, and cleared on release.
lock_holder_pid=""
lock_file=""
lock_acquire() {
	local file=$1 wait_s=$2 hold_s=$3 record=$4 ready i
	if ! : 2>/dev/null >>"$file"; then
		progress "cannot open the lock file $file"
		return 1
	fi
	if ! flock -n "$file" true; then
		progress "waiting up to $wait_s s for the lock $file, held by $(lock_describe "$file")"
	fi
	ready=$(mktemp)
	# shellcheck disable=SC2016 # $1... are the inner shell's
	flock -o -w "$wait_s" "$file" bash -c "$(declare -f proc_stat proc_alive)"'
		echo locked >"$2"
		for ((i = 0; i < $4 * 2; i++)); do
			proc_alive "$1" "$3" || exit 0
			sleep 0.5
		done' bash "$$" "$ready" "$(proc_start_time $$)" "$hold_s" </dev/null >/dev/null 2>&1 &
	lock_holder_pid=$!
	for ((i = 0; i < (wait_s + 5) * 10; i++)); do
		[[ -s $ready ]] || ! kill -0 "$lock_holder_pid" 2>/dev/null && break
		sleep 0.1
	done
	if [[ ! -s $ready ]]; then
		rm -f "$ready"
		lock_release
		progress "gave up after $wait_s s waiting for the lock $file, held by" \
			"$(lock_describe "$file")"
		return 1
	fi
	rm -f "$ready"
	lock_file=$file
	echo "$record, holding since $(date '+%F %T')" 2>/dev/null >"$file" || true
}

# lock_release - let go of the lock lock_acquire took.
lock_release() {
	if [[ -n $lock_file ]]; then
		: 2>/dev/null >"$lock_file"
		lock_file=""
	fi
	[[ -n $lock_holder_pid ]] && kill "$lock_holder_pid" 2>/dev/null
	lock_holder_pid=""
	return 0
}

# lock_describe FILE - who holds FILE's lock: its record and the processes
# that have the file open.
lock_describe() {
	local file=$1 pid holders=""
	file=$(realpath "$file")
	for pid in $(find /proc/[0-9]*/fd -maxdepth 1 -lname "$file" 2>/dev/null | cut -d/ -f3 | sort -un); do
		holders+=" $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
	done
	echo "'$(head -c 300 "$file" | tr -d '\n')'; open in pid(s):${holders:- none}"
}

# --- the test network ---------------------------------------------------------
# testnet_create NETNS PEER_IP RUNDIR ROOT STATE - a private namespace holding
# the VM's tap and the host-side peer: iperf3 server and the peer control
# service, both confined by qemu/peer-sandbox (an unprivileged user, writes
# only to STATE/peer). Nothing is configured outside the namespace.
testnet_create() {
	local netns=$1 peer_ip=$2 rundir=$3 root=$4 state=$5 peer_gid
	echo "$netns" >"$state/netns"
	ip netns add "$netns"
	ip -n "$netns" link set lo up
	ip -n "$netns" tuntap add dev tap0 mode tap
	# MTU 9000 on the peer side so jumbo-frame tests can raise the guest's.
	ip -n "$netns" link set tap0 mtu 9000
	ip -n "$netns" addr add "$peer_ip/24" dev tap0
	ip -n "$netns" link set tap0 up
	# The peer's ping runs unprivileged: ICMP echo sockets for its group.
	peer_gid=$(id -g "$(peer_user)")
	ip netns exec "$netns" sysctl -qw net.ipv4.ping_group_range="$peer_gid $peer_gid"
	peer_scratch "$state"
	ip netns exec "$netns" "$root/qemu/peer-sandbox" "$state/peer" -- \
		iperf3 -s -B "$peer_ip" >"$rundir/iperf3-server.log" 2>&1 &
	ip netns exec "$netns" "$root/qemu/peer-sandbox" "$state/peer" -- \
		python3 "$root/qemu/peerctl" --bind "$peer_ip" --port 7070 \
		--root "$root" --build "${NAPILAB_BUILD:-$root/build}" >"$rundir/peerctl.log" 2>&1 &
}

# peer_user - the unprivileged user the peer runs as (NAPILAB_PEER_USER).
peer_user() { echo "${NAPILAB_PEER_USER:-nobody}"; }

# peer_scratch STATE - make STATE/peer, the peer's only writable folder.
peer_scratch() {
	mkdir -m 0700 "$1/peer"
	((EUID != 0)) || chown "$(peer_user):$(id -gn "$(peer_user)")" "$1/peer"
}

# testnet_destroy NETNS - stop everything in the namespace, then delete it
# (which also removes the tap).
testnet_destroy() {
	local netns=$1 pids i
	pids=$(ip netns pids "$netns" 2>/dev/null || true)
	# shellcheck disable=SC2086 # a list of pids
	[[ -n $pids ]] && kill $pids 2>/dev/null
	for ((i = 0; i < 20; i++)); do
		pids=$(ip netns pids "$netns" 2>/dev/null || true)
		[[ -z $pids ]] && break
		sleep 0.1
	done
	# shellcheck disable=SC2086 # a list of pids
	[[ -n $pids ]] && kill -9 $pids 2>/dev/null
	ip netns del "$netns" 2>/dev/null || true
}

# userspace_peer_start RUNDIR ROOT STATE - without root: the peer services on
# the host's loopback, reached from the guest through QEMU user networking.
# They run as the caller (no user to switch to): the peer's argument
# allow-list is then the only guard.
userspace_peer_start() {
	local rundir=$1 root=$2 state=$3
	peer_scratch "$state"
	"$root/qemu/peer-sandbox" "$state/peer" -- iperf3 -s -B 127.0.0.1 \
		>"$rundir/iperf3-server.log" 2>&1 &
	proc_record $! >>"$state/pids"
	"$root/qemu/peer-sandbox" "$state/peer" -- python3 "$root/qemu/peerctl" \
		--bind 127.0.0.1 --port 7070 --root "$root" --build "${NAPILAB_BUILD:-$root/build}" \
		>"$rundir/peerctl.log" 2>&1 &
	proc_record $! >>"$state/pids"
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
# mm/kmemleak.c, net/core/dev.c, lib/ref_tracker.c, kernel/hung_task.c). Each must start the
# message, right after the timestamp:
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
	'kmemleak: unreferenced object 0x'                       # each leak, with kmemleak.verbose=1
	'unregister_netdevice: waiting for .+ to become free'    # a net device reference never put
	'leaked reference\.'                                     # lib/ref_tracker.c (NET_DEV_REFCNT_TRACKER)
	'INFO: task .+ blocked for more than [0-9]+ seconds\.'   # kernel/hung_task.c (a task stuck in D state 120 s)
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
