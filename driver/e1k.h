/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1k_napi - a NAPI reference driver for QEMU's emulated Intel 8254x NICs.
 * Shared definitions: the adapter, its rings and the counters.
 */
#ifndef _E1K_H_
#define _E1K_H_

#include <linux/atomic.h>
#include <linux/bpf.h>
#include <linux/dim.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/io.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/page_pool.h>
#include <net/xdp.h>

#include "e1k_regs.h"

#define E1K_DRV_NAME		"e1k_napi"

#define E1K_RING_MIN		80
#define E1K_RING_MAX		4096
#define E1K_RING_DEFAULT	256
/* RDLEN/TDLEN must be multiples of 128 bytes: 8 descriptors of 16 bytes */
#define E1K_RING_ALIGN		8

/* Refill the RX ring in batches of this many buffers: one RDT write each */
#define E1K_RX_REFILL_BATCH	32
/* An RX ring left without buffers is retried this often (jiffies) */
#define E1K_RX_RETRY_DELAY	(HZ / 10)
/* copybreak= default: frames up to this size are copied, their page kept */
#define E1K_RX_COPYBREAK	256

/*
 * Receive buffer layout: one order-0 page from the ring's page_pool per
 * descriptor, laid out for XDP and build_skb():
 *
 *   0          E1K_RX_HEADROOM                            PAGE_SIZE
 *   +----------+---------------------+--------+-----------------+
 *   | headroom | the buffer the NIC  | unused | skb_shared_info |
 *   |          | writes: BUF_LEN     |        | (tailroom)      |
 *   +----------+---------------------+--------+-----------------+
 *              ^ the descriptor's address
 *
 * The headroom is XDP_PACKET_HEADROOM, so an XDP program can push headers
 * in front of the frame; the struct skb_shared_info that build_skb() puts
 * at the end of the page takes the tailroom. RCTL.BSIZE (8254x SDM
 * 13.4.22) offers 256..2048 bytes, or 4096..16384 with BSEX: 2048 is the
 * largest that fits between the two in a 4 KB page.
 */
#define E1K_RX_PAGE_ORDER	0
#define E1K_RX_PAGE_SIZE	(PAGE_SIZE << E1K_RX_PAGE_ORDER)
#define E1K_RX_HEADROOM		(XDP_PACKET_HEADROOM + NET_IP_ALIGN)
#define E1K_RX_TAILROOM		SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
#define E1K_RX_BUF_LEN		2048
static_assert(E1K_RX_HEADROOM + E1K_RX_BUF_LEN + E1K_RX_TAILROOM <= E1K_RX_PAGE_SIZE);
/*
 * Jumbo frames span several buffers (multi-buffer): the NIC writes a frame
 * longer than one buffer into consecutive descriptors, EOP on the last
 * (8254x SDM 3.2.2, 3.2.3); the first buffer becomes the skb's head, the
 * others its page fragments. Chosen over higher-order pool pages (16 KB
 * for a 9000-byte MTU, 32 KB for the largest frame) because every buffer
 * stays one order-0 page: no high-order allocation that fails once memory
 * is fragmented, a ring of 256 holds 1 MB whatever the MTU (not 4-8 MB),
 * a small frame at a jumbo MTU still takes one page, and the layout is the
 * one XDP's multi-buffer frames (xdp_buff fragments) use.
 *
 * The longest frame the device writes with RCTL.LPE: QEMU's model takes up
 * to 16384 bytes (hw/net/e1000.c), a little more than the 82540EM's own
 * limit, E1K_MAX_FRAME, which the MTU is based on. A frame spans at most
 * this many buffers; one without EOP within them is dropped as too long.
 */
#define E1K_RX_FRAME_MAX	SZ_16K
#define E1K_RX_FRAME_BUFS_MAX	DIV_ROUND_UP(E1K_RX_FRAME_MAX, E1K_RX_BUF_LEN)
static_assert(E1K_RX_FRAME_BUFS_MAX - 1 <= MAX_SKB_FRAGS);
/*
 * TX buffer limit per descriptor: the data descriptor's length field is
 * wider, but QEMU's model reads only its low 16 bits (hw/net/e1000.c), so a
 * longer buffer is cut into pieces of at most this size.
 */
