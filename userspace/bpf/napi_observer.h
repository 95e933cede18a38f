/* napi_observer.h: what the BPF NAPI observer (napi_observer.bpf.c) and its
 * loader share. Plain C with fixed-width kernel types: the BPF side sees them
 * through vmlinux.h, the C++ side through <linux/types.h>. */
#ifndef NAPILAB_NAPI_OBSERVER_H
#define NAPILAB_NAPI_OBSERVER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Histogram of work per poll: bucket 0 counts work == 0, bucket b >= 1
 * counts 2^(b-1) <= work < 2^b (1, 2-3, 4-7, ..., 64-127, ...); the last
 * bucket is open (1024 and more). */
#define NAPI_OBS_WORK_BUCKETS 12

/* The NIC's IRQ lines the observer counts (an MSI-X NIC has several). */
#define NAPI_OBS_MAX_IRQS 16

/* Where a poll ran, in the order the BPF program tells them apart. */
enum napi_obs_context {
  NAPI_OBS_THREAD,    /* the device's threaded-NAPI kthread (napi->thread) */
  NAPI_OBS_SOFTIRQ,   /* the NET_RX softirq, on any task but ksoftirqd */
  NAPI_OBS_KSOFTIRQD, /* the NET_RX softirq, deferred to ksoftirqd/N */
  NAPI_OBS_BUSY_POLL, /* process context: busy poll (napi_busy_loop), netpoll */
  NAPI_OBS_UNKNOWN,   /* not the thread, and the kernel does not show its
                         softirq count (no __preempt_count in its BTF) */
  NAPI_OBS_CONTEXTS
};

/* A task's comm, TASK_COMM_LEN in the kernel. */
#define NAPI_OBS_COMM_LEN 16

/* Counters of one interface, kept per CPU in the map "counters" (keyed by
 * ifindex) and summed by the loader. */
struct napi_obs_counters {
  __u64 polls;            /* napi:napi_poll events */
  __u64 work;             /* sum of work over those polls */
  __u64 budget_exhausted; /* work == budget: NAPI stayed in polling mode */
  __u64 over_budget;      /* work > budget: a driver bug */
  __u64 interrupts;       /* irq:irq_handler_entry on the NIC's IRQ lines */
  __u64 work_hist[NAPI_OBS_WORK_BUCKETS];
  __u32 work_max;                         /* the largest work seen */
  __u32 budget;                           /* the budget of the latest poll */
  __u64 context_polls[NAPI_OBS_CONTEXTS]; /* polls by enum napi_obs_context */
  /* The latest busy poll on this CPU: when (bpf_ktime_get_ns, so the loader
   * can pick the latest over CPUs; 0 = none yet), by which process. */
  __u64 busy_poll_ns;
  __u32 busy_poll_tgid;
  __u32 reserved; /* explicit padding: the value is copied in 8-byte slots */
  char busy_poll_comm[NAPI_OBS_COMM_LEN];
};

#endif /* NAPILAB_NAPI_OBSERVER_H */
