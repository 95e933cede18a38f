// SPDX-License-Identifier: GPL-2.0
/* napi_observer.bpf.c: counts NAPI polls and the NIC's interrupts.
 *
 * napi:napi_poll fires after every call of a driver's poll function with the
 * work it did and the budget it had; irq:irq_handler_entry fires when a
 * handler on an IRQ line runs. Both update per-CPU counters of the
 * interface, so the hot path needs no atomics; the loader sums the CPUs.
 * (A hard IRQ that arrives while the napi_poll program runs on the same CPU
 * is not counted: the kernel does not nest BPF tracing programs on a CPU
 * (trace_call_bpf's bpf_prog_active). The window is one short program run.)
 *
 * A shared IRQ line runs irq_handler_entry once per handler on it; the
 * loader names the handlers it found on the NIC's lines.
 *
 * Each poll is also counted by where it ran (enum napi_obs_context): the
 * device's threaded-NAPI kthread, the NET_RX softirq (on ksoftirqd or on
 * whatever task it interrupted or followed), or process context (busy poll,
 * netpoll). The program decides this from the poll's own event, with no
 * other tracepoint: attaching irq:softirq_entry/exit patches a jump into
 * handle_softirqs, and under QEMU's multi-threaded TCG a vCPU once spun for
 * good on the int3 of the site another vCPU was patching (see
 * poll_context()).
 *
 * Tunables are const volatile (.rodata): the loader sets them between open
 * and load, and the verifier sees them as constants. */
/* vmlinux.h first: it defines the kernel types the others use. */
// clang-format off
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "napi_observer.h"
// clang-format on

char LICENSE[] SEC("license") = "GPL"; /* bpf_probe_read_kernel is GPL-only */

/* Interface to observe, 0 = every interface. */
const volatile __u32 filter_ifindex = 0;
/* IRQ lines of filter_ifindex whose handler entries count as interrupts. */
const volatile __u32 irq_count = 0;
const volatile __s32 irqs[NAPI_OBS_MAX_IRQS] = {};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, 256);
  __type(key, __u32); /* ifindex */
  __type(value, struct napi_obs_counters);
} counters SEC(".maps");

static __always_inline struct napi_obs_counters* counters_of(__u32 ifindex) {
  struct napi_obs_counters* found = bpf_map_lookup_elem(&counters, &ifindex);
  if (found) return found;

  /* First event of this interface: insert zeroes (another CPU may win the
   * race, hence NOEXIST and a second lookup). */
  struct napi_obs_counters zero = {};
  bpf_map_update_elem(&counters, &ifindex, &zero, BPF_NOEXIST);
  return bpf_map_lookup_elem(&counters, &ifindex);
}

/* include/linux/sched.h and include/linux/preempt.h; macros are not in BTF,
 * so not in vmlinux.h. */
#define PF_KTHREAD 0x00200000
#define SOFTIRQ_OFFSET 0x100 /* 1 << SOFTIRQ_SHIFT (8) */

/* The CPU's preempt count. x86 keeps it in this per-CPU variable on Linux
 * 6.1 (arch/x86/include/asm/preempt.h); 6.2 to 6.14 keep it in struct
 * pcpu_hot instead, arm64 in thread_info. Weak: where the kernel's BTF has
 * no such variable libbpf leaves its address 0, the verifier drops the
 * branch that reads it, and the polls it would have placed count as
 * NAPI_OBS_UNKNOWN. Where BTF names it but the kernel cannot give its
 * address (kallsyms lists data only with CONFIG_KALLSYMS_ALL; the verifier
 * then refuses the program: "ldimm64 failed to find the address"), the
 * loader loads on_napi_poll_no_preempt_count instead. */
extern int __preempt_count __ksym __weak;

/* PREEMPT_RT counts softirqs per task instead (6.1: include/linux/sched.h,
 * under CONFIG_PREEMPT_RT; softirq_count() in include/linux/preempt.h reads
 * it there). A non-RT vmlinux.h lacks the field: a local flavour, and
 * bpf_core_field_exists() asks the running kernel. */
struct task_struct___rt {
  int softirq_disable_cnt;
} __attribute__((preserve_access_index));

/* ksoftirqd/N: a kthread (a user task may call itself that, but not set
 * PF_KTHREAD) whose comm starts with the prefix. */
static __always_inline bool is_ksoftirqd(struct task_struct* task) {
  static const char prefix[] = "ksoftirqd/";
  char comm[NAPI_OBS_COMM_LEN];

  if (!(BPF_CORE_READ(task, flags) & PF_KTHREAD)) return false;
  if (bpf_get_current_comm(comm, sizeof(comm))) return false;
  for (int i = 0; i < sizeof(prefix) - 1; i++)
    if (comm[i] != prefix[i]) return false;
  return true;
}