#define E1K_TX_MAX_DESC_LEN	SZ_32K
/* The largest GSO packet offered to the hardware (TSO, 8254x SDM 3.5) */
#define E1K_TSO_MAX_SIZE	GSO_LEGACY_MAX_SIZE
/*
 * Worst case descriptors for one packet: a context descriptor, the head and
 * every fragment, plus the pieces that buffers longer than
 * E1K_TX_MAX_DESC_LEN are cut into (at most one per E1K_TX_MAX_DESC_LEN of
 * the packet's length).
 */
#define E1K_TX_DESC_NEEDED	(MAX_SKB_FRAGS + 2 + \
				 DIV_ROUND_UP(E1K_TSO_MAX_SIZE, E1K_TX_MAX_DESC_LEN))
/* Wake the TX queue only once this many descriptors are free again */
#define E1K_TX_WAKE_THRESHOLD	(2 * E1K_TX_DESC_NEEDED)

/* ethtool -C tx-usecs: TIDV/TADV are 16 bits of 1.024 us; kept like rx-usecs */
#define E1K_TX_USECS_MAX	10000

/*
 * The 82540EM takes frames up to 16128 bytes (8254x SDM 13.4.22, RCTL.LPE):
 * the largest MTU is based on it (QEMU's model takes up to
 * E1K_RX_FRAME_MAX)
 */
#define E1K_MAX_FRAME		16128
static_assert(E1K_MAX_FRAME <= E1K_RX_FRAME_MAX);
/*
 * An XDP program without frags support sees one receive buffer per frame:
 * the largest MTU whose frames, VLAN tag included, fit in one (the CRC is
 * stripped, RCTL.SECRC). Programs with frags support take any MTU.
 */
#define E1K_XDP_MAX_MTU		(E1K_RX_BUF_LEN - VLAN_ETH_HLEN)

/*
 * Software counters of one ring, read with u64_stats. Only the ring's
 * cleaner writes them: the NAPI poll (or, with mode=irq, the hard-IRQ
 * handler, which then has no NAPI to race with).
 */
struct e1k_ring_stats {
	u64 packets;
	u64 bytes;
};

/* What a TX slot's packet is, and so how its completion releases it */
enum e1k_tx_buf_type {
	E1K_TX_BUF_SKB,			/* from the stack: BQL counts it */
	E1K_TX_BUF_XDP_TX,		/* XDP_TX: a page of the RX ring's pool */
	E1K_TX_BUF_XDP_XMIT,		/* ndo_xdp_xmit: mapped by the driver */
};

struct e1k_tx_buffer {
	union {				/* set on the packet's first descriptor */
		struct sk_buff *skb;	/* E1K_TX_BUF_SKB */
		struct xdp_frame *xdpf;	/* E1K_TX_BUF_XDP_* */
	};
	dma_addr_t dma;
	u32 len;
	bool mapped_as_page;
	u8 type;			/* enum e1k_tx_buf_type */
	u16 eop;			/* index of the packet's last descriptor */
	u32 bytecount;
	u16 segs;
};

/* A receive buffer: a page of the ring's page_pool, mapped by the pool */
struct e1k_rx_buffer {
	struct page *page;
};

struct e1k_ring {
	void *desc;			/* descriptor array (coherent DMA) */
	dma_addr_t dma;
	unsigned int count;		/* descriptors */
	unsigned int size;		/* bytes */
	unsigned int next_to_use;	/* software fills from here */
	unsigned int next_to_clean;	/* software reclaims from here */
	union {
		struct e1k_tx_buffer *tx_buf;
		struct e1k_rx_buffer *rx_buf;
	};
	struct e1k_ring_stats stats;
	/*
	 * Guards stats. RX: the poll is the only writer. TX: two writer
	 * contexts, the poll and xmit's reclaim (on another CPU, under the
	 * TX queue's lock), serialised by E1K_STATE_TX_CLEANING
	 * (e1k_reclaim_tx()); mode=irq: its hard-IRQ handler only.
	 */
	struct u64_stats_sync syncp;
	/* TX: the checksum context last programmed (3.3.6), to skip repeats */
	u16 ctx_csum_start;
	u16 ctx_csum_offset;
	/* RX: the pool the buffers come from (one per RX ring) */
	struct page_pool *page_pool;
	/* RX: the ring as XDP sees it (its memory model: the pool) */
	struct xdp_rxq_info xdp_rxq;
	/* RX: a frame spanning too many descriptors is being discarded */
	bool rx_discarding;
};

