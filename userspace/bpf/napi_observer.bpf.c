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

/* The bit length of work, capped at the open last bucket. */
static __always_inline __u32 work_bucket(__u32 work) {
  __u32 bucket = 0;

  for (int i = 0; i < NAPI_OBS_WORK_BUCKETS - 1 && work; i++) {
    work >>= 1;
    bucket++;
  }
  return bucket;
}

SEC("tracepoint/napi/napi_poll")
int on_napi_poll(struct trace_event_raw_napi_poll* ctx) {
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
  return 0;
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