/* Where this poll runs, in this order:
 * 1. napi->thread == current: the device's threaded-NAPI kthread. First,
 *    because napi_threaded_poll() polls under local_bh_disable(), which the
 *    softirq test below cannot tell from a busy poll.
 * 2. in_serving_softirq(): the softirq count has SOFTIRQ_OFFSET set only
 *    while handle_softirqs() runs the pending softirqs (6.1's
 *    kernel/softirq.c: softirq_handle_begin() adds it; on PREEMPT_RT
 *    ksoftirqd_run_begin() and __local_bh_enable_ip() do, to the task's
 *    count). A poll there is net_rx_action()'s: NET_RX on ksoftirqd/N (a
 *    kthread, so no user task can pass for it by its comm) or on the task
 *    it interrupted or ran after (irq_exit(), local_bh_enable()).
 * 3. anything else is process context: napi_busy_loop() and
 *    busy_poll_stop() poll under local_bh_disable(), which adds
 *    SOFTIRQ_DISABLE_OFFSET (2 * SOFTIRQ_OFFSET) and leaves that bit clear;
 *    netpoll polls from whatever context printed.
 * The program runs on the polling CPU with preemption off (__DO_TRACE's
 * preempt_disable_notrace()), which adds to the count's preempt byte only. */
static __always_inline enum napi_obs_context poll_context(struct napi_struct* napi,
                                                          bool read_preempt_count) {
  struct task_struct* task = (struct task_struct*)bpf_get_current_task();
  int softirq_count;

  if (BPF_CORE_READ(napi, thread) == task) return NAPI_OBS_THREAD;
  if (bpf_core_field_exists(((struct task_struct___rt*)task)->softirq_disable_cnt)) {
    softirq_count = BPF_CORE_READ((struct task_struct___rt*)task, softirq_disable_cnt);
  } else if (read_preempt_count && &__preempt_count) {
    softirq_count = *(int*)bpf_this_cpu_ptr(&__preempt_count);
  } else {
    return NAPI_OBS_UNKNOWN;
  }
  if (softirq_count & SOFTIRQ_OFFSET)
    return is_ksoftirqd(task) ? NAPI_OBS_KSOFTIRQD : NAPI_OBS_SOFTIRQ;
  return NAPI_OBS_BUSY_POLL;
}

/* The bit length of work, capped at the open last bucket. */
static __always_inline __u32 work_bucket(__u32 work) {
  __u32 bucket = 0;

  for (int i = 0; i < NAPI_OBS_WORK_BUCKETS - 1 && work; i++) {
    work >>= 1;
    bucket++;
  }
  return bucket;
}

static __always_inline int count_poll(struct trace_event_raw_napi_poll* ctx,
                                      bool read_preempt_count) {
  /* The event records the napi_struct pointer; its device is read with
   * CO-RE, so the field offsets come from the running kernel's BTF. */
  struct napi_struct* napi = ctx->napi;
  __u32 ifindex = BPF_CORE_READ(napi, dev, ifindex);

  if (!ifindex || (filter_ifindex && ifindex != filter_ifindex)) return 0;

  struct napi_obs_counters* c = counters_of(ifindex);
  if (!c) return 0;

  int work = ctx->work < 0 ? 0 : ctx->work;
  int budget = ctx->budget;
  __u32 bucket = work_bucket(work);

  c->polls++;
  c->work += work;
  if (work == budget)
    c->budget_exhausted++;
  else if (work > budget)
    c->over_budget++;
  if (bucket < NAPI_OBS_WORK_BUCKETS) c->work_hist[bucket]++;
  if ((__u32)work > c->work_max) c->work_max = work;
  c->budget = budget;

  enum napi_obs_context where = poll_context(napi, read_preempt_count);
  if (where < NAPI_OBS_CONTEXTS) c->context_polls[where]++;
  if (where == NAPI_OBS_BUSY_POLL) {
    c->busy_poll_ns = bpf_ktime_get_ns();
    c->busy_poll_tgid = bpf_get_current_pid_tgid() >> 32;
    bpf_get_current_comm(c->busy_poll_comm, sizeof(c->busy_poll_comm));
  }
  return 0;
}

/* The loader loads one of these two (the same counting): the first, and
 * the second only where the kernel refuses the first's __preempt_count. */
SEC("tracepoint/napi/napi_poll")
int on_napi_poll(struct trace_event_raw_napi_poll* ctx) { return count_poll(ctx, true); }

SEC("tracepoint/napi/napi_poll")
int on_napi_poll_no_preempt_count(struct trace_event_raw_napi_poll* ctx) {
  return count_poll(ctx, false);
}

SEC("tracepoint/irq/irq_handler_entry")
int on_irq_handler_entry(struct trace_event_raw_irq_handler_entry* ctx) {
  int irq = ctx->irq;

  if (!filter_ifindex) return 0;
  for (__u32 i = 0; i < NAPI_OBS_MAX_IRQS && i < irq_count; i++) {
    if (irqs[i] != irq) continue;
    struct napi_obs_counters* c = counters_of(filter_ifindex);
    if (c) {
      c->interrupts++;
      c->interrupts_by_line[i]++;
    }
    return 0;
  }
  return 0;
}