/* Hardware statistics (read-to-clear registers) accumulated to 64 bits. */
struct e1k_hw_stats {
	u64 crcerrs;
	u64 algnerrc;
	u64 rxerrc;
	u64 mpc;
	u64 scc;
	u64 ecol;
	u64 colc;
	u64 gprc;
	u64 bprc;
	u64 mprc;
	u64 gptc;
	u64 rnbc;
	u64 ruc;
	u64 roc;
	u64 tpr;
	u64 tpt;
};

/*
 * Counters of the interrupt handler, named as ethtool -S shows them. The
 * hard-IRQ handler is their only writer (one handler runs at a time per
 * line), under irq_syncp.
 */
struct e1k_irq_stats {
	u64 interrupts;
};

/*
 * The XDP program's verdicts on received frames (e1k_xdp.c), counted by the
 * poll that ran it: a part of struct e1k_poll_stats, and the per-poll tally
 * added to it once at the end of the poll.
 */
struct e1k_xdp_stats {
	u64 xdp_pass;
	u64 xdp_drop;
	u64 xdp_tx;
	u64 xdp_tx_errors;		/* no TX slot, or no room for the frame */
	u64 xdp_redirect;
	u64 xdp_redirect_errors;
	u64 xdp_aborted;		/* XDP_ABORTED and unknown verdicts */
};

/* One poll's XDP work, tallied on its stack, applied by e1k_xdp_poll_end() */
struct e1k_xdp_poll {
	struct e1k_xdp_stats stats;
	struct e1k_ring_stats rx;	/* frames XDP consumed (not XDP_PASS) */
	bool tx_queued;			/* XDP_TX frames wait for a tail write */
	bool redirected;		/* xdp_do_flush() is due */
};

/*
 * Counters of the poll context: the NAPI poll, or with mode=irq the hard-IRQ
 * handler, which then does the same work and has no NAPI (so no netpoll
 * either) to run beside it. That context is their only writer, under
 * poll_syncp.
 */
struct e1k_poll_stats {
	u64 napi_polls;
	u64 napi_budget_exhausted;
	u64 napi_complete;
	u64 rx_frame_errors;
	u64 rx_length_errors;		/* bad descriptor lengths included */
	u64 rx_dropped;			/* no skb for a good frame */
	u64 tx_wake_queue;		/* the poll's TX cleaning restarted the queue */
	/*
	 * Receive buffers: frames copied out of their page (copybreak: the
	 * page stays in the ring), frames that spanned several buffers
	 * (jumbo), and with mode=irq or irq-drain the pages that left the
	 * pool for the page allocator with their skb (e1k_rx_build()).
	 */
	u64 rx_copybreak;
	u64 rx_multi_buffer;
	u64 rx_pool_released;
	struct e1k_xdp_stats xdp;
};

/*
 * Counters written in more than one context (open, the poll, xmit, the TX
 * watchdog, the link watchdog): atomics, no syncp. rx_pool_pages, the
 * pages taken from the page_pool, is one: open fills the ring in process
 * context, the poll refills it.
 */
struct e1k_event_stats {
	atomic64_t rx_pool_pages;
	atomic64_t rx_alloc_failed;
	atomic64_t dma_map_errors;
	atomic64_t tx_stop_restart;	/* xmit stopped, then restarted at once */
	atomic64_t tx_xmit_wake;	/* xmit's own reclaim restarted the queue */
	atomic64_t tx_timeouts;
	atomic64_t tx_dropped;
	atomic64_t rx_refill_kicks;	/* an RX ring left without buffers kicked */
	/*
	 * ndo_xdp_xmit: frames other devices' polls (or this one's, on a
	 * redirect to itself) queued, and refused
	 */
	atomic64_t xdp_xmit;
	atomic64_t xdp_xmit_errors;
};

/*
 * One consistent copy of every software counter, as ethtool -S,
 * ndo_get_stats64 and adaptive-rx read them (e1k_stats_snapshot()).
 */
