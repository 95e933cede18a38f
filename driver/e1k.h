/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1k_napi - a NAPI reference driver for QEMU's emulated Intel 8254x NICs.
 * Shared definitions: the adapter, its rings and the counters.
 */
#ifndef _E1K_H_
#define _E1K_H_

#include <linux/dim.h>
#include <linux/ethtool.h>
#include <linux/io.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include "e1k_regs.h"

#define E1K_DRV_NAME		"e1k_napi"

#define E1K_RING_MIN		80
#define E1K_RING_MAX		4096
#define E1K_RING_DEFAULT	256
/* RDLEN/TDLEN must be multiples of 128 bytes: 8 descriptors of 16 bytes */
#define E1K_RING_ALIGN		8

/* Refill the RX ring in batches of this many buffers: one RDT write each */
#define E1K_RX_REFILL_BATCH	32
/* Frames up to this size are copied out and their buffer reused (copybreak) */
#define E1K_RX_COPYBREAK	256
/* Worst case descriptors for one packet: context + head + every fragment */
#define E1K_TX_DESC_NEEDED	(MAX_SKB_FRAGS + 2)
/* Wake the TX queue only once this many descriptors are free again */
#define E1K_TX_WAKE_THRESHOLD	(2 * E1K_TX_DESC_NEEDED)

/* ethtool -C tx-usecs: TIDV/TADV are 16 bits of 1.024 us; kept like rx-usecs */
#define E1K_TX_USECS_MAX	10000

/* 82540EM takes frames up to 16128 bytes (8254x SDM 13.4.22, RCTL.LPE) */
#define E1K_MAX_FRAME		16128

/* Software counters of one ring, read with u64_stats (ndo_get_stats64). */
struct e1k_ring_stats {
	u64 packets;
	u64 bytes;
};

struct e1k_tx_buffer {
	struct sk_buff *skb;		/* set on the packet's first descriptor */
	dma_addr_t dma;
	u32 len;
	bool mapped_as_page;
	u16 eop;			/* index of the packet's last descriptor */
	u32 bytecount;
	u16 segs;
};

struct e1k_rx_buffer {
	struct sk_buff *skb;
	dma_addr_t dma;
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
	struct u64_stats_sync syncp;
	/* TX: the checksum context last programmed (3.3.6), to skip repeats */
	u16 ctx_csum_start;
	u16 ctx_csum_offset;
	/* RX: a frame spanning several descriptors is being discarded */
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
 * Event counters of the datapath, named as ethtool -S shows them. Written
 * from the IRQ handler, NAPI and xmit, so they are plain u64 under syncp.
 */
struct e1k_sw_stats {
	u64 interrupts;
	u64 napi_polls;
	u64 napi_budget_exhausted;
	u64 napi_complete;
	u64 rx_alloc_failed;
	u64 rx_frame_errors;
	u64 rx_length_errors;
	u64 dma_map_errors;
	u64 tx_restart_queue;
	u64 tx_timeouts;
	u64 tx_dropped;
};

struct e1k_adapter {
	struct net_device *netdev;
	struct pci_dev *pdev;
	u8 __iomem *hw_addr;

	struct napi_struct napi;
	struct e1k_ring tx_ring;
	struct e1k_ring rx_ring;
	unsigned int tx_ring_count;	/* configured sizes, applied at open */
	unsigned int rx_ring_count;
	unsigned int rx_buf_len;
	u32 rctl;			/* last value written to RCTL */
	u32 itr;			/* interrupts/s, 0 = no throttling */
	u32 tx_usecs;			/* TX interrupt delay, 0 = none (xmit reads it) */
	bool irq_mode;			/* mode=irq: no NAPI, work in hard IRQ */
	bool adaptive_rx;		/* ethtool -C adaptive-rx: DIM picks ITR */
	struct dim rx_dim;		/* net_dim state (lib/dim) */
	u16 dim_events;
	unsigned long dim_idle_mark;	/* jiffies: start of the idle check window */
	u64 dim_idle_packets;		/* rx packets at dim_idle_mark */

	struct e1k_sw_stats sw_stats;
	struct u64_stats_sync sw_syncp;
	struct e1k_hw_stats hw_stats;
	spinlock_t hw_stats_lock;	/* hw_stats vs. the watchdog */

	struct delayed_work watchdog;	/* link state and hardware counters */
	struct work_struct reset_task;	/* TX timeout recovery */
	unsigned long state;
};

/* adapter->state bits */
enum e1k_state {
	E1K_STATE_DOWN,			/* rings torn down, nothing may touch them */
	E1K_STATE_RESETTING,		/* serialises reset against open/close */
};

/* MMIO accessors, see e1k_main.c for the ordering rules. */
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

static inline void e1k_sw_stat_inc(struct e1k_adapter *adapter, u64 *counter)
{
	u64_stats_update_begin(&adapter->sw_syncp);
	(*counter)++;
	u64_stats_update_end(&adapter->sw_syncp);
}

/* e1k_ring.c: rings, datapath, interrupt and NAPI */
int e1k_setup_rings(struct e1k_adapter *adapter);
void e1k_free_rings(struct e1k_adapter *adapter);
void e1k_program_ring(struct e1k_adapter *adapter, u32 bal,
		      const struct e1k_ring *ring);
void e1k_configure_tx(struct e1k_adapter *adapter);
void e1k_configure_rx(struct e1k_adapter *adapter);
void e1k_clean_rings(struct e1k_adapter *adapter);
void e1k_irq_enable(struct e1k_adapter *adapter);
void e1k_irq_disable(struct e1k_adapter *adapter);
irqreturn_t e1k_intr(int irq, void *data);
int e1k_poll(struct napi_struct *napi, int budget);
netdev_tx_t e1k_xmit_frame(struct sk_buff *skb, struct net_device *netdev);
unsigned int e1k_rx_buf_len(unsigned int mtu);

/* e1k_main.c */
void e1k_set_itr(struct e1k_adapter *adapter, u32 irqs_per_sec);
void e1k_write_itr(struct e1k_adapter *adapter, u32 irqs_per_sec);
void e1k_set_tx_delay(struct e1k_adapter *adapter, u32 usecs);
int e1k_open(struct net_device *netdev);
int e1k_close(struct net_device *netdev);
void e1k_dim_work(struct work_struct *work);
int e1k_reinit(struct e1k_adapter *adapter, unsigned int tx_count,
	       unsigned int rx_count, unsigned int mtu);
void e1k_update_hw_stats(struct e1k_adapter *adapter);

/* e1k_ethtool.c */
void e1k_set_ethtool_ops(struct net_device *netdev);

/* e1k_selftest.c: ethtool -t */
int e1k_self_test_count(void);
void e1k_self_test_strings(u8 *data);
void e1k_self_test(struct net_device *netdev, struct ethtool_test *test,
		   u64 *data);

#endif /* _E1K_H_ */