struct e1k_sw_stats {
	struct e1k_ring_stats rx;
	struct e1k_ring_stats tx;
	u64 interrupts;
	u64 napi_polls;
	u64 napi_budget_exhausted;
	u64 napi_complete;
	u64 rx_alloc_failed;
	u64 rx_frame_errors;
	u64 rx_length_errors;
	u64 rx_dropped;
	u64 rx_pool_pages;
	u64 rx_pool_released;
	u64 rx_copybreak;
	u64 rx_multi_buffer;
	u64 dma_map_errors;
	u64 tx_restart_queue;		/* tx_wake_queue, tx_stop_restart, tx_xmit_wake */
	u64 tx_timeouts;
	u64 tx_dropped;
	u64 rx_refill_kicks;
	struct e1k_xdp_stats xdp;
	u64 xdp_xmit;
	u64 xdp_xmit_errors;
};

struct e1k_adapter {
	struct net_device *netdev;
	struct pci_dev *pdev;
	u8 __iomem *hw_addr;

	struct napi_struct napi;	/* registered only in NAPI mode */
	struct e1k_ring tx_ring;
	struct e1k_ring rx_ring;
	unsigned int tx_ring_count;	/* configured sizes, applied at open */
	unsigned int rx_ring_count;
	unsigned int rx_copybreak;	/* copybreak= module parameter, bytes */
	spinlock_t rctl_lock;		/* rctl and the RCTL register */
	u32 rctl;			/* last value written to RCTL */
	u32 itr;			/* interrupts/s, 0 = no throttling */
	u32 tx_usecs;			/* TX interrupt delay, 0 = none (xmit reads it) */
	bool tx_irq_armed;		/* TXDW unmasked (e1k_tx_arm_irq()) */
	bool irq_mode;			/* mode=irq or irq-drain: no NAPI, work in hard IRQ */
	bool irq_drain;			/* mode=irq-drain: the handler takes every ready frame */
	/*
	 * The attached XDP program (ndo_bpf), or NULL: swapped under RTNL,
	 * read once per poll (e1k_xdp.c)
	 */
	struct bpf_prog *xdp_prog;
	bool adaptive_rx;		/* ethtool -C adaptive-rx: DIM picks ITR */
	struct dim rx_dim;		/* net_dim state (lib/dim) */
	u16 dim_events;
	/*
	 * adaptive-rx's traffic class (e1k_dim_update_class()): written by the
	 * NAPI poll, and by e1k_dim_restart() under RTNL while the poll does
	 * not run it (adaptive-rx off, or the device not up yet)
	 */
	bool dim_bulk;			/* the last window's class: bulk */
	unsigned long dim_window_start;	/* jiffies: start of the class window */
	struct e1k_ring_stats dim_window_rx;	/* rx counters at dim_window_start */

	struct e1k_irq_stats irq_stats;
	struct u64_stats_sync irq_syncp;
	struct e1k_poll_stats poll_stats;
	struct u64_stats_sync poll_syncp;
	struct e1k_event_stats events;
#ifdef CONFIG_PAGE_POOL_STATS
	/* the counters of the RX page_pools destroyed so far (RTNL) */
	struct page_pool_stats rx_pool_stats_retired;
#endif
	struct e1k_hw_stats hw_stats;
	spinlock_t hw_stats_lock;	/* hw_stats vs. the watchdog */

	/* Fault injection (debugfs fail_rx_alloc): fail this many RX allocations */
	atomic_t fail_rx_alloc;
	/*
	 * debugfs tx_irq_only: xmit leaves every completion to TXDW and the
	 * poll, as on hardware that writes DD back after the tail write
	 */
	bool tx_irq_only;
	struct dentry *debugfs_dir;

	struct delayed_work watchdog;	/* link, hardware counters, RX starvation */
	struct work_struct reset_task;	/* TX timeout recovery */
	unsigned long state;
};

/* adapter->state bits */
enum e1k_state {
	E1K_STATE_DOWN,			/* rings torn down, nothing may touch them */
	E1K_STATE_RX_RETRY,		/* a starved RX ring asked the watchdog in */
	E1K_STATE_TX_CLEANING,		/* one TX cleaner at a time (e1k_reclaim_tx()) */
	E1K_STATE_TX_RECLAIM_AGAIN,	/* a cleaner found it taken: the holder goes again */
};

/*
 * MMIO accessors. writel() orders the register write after every earlier
 * write to memory, coherent DMA memory included, so a descriptor written
 * before the tail register reaches the device first without a barrier of
 * our own; dma_wmb()/dma_rmb() order descriptor fields against each other.
 * A write that must reach the device before the CPU goes on (masking
 * interrupts, reset) is followed by e1k_flush(), a read of STATUS.
 */
static inline u32 e1k_rd32(struct e1k_adapter *adapter, u32 reg)
{
	return readl(adapter->hw_addr + reg);
}

static inline void e1k_wr32(struct e1k_adapter *adapter, u32 reg, u32 val)
{
	writel(val, adapter->hw_addr + reg);
}

/* A read of STATUS forces posted MMIO writes out to the device. */
static inline void e1k_flush(struct e1k_adapter *adapter)
{
	e1k_rd32(adapter, E1K_STATUS);
}

/* TX: packets handed to the hardware and not reclaimed yet */
static inline bool e1k_tx_in_flight(const struct e1k_ring *tx)
{
	return READ_ONCE(tx->next_to_clean) != READ_ONCE(tx->next_to_use);
}

/* Descriptors software owns and has not handed to the hardware yet */
static inline unsigned int e1k_ring_unused(const struct e1k_ring *ring)
{
	unsigned int ntc = READ_ONCE(ring->next_to_clean);
	unsigned int ntu = READ_ONCE(ring->next_to_use);

	return (ntc > ntu ? 0 : ring->count) + ntc - ntu - 1;
}

static inline struct e1k_rx_desc *e1k_rx_desc(const struct e1k_ring *rx,
					      unsigned int i)
{
	return (struct e1k_rx_desc *)rx->desc + i;
}

static inline unsigned int e1k_ring_next(const struct e1k_ring *ring,
					 unsigned int i)
{
	return ++i == ring->count ? 0 : i;
}

/* Count one event of the poll context (see struct e1k_poll_stats). */
static inline void e1k_poll_stat_inc(struct e1k_adapter *adapter, u64 *counter)
{
	u64_stats_update_begin(&adapter->poll_syncp);
	(*counter)++;
	u64_stats_update_end(&adapter->poll_syncp);
}

/* e1k_ring.c: ring memory, the interrupt handler and the NAPI poll */
int e1k_setup_rings(struct e1k_adapter *adapter);
void e1k_free_rings(struct e1k_adapter *adapter);
void e1k_program_ring(struct e1k_adapter *adapter, u32 bal,
		      const struct e1k_ring *ring);
void e1k_clean_rings(struct e1k_adapter *adapter);
void e1k_irq_enable(struct e1k_adapter *adapter);
void e1k_irq_disable(struct e1k_adapter *adapter);
irqreturn_t e1k_intr(int irq, void *data);
int e1k_poll(struct napi_struct *napi, int budget);

/* e1k_tx.c: transmit */

/* What e1k_clean_tx() and e1k_reclaim_tx() did beyond reclaiming (flags) */
enum e1k_tx_clean_flags {
	E1K_TX_WOKE	= BIT(0),	/* restarted the stopped queue */
	E1K_TX_LEFT_XDP	= BIT(1),	/* left a sent XDP frame to the poll */
};

void e1k_configure_tx(struct e1k_adapter *adapter);
unsigned int e1k_clean_tx(struct e1k_adapter *adapter, int napi_budget);
unsigned int e1k_reclaim_tx(struct e1k_adapter *adapter, int napi_budget);
void e1k_tx_arm_irq(struct e1k_adapter *adapter);
void e1k_unmap_tx_buffer(struct e1k_adapter *adapter, struct e1k_tx_buffer *buf);
void e1k_tx_put_desc(struct e1k_ring *tx, unsigned int i, dma_addr_t dma,
		     unsigned int len, u32 popts, u32 dcmd);
netdev_tx_t e1k_xmit_frame(struct sk_buff *skb, struct net_device *netdev);
netdev_features_t e1k_features_check(struct sk_buff *skb, struct net_device *netdev,
				     netdev_features_t features);

/* e1k_rx.c: receive */
int e1k_rx_pool_create(struct e1k_adapter *adapter);
void e1k_rx_pool_destroy(struct e1k_adapter *adapter);
void e1k_rx_release_buffers(struct e1k_adapter *adapter);
unsigned int e1k_configure_rx(struct e1k_adapter *adapter);
int e1k_clean_rx(struct e1k_adapter *adapter, int budget);
bool e1k_rx_pending(struct e1k_ring *rx);
bool e1k_rx_starved(const struct e1k_ring *rx);
bool e1k_rx_kick(struct e1k_adapter *adapter);
#ifdef CONFIG_PAGE_POOL_STATS
void e1k_rx_pool_stats(struct e1k_adapter *adapter, u64 *data);
#else
/* No page_pool counters in this kernel (Debian's 6.1): nothing to show */
static inline void e1k_rx_pool_stats(struct e1k_adapter *adapter, u64 *data)
{
}
#endif

/* e1k_xdp.c: native XDP */
struct sk_buff *e1k_xdp_rx(struct e1k_adapter *adapter, struct bpf_prog *prog,
			   unsigned int nbufs, struct e1k_xdp_poll *poll);
void e1k_xdp_poll_end(struct e1k_adapter *adapter, struct e1k_xdp_poll *poll);
void e1k_xdp_tx_release(struct e1k_adapter *adapter, struct e1k_tx_buffer *buf,
			bool in_napi);
bool e1k_xdp_mtu_ok(struct e1k_adapter *adapter, unsigned int mtu);
int e1k_xdp_rxq_register(struct e1k_adapter *adapter);
int e1k_bpf(struct net_device *netdev, struct netdev_bpf *bpf);
int e1k_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		 u32 flags);

/* e1k_itr.c: interrupt throttling, TX interrupt delay, adaptive-rx */
void e1k_write_itr(struct e1k_adapter *adapter, u32 irqs_per_sec);
void e1k_apply_itr(struct e1k_adapter *adapter);
void e1k_write_tx_delay(struct e1k_adapter *adapter, u32 usecs);
void e1k_set_tx_delay(struct e1k_adapter *adapter, u32 usecs);
void e1k_dim_init(struct e1k_adapter *adapter);
void e1k_dim_restart(struct e1k_adapter *adapter);
void e1k_dim_sample(struct e1k_adapter *adapter);

/* e1k_hw.c: reset, EEPROM, link, receive filters, hardware counters */
int e1k_hw_reset(struct e1k_adapter *adapter);
void e1k_setup_link(struct e1k_adapter *adapter);
void e1k_init_mac_addr(struct e1k_adapter *adapter);
void e1k_write_rar(struct e1k_adapter *adapter, unsigned int i, const u8 *addr);
void e1k_set_rx_mode(struct net_device *netdev);
void e1k_rctl_update(struct e1k_adapter *adapter, u32 clear, u32 set);
void e1k_update_hw_stats(struct e1k_adapter *adapter);

/* e1k_stats.c: counter snapshots */
void e1k_ring_stats_read(const struct e1k_ring *ring, struct e1k_ring_stats *out);
void e1k_stats_snapshot(struct e1k_adapter *adapter, struct e1k_sw_stats *out);
void e1k_get_stats64(struct net_device *netdev, struct rtnl_link_stats64 *stats);

/* e1k_netdev.c: bring-up, tear-down, reconfiguration, the netdev ops */
int e1k_open(struct net_device *netdev);
int e1k_close(struct net_device *netdev);
int e1k_reinit(struct e1k_adapter *adapter, unsigned int tx_count,
	       unsigned int rx_count, unsigned int mtu);
void e1k_init_tasks(struct e1k_adapter *adapter);
void e1k_set_netdev_ops(struct net_device *netdev);

/* e1k_debugfs.c: test-only fault injection */
void e1k_debugfs_register(void);
void e1k_debugfs_unregister(void);
void e1k_debugfs_add(struct e1k_adapter *adapter);
void e1k_debugfs_remove(struct e1k_adapter *adapter);
bool e1k_fail_rx_alloc(struct e1k_adapter *adapter);

/* e1k_ethtool.c */
void e1k_set_ethtool_ops(struct net_device *netdev);

/* e1k_selftest.c: ethtool -t */
int e1k_self_test_count(void);
void e1k_self_test_strings(u8 *data);
void e1k_self_test(struct net_device *netdev, struct ethtool_test *test,
		   u64 *data);

#endif /* _E1K_H_ */
