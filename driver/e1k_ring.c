// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - descriptor rings, transmit, receive, the interrupt handler and
 * the NAPI poll loop.
 *
 * Ring ownership (8254x SDM 3.2.6 and 3.3.1). The hardware owns the
 * descriptors from its head (RDH/TDH) up to, not including, the tail
 * (RDT/TDT); software owns the rest:
 *
 *              next_to_clean            next_to_use
 *                    |                       |
 *   +----+----+----+-v--+----+----+----+----+v---+----+
 *   | sw | sw | sw | hw | hw | hw | hw | hw | -- | sw |   (ring wraps)
 *   +----+----+----+----+----+----+----+----+----+----+
 *                    ^ head (hardware)        ^ tail = next_to_use
 *
 * RX: hardware fills descriptors from its head and sets DD; the driver
 * takes them at next_to_clean, hands new buffers at next_to_use and then
 * moves the tail. head == tail means "no free buffers" to the hardware, so
 * the driver always leaves one descriptor unused: the tail stays one behind
 * next_to_clean and a full ring is never mistaken for an empty one.
 * TX: the driver writes descriptors at next_to_use and moves the tail;
 * hardware sends from its head and sets DD on descriptors with RS (only the
 * last one of each packet); the driver reclaims at next_to_clean.
 */
#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "e1k.h"

static unsigned int e1k_ring_unused(const struct e1k_ring *ring)
{
	unsigned int ntc = ring->next_to_clean, ntu = ring->next_to_use;

	return (ntc > ntu ? 0 : ring->count) + ntc - ntu - 1;
}

static inline unsigned int e1k_ring_next(const struct e1k_ring *ring,
					 unsigned int i)
{
	return ++i == ring->count ? 0 : i;
}

/**
 * e1k_rx_buf_len - receive buffer size for an MTU
 * @mtu: the interface MTU
 *
 * RCTL.BSIZE offers 2048, 4096, 8192 and 16384 bytes (8254x SDM 13.4.22);
 * pick the smallest that holds a whole frame, so every frame fits in one
 * descriptor.
 */
unsigned int e1k_rx_buf_len(unsigned int mtu)
{
	unsigned int frame = mtu + ETH_HLEN + VLAN_HLEN + ETH_FCS_LEN;

	if (frame <= 2048)
		return 2048;
	if (frame <= 4096)
		return 4096;
	if (frame <= 8192)
		return 8192;
	return 16384;
}

static int e1k_alloc_ring(struct e1k_adapter *adapter, struct e1k_ring *ring,
			  unsigned int count, size_t buf_size)
{
	struct device *dev = &adapter->pdev->dev;

	ring->count = count;
	ring->size = ALIGN(count * 16, 4096);
	ring->rx_buf = kcalloc(count, buf_size, GFP_KERNEL);
	if (!ring->rx_buf)
		return -ENOMEM;
	ring->desc = dma_alloc_coherent(dev, ring->size, &ring->dma, GFP_KERNEL);
	if (!ring->desc) {
		kfree(ring->rx_buf);
		ring->rx_buf = NULL;
		return -ENOMEM;
	}
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	u64_stats_init(&ring->syncp);
	return 0;
}

static void e1k_free_ring(struct e1k_adapter *adapter, struct e1k_ring *ring)
{
	if (ring->desc)
		dma_free_coherent(&adapter->pdev->dev, ring->size, ring->desc,
				  ring->dma);
	ring->desc = NULL;
	kfree(ring->rx_buf);
	ring->rx_buf = NULL;
}

/**
 * e1k_setup_rings - allocate both descriptor rings and their buffer arrays
 * @adapter: the adapter; uses tx_ring_count and rx_ring_count
 *
 * Return: 0 or -ENOMEM (nothing left allocated).
 */
int e1k_setup_rings(struct e1k_adapter *adapter)
{
	int err;

	err = e1k_alloc_ring(adapter, &adapter->tx_ring, adapter->tx_ring_count,
			     sizeof(struct e1k_tx_buffer));
	if (err)
		return err;
	err = e1k_alloc_ring(adapter, &adapter->rx_ring, adapter->rx_ring_count,
			     sizeof(struct e1k_rx_buffer));
	if (err)
		goto err_free_tx_ring;
	return 0;

err_free_tx_ring:
	e1k_free_ring(adapter, &adapter->tx_ring);
	return err;
}

/**
 * e1k_free_rings - free what e1k_setup_rings() allocated
 * @adapter: the adapter; the rings must have been cleaned
 */
void e1k_free_rings(struct e1k_adapter *adapter)
{
	e1k_free_ring(adapter, &adapter->rx_ring);
	e1k_free_ring(adapter, &adapter->tx_ring);
}

static void e1k_unmap_tx_buffer(struct e1k_adapter *adapter,
				struct e1k_tx_buffer *buf)
{
	struct device *dev = &adapter->pdev->dev;

	if (buf->len) {
		if (buf->mapped_as_page)
			dma_unmap_page(dev, buf->dma, buf->len, DMA_TO_DEVICE);
		else
			dma_unmap_single(dev, buf->dma, buf->len, DMA_TO_DEVICE);
	}
	buf->len = 0;
}

/**
 * e1k_clean_rings - release every buffer still in the rings
 * @adapter: the adapter, with hardware, IRQ and NAPI already stopped
 */
void e1k_clean_rings(struct e1k_adapter *adapter)
{
	struct e1k_ring *tx = &adapter->tx_ring, *rx = &adapter->rx_ring;
	struct device *dev = &adapter->pdev->dev;
	unsigned int i;

	for (i = 0; tx->tx_buf && i < tx->count; i++) {
		struct e1k_tx_buffer *buf = &tx->tx_buf[i];

		e1k_unmap_tx_buffer(adapter, buf);
		dev_kfree_skb_any(buf->skb);
		buf->skb = NULL;
	}
	netdev_reset_queue(adapter->netdev);

	for (i = 0; rx->rx_buf && i < rx->count; i++) {
		struct e1k_rx_buffer *buf = &rx->rx_buf[i];

		if (!buf->skb)
			continue;
		dma_unmap_single(dev, buf->dma, adapter->rx_buf_len,
				 DMA_FROM_DEVICE);
		dev_kfree_skb_any(buf->skb);
		buf->skb = NULL;
	}
	if (tx->desc)
		memset(tx->desc, 0, tx->size);
	if (rx->desc)
		memset(rx->desc, 0, rx->size);
	tx->next_to_use = 0;
	tx->next_to_clean = 0;
	tx->ctx_csum_start = U16_MAX;
	tx->ctx_csum_offset = U16_MAX;
	rx->next_to_use = 0;
	rx->next_to_clean = 0;
	rx->rx_discarding = false;
}

/**
 * e1k_program_ring - program one ring's registers, empty, timers off
 * @adapter: the adapter
 * @bal: the ring's base register, E1K_RDBAL or E1K_TDBAL
 * @ring: the allocated ring (also the self-test's loopback rings)
 *
 * The RX and TX rings share one register layout (8254x SDM 13.4.27-32 and
 * 13.4.38-44): base low/high, length in bytes, head, tail, then the packet
 * delay timer and the absolute delay timer, at the same offsets from the
 * base register. Program a ring empty (head = tail = 0) with both timers off.
 */
void e1k_program_ring(struct e1k_adapter *adapter, u32 bal,
		      const struct e1k_ring *ring)
{
	e1k_wr32(adapter, bal, lower_32_bits(ring->dma));
	e1k_wr32(adapter, bal + (E1K_RDBAH - E1K_RDBAL), upper_32_bits(ring->dma));
	e1k_wr32(adapter, bal + (E1K_RDLEN - E1K_RDBAL),
		 ring->count * sizeof(struct e1k_rx_desc));
	e1k_wr32(adapter, bal + (E1K_RDH - E1K_RDBAL), 0);
	e1k_wr32(adapter, bal + (E1K_RDT - E1K_RDBAL), 0);
	e1k_wr32(adapter, bal + (E1K_RDTR - E1K_RDBAL), 0);
	e1k_wr32(adapter, bal + (E1K_RADV - E1K_RDBAL), 0);
}

/**
 * e1k_configure_tx - program the transmit unit (8254x SDM 14.5)
 * @adapter: the adapter with its TX ring allocated
 */
void e1k_configure_tx(struct e1k_adapter *adapter)
{
	struct e1k_ring *tx = &adapter->tx_ring;

	/* 14.5 step 1; no delayed TX interrupts: RS on each packet's last one */
	e1k_program_ring(adapter, E1K_TDBAL, tx);
	/* 14.5 step 3: inter-packet gap, recommended copper values (13.4.34) */
	e1k_wr32(adapter, E1K_TIPG, FIELD_PREP(E1K_TIPG_IPGT, 10) |
		 FIELD_PREP(E1K_TIPG_IPGR1, 8) | FIELD_PREP(E1K_TIPG_IPGR2, 6));
	/* 14.5 step 2: enable, pad short packets, full-duplex collision values */
	e1k_wr32(adapter, E1K_TCTL, E1K_TCTL_EN | E1K_TCTL_PSP |
		 FIELD_PREP(E1K_TCTL_CT, 0x0f) | FIELD_PREP(E1K_TCTL_COLD, 0x40));
}

static u32 e1k_rctl_bsize(unsigned int buf_len)
{
	switch (buf_len) {
	case 4096:
		return FIELD_PREP(E1K_RCTL_BSIZE, E1K_BSIZE_4096) | E1K_RCTL_BSEX;
	case 8192:
		return FIELD_PREP(E1K_RCTL_BSIZE, E1K_BSIZE_8192) | E1K_RCTL_BSEX;
	case 16384:
		return FIELD_PREP(E1K_RCTL_BSIZE, E1K_BSIZE_16384) | E1K_RCTL_BSEX;
	default:
		return FIELD_PREP(E1K_RCTL_BSIZE, E1K_BSIZE_2048);
	}
}

static bool e1k_alloc_rx_buffer(struct e1k_adapter *adapter,
				struct e1k_rx_buffer *buf)
{
	struct device *dev = &adapter->pdev->dev;
	struct sk_buff *skb;

	skb = netdev_alloc_skb_ip_align(adapter->netdev, adapter->rx_buf_len);
	if (!skb)
		goto err_count;
	buf->dma = dma_map_single(dev, skb->data, adapter->rx_buf_len,
				  DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, buf->dma)) {
		dev_kfree_skb_any(skb);
		e1k_sw_stat_inc(adapter, &adapter->sw_stats.dma_map_errors);
		goto err_count;
	}
	buf->skb = skb;
	return true;

err_count:
	e1k_sw_stat_inc(adapter, &adapter->sw_stats.rx_alloc_failed);
	return false;
}

/*
 * Give up to @count fresh buffers to the hardware, then move the tail once.
 * The tail is written after the descriptors are visible (wmb), and never
 * catches up with next_to_clean (see the ring diagram above).
 */
static void e1k_rx_refill(struct e1k_adapter *adapter, unsigned int count)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	unsigned int i = rx->next_to_use, filled = 0;

	count = min(count, e1k_ring_unused(rx));
	while (filled < count) {
		struct e1k_rx_buffer *buf = &rx->rx_buf[i];
		struct e1k_rx_desc *desc = (struct e1k_rx_desc *)rx->desc + i;

		if (!buf->skb && !e1k_alloc_rx_buffer(adapter, buf))
			break;
		desc->addr = cpu_to_le64(buf->dma);
		desc->status = 0;
		i = e1k_ring_next(rx, i);
		filled++;
	}
	if (!filled)
		return;
	rx->next_to_use = i;
	/* Descriptors must be in memory before the device sees the new tail */
	wmb();
	e1k_wr32(adapter, E1K_RDT, i);
}

/**
 * e1k_configure_rx - program the receive unit (8254x SDM 14.4)
 * @adapter: the adapter with its RX ring allocated; RX stays disabled
 *
 * Receive is enabled by writing adapter->rctl with E1K_RCTL_EN once the
 * interrupt and NAPI are ready.
 */
void e1k_configure_rx(struct e1k_adapter *adapter)
{
	struct e1k_ring *rx = &adapter->rx_ring;

	/* 14.4, receiver off; moderation is ITR's job alone: no packet timers */
	e1k_wr32(adapter, E1K_RCTL, 0);
	e1k_program_ring(adapter, E1K_RDBAL, rx);

	/* RCTL (13.4.22): broadcast, CRC stripped, RXDMT0 at half the ring */
	adapter->rctl = (adapter->rctl & (E1K_RCTL_UPE | E1K_RCTL_MPE)) |
			E1K_RCTL_BAM | E1K_RCTL_SECRC |
			FIELD_PREP(E1K_RCTL_RDMTS, E1K_RDMTS_HALF) |
			e1k_rctl_bsize(adapter->rx_buf_len);
	if (adapter->netdev->mtu > ETH_DATA_LEN)
		adapter->rctl |= E1K_RCTL_LPE;

	e1k_rx_refill(adapter, rx->count);
}

/**
 * e1k_irq_enable - unmask the causes the driver handles (IMS, 13.4.20)
 * @adapter: the adapter
 */
void e1k_irq_enable(struct e1k_adapter *adapter)
{
	/*
	 * No flush: nothing waits for the unmask to land, and a cause already
	 * pending raises the line as soon as it does. Under QEMU every
	 * register read is a trip through the device model.
	 */
	e1k_wr32(adapter, E1K_IMS, E1K_INT_RXT0 | E1K_INT_RXDMT0 | E1K_INT_RXO |
		 E1K_INT_TXDW | E1K_INT_LSC);
}

/**
 * e1k_irq_disable - mask every cause (IMC, 13.4.21)
 * @adapter: the adapter
 */
void e1k_irq_disable(struct e1k_adapter *adapter)
{
	e1k_wr32(adapter, E1K_IMC, E1K_INT_ALL);
	e1k_flush(adapter);
}

static void e1k_clean_tx(struct e1k_adapter *adapter, int napi_budget);
static int e1k_clean_rx(struct e1k_adapter *adapter, int budget);

/* Has the hardware written back the next frame (DD, 3.2.3)? */
static bool e1k_rx_pending(struct e1k_ring *rx)
{
	struct e1k_rx_desc *desc = (struct e1k_rx_desc *)rx->desc + rx->next_to_clean;

	return READ_ONCE(desc->status) & E1K_RXD_STAT_DD;
}

/**
 * e1k_intr - the (shared, legacy INTx) interrupt handler
 * @irq: the interrupt line
 * @data: the adapter
 *
 * Reading ICR acknowledges every cause (read-to-clear, 13.4.17). A zero
 * ICR means another device on the shared line interrupted. Otherwise mask
 * all causes and leave the work to NAPI; the poll unmasks when it is done.
 * With mode=irq the handler does the work itself and masks nothing.
 *
 * Return: IRQ_NONE if the interrupt was not ours, else IRQ_HANDLED.
 */
irqreturn_t e1k_intr(int irq, void *data)
{
	struct e1k_adapter *adapter = data;
	u32 icr = e1k_rd32(adapter, E1K_ICR);

	if (!icr)
		return IRQ_NONE;

	e1k_sw_stat_inc(adapter, &adapter->sw_stats.interrupts);
	if (icr & E1K_INT_LSC)
		mod_delayed_work(system_wq, &adapter->watchdog, 0);

	if (adapter->irq_mode) {
		/*
		 * The pre-NAPI contrast: one received frame per interrupt,
		 * handled here in hard-IRQ context with the causes left
		 * unmasked, as a NIC without moderation interrupts for each
		 * frame. QEMU fills the ring in bursts while the vCPU waits,
		 * so when more frames are waiting, raise RXT0 again through
		 * ICS (13.4.19): every frame then costs its own interrupt.
		 */
		e1k_clean_tx(adapter, 0);
		if (e1k_clean_rx(adapter, 1) && e1k_rx_pending(&adapter->rx_ring))
			e1k_wr32(adapter, E1K_ICS, E1K_INT_RXT0);
		return IRQ_HANDLED;
	}

	/*
	 * Mask without the flush of e1k_irq_disable(): ICR was just read, so
	 * the line is low, and a cause that slips in before the mask lands
	 * only costs one more interrupt that finds NAPI already scheduled.
	 */
	e1k_wr32(adapter, E1K_IMC, E1K_INT_ALL);
	napi_schedule_irqoff(&adapter->napi);
	return IRQ_HANDLED;
}

/* Reclaim sent packets; not charged to the NAPI budget. */
static void e1k_clean_tx(struct e1k_adapter *adapter, int napi_budget)
{
	struct e1k_ring *tx = &adapter->tx_ring;
	struct net_device *netdev = adapter->netdev;
	unsigned int i = tx->next_to_clean;
	unsigned int packets = 0, bytes = 0;

	while (i != tx->next_to_use) {
		struct e1k_tx_buffer *first = &tx->tx_buf[i];
		struct e1k_tx_desc *eop_desc;
		unsigned int eop = first->eop;

		eop_desc = (struct e1k_tx_desc *)tx->desc + eop;
		if (!(le32_to_cpu(READ_ONCE(eop_desc->upper)) & E1K_TXD_STAT_DD))
			break;
		/* Read the buffers only after seeing DD */
		dma_rmb();

		packets += first->segs;
		bytes += first->bytecount;
		napi_consume_skb(first->skb, napi_budget);
		first->skb = NULL;
		for (;;) {
			e1k_unmap_tx_buffer(adapter, &tx->tx_buf[i]);
			if (i == eop)
				break;
			i = e1k_ring_next(tx, i);
		}
		eop_desc->upper = 0;
		i = e1k_ring_next(tx, i);
	}
	tx->next_to_clean = i;
	if (!packets)
		return;

	u64_stats_update_begin(&tx->syncp);
	tx->stats.packets += packets;
	tx->stats.bytes += bytes;
	u64_stats_update_end(&tx->syncp);
	netdev_completed_queue(netdev, packets, bytes);

	/*
	 * Publish next_to_clean before testing the queue state; pairs with
	 * the smp_mb() in e1k_maybe_stop_tx(), which stops the queue before
	 * re-reading next_to_clean.
	 */
	smp_mb();
	if (netif_queue_stopped(netdev) &&
	    e1k_ring_unused(tx) >= E1K_TX_WAKE_THRESHOLD &&
	    !test_bit(E1K_STATE_DOWN, &adapter->state)) {
		netif_wake_queue(netdev);
		e1k_sw_stat_inc(adapter, &adapter->sw_stats.tx_restart_queue);
	}
}

/* Hand one frame (@len bytes, already in @skb) to the stack. */
static void e1k_receive_skb(struct e1k_adapter *adapter, struct sk_buff *skb,
			    unsigned int len)
{
	struct e1k_ring *rx = &adapter->rx_ring;

	skb->protocol = eth_type_trans(skb, adapter->netdev);
	/* QEMU's e1000 offers no RX checksum offload (IXSM is always set) */
	skb_checksum_none_assert(skb);

	u64_stats_update_begin(&rx->syncp);
	rx->stats.packets++;
	rx->stats.bytes += len;
	u64_stats_update_end(&rx->syncp);
	if (adapter->irq_mode)
		netif_rx(skb);	/* hard IRQ: queue to the backlog */
	else
		napi_gro_receive(&adapter->napi, skb);
}

/*
 * Take the frame of @len bytes out of @buf. Copybreak: a small frame (TCP
 * ACKs, small datagrams) is copied into an skb of its own size and the
 * buffer stays mapped in the ring for e1k_rx_refill() to hand back, instead
 * of unmapping it and allocating and mapping a new one for every frame.
 * Larger frames, or when no small skb can be had, take the buffer itself.
 */
static struct sk_buff *e1k_rx_take(struct e1k_adapter *adapter,
				   struct e1k_rx_buffer *buf, unsigned int len)
{
	struct device *dev = &adapter->pdev->dev;
	struct sk_buff *skb = NULL;

	if (len <= E1K_RX_COPYBREAK) {
		if (adapter->irq_mode)	/* hard IRQ: not the NAPI cache */
			skb = netdev_alloc_skb_ip_align(adapter->netdev, len);
		else
			skb = napi_alloc_skb(&adapter->napi, len);
	}
	if (skb) {
		dma_sync_single_for_cpu(dev, buf->dma, len, DMA_FROM_DEVICE);
		skb_put_data(skb, buf->skb->data, len);
		dma_sync_single_for_device(dev, buf->dma, len, DMA_FROM_DEVICE);
		return skb;
	}
	skb = buf->skb;
	buf->skb = NULL;
	dma_unmap_single(dev, buf->dma, adapter->rx_buf_len, DMA_FROM_DEVICE);
	skb_put(skb, len);
	return skb;
}

/* Receive up to @budget frames, refilling the ring in batches. */
static int e1k_clean_rx(struct e1k_adapter *adapter, int budget)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	unsigned int i = rx->next_to_clean, cleaned = 0;
	int work = 0;

	while (work < budget) {
		struct e1k_rx_desc *desc = (struct e1k_rx_desc *)rx->desc + i;
		struct e1k_rx_buffer *buf = &rx->rx_buf[i];
		u8 status = READ_ONCE(desc->status);
		unsigned int len;

		if (!(status & E1K_RXD_STAT_DD))
			break;
		/* Read length and errors only after seeing DD */
		dma_rmb();
		len = le16_to_cpu(desc->length);

		/*
		 * A dropped frame or a copied one leaves its buffer in place:
		 * e1k_rx_refill() hands it back to the hardware as it is.
		 */
		if (!(status & E1K_RXD_STAT_EOP) || rx->rx_discarding) {
			/* A frame larger than one buffer: drop all its parts */
			rx->rx_discarding = !(status & E1K_RXD_STAT_EOP);
			e1k_sw_stat_inc(adapter, &adapter->sw_stats.rx_length_errors);
		} else if (desc->errors & E1K_RXD_ERR_FRAME) {
			e1k_sw_stat_inc(adapter, &adapter->sw_stats.rx_frame_errors);
		} else {
			e1k_receive_skb(adapter, e1k_rx_take(adapter, buf, len), len);
		}

		desc->status = 0;
		i = e1k_ring_next(rx, i);
		rx->next_to_clean = i;
		work++;
		if (++cleaned == E1K_RX_REFILL_BATCH) {
			e1k_rx_refill(adapter, cleaned);
			cleaned = 0;
		}
	}
	/*
	 * Move the tail only for a whole batch: a poll that took a few ACKs
	 * would otherwise cost an RDT write each, and the hardware still has
	 * all but E1K_RX_REFILL_BATCH - 1 buffers. This also retries buffers
	 * that failed to allocate in an earlier poll.
	 */
	if (e1k_ring_unused(rx) >= E1K_RX_REFILL_BATCH)
		e1k_rx_refill(adapter, e1k_ring_unused(rx));
	return work;
}

/*
 * Below this packet rate an interrupt per packet costs nothing worth saving:
 * there is nothing to batch, so adaptive-rx goes straight back to ITR off.
 */
#define E1K_DIM_IDLE_PPS	1000

/*
 * net_dim moves one profile per DIM_NEVENTS samples, and at idle a sample
 * comes per packet: a ping every 20 ms would wait seconds behind the ITR the
 * last burst left. So once per 100 ms window, measure the packet rate and
 * reset to the lowest-latency profile when it is below E1K_DIM_IDLE_PPS.
 */
static bool e1k_dim_idle(struct e1k_adapter *adapter, u64 packets)
{
	unsigned long elapsed = jiffies - adapter->dim_idle_mark;
	u64 window_packets = packets - adapter->dim_idle_packets;
	struct dim *dim = &adapter->rx_dim;

	if (elapsed < HZ / 10)
		return false;
	adapter->dim_idle_mark = jiffies;
	adapter->dim_idle_packets = packets;
	if (window_packets * HZ >= (u64)E1K_DIM_IDLE_PPS * elapsed)
		return false;
	if (dim->profile_ix) {
		dim->profile_ix = 0;
		dim->tune_state = DIM_GOING_RIGHT;
		dim->state = DIM_APPLY_NEW_PROFILE;
		schedule_work(&dim->work);
	}
	return true;
}

/* Feed net_dim one sample per return to interrupt mode (adaptive-rx). */
static void e1k_dim_sample(struct e1k_adapter *adapter)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	struct dim_sample sample;
	unsigned int start;
	u64 packets, bytes;

	do {
		start = u64_stats_fetch_begin(&rx->syncp);
		packets = rx->stats.packets;
		bytes = rx->stats.bytes;
	} while (u64_stats_fetch_retry(&rx->syncp, start));
	if (e1k_dim_idle(adapter, packets))
		return;
	dim_update_sample(adapter->dim_events++, packets, bytes, &sample);
	net_dim(&adapter->rx_dim, sample);
}

/**
 * e1k_poll - the NAPI poll loop
 * @napi: the adapter's NAPI context
 * @budget: how many received packets this poll may process
 *
 * TX completions are cleaned first and are not charged to the budget.
 * When RX used the whole budget the device stays in polling mode with its
 * interrupts masked; otherwise NAPI completes and, only if
 * napi_complete_done() agrees (no busy-poll owner, no re-schedule pending),
 * the interrupts are unmasked again.
 *
 * Return: the number of received packets processed.
 */
int e1k_poll(struct napi_struct *napi, int budget)
{
	struct e1k_adapter *adapter = container_of(napi, struct e1k_adapter, napi);
	int work;

	e1k_sw_stat_inc(adapter, &adapter->sw_stats.napi_polls);
	e1k_clean_tx(adapter, budget);
	if (!budget)	/* netpoll: TX only */
		return 0;

	work = e1k_clean_rx(adapter, budget);
	if (work == budget) {
		e1k_sw_stat_inc(adapter, &adapter->sw_stats.napi_budget_exhausted);
		return budget;
	}
	if (napi_complete_done(napi, work)) {
		e1k_sw_stat_inc(adapter, &adapter->sw_stats.napi_complete);
		if (adapter->adaptive_rx)
			e1k_dim_sample(adapter);
		if (!test_bit(E1K_STATE_DOWN, &adapter->state))
			e1k_irq_enable(adapter);
	}
	return work;
}

/*
 * Stop the queue when the next packet might not fit. The re-check after the
 * barrier closes the race with e1k_clean_tx() freeing descriptors meanwhile.
 */
static void e1k_maybe_stop_tx(struct e1k_adapter *adapter)
{
	if (likely(e1k_ring_unused(&adapter->tx_ring) >= E1K_TX_DESC_NEEDED))
		return;
	netif_stop_queue(adapter->netdev);
	/* Stop before re-reading next_to_clean; pairs with e1k_clean_tx() */
	smp_mb();
	if (e1k_ring_unused(&adapter->tx_ring) >= E1K_TX_DESC_NEEDED) {
		netif_start_queue(adapter->netdev);
		e1k_sw_stat_inc(adapter, &adapter->sw_stats.tx_restart_queue);
	}
}

/*
 * The TCP/IP context descriptor (8254x SDM 3.3.6) tells the hardware where
 * the checksum starts and where to store it; it holds for every following
 * packet, so it is written only when it changes. Returns the descriptor
 * count used (0 or 1).
 */
static unsigned int e1k_tx_csum_context(struct e1k_ring *tx, struct sk_buff *skb)
{
	u16 start = skb_checksum_start_offset(skb);
	u16 offset = start + skb->csum_offset;
	struct e1k_tx_context_desc *ctx;
	struct e1k_tx_buffer *buf;

	if (tx->ctx_csum_start == start && tx->ctx_csum_offset == offset)
		return 0;
	tx->ctx_csum_start = start;
	tx->ctx_csum_offset = offset;

	ctx = (struct e1k_tx_context_desc *)tx->desc + tx->next_to_use;
	memset(ctx, 0, sizeof(*ctx));
	ctx->tucss = start;
	ctx->tucso = offset;
	ctx->tucse = 0;
	ctx->cmd_and_length = cpu_to_le32(E1K_TXD_CMD_DEXT | E1K_TXD_DTYP_CTX);
	buf = &tx->tx_buf[tx->next_to_use];
	buf->len = 0;
	tx->next_to_use = e1k_ring_next(tx, tx->next_to_use);
	return 1;
}

/*
 * TCP segmentation offload (8254x SDM 3.5): a context descriptor with TSE
 * describes the headers (IP at ipcss, TCP at tucss, hdr_len bytes), the MSS
 * and the payload length; the hardware cuts the payload into MSS-sized
 * segments, copies the headers in front of each and fixes lengths, IDs,
 * sequence numbers and checksums. The driver seeds the TCP checksum with
 * the pseudo-header sum without the length, as the hardware adds each
 * segment's length. Returns the descriptor count used (1), or a negative
 * errno.
 */
static int e1k_tx_tso(struct e1k_ring *tx, struct sk_buff *skb, u32 *popts)
{
	unsigned int ipcss = skb_network_offset(skb);
	unsigned int tucss = skb_transport_offset(skb);
	unsigned int hdr_len = tucss + tcp_hdrlen(skb);
	struct e1k_tx_context_desc *ctx;
	u32 tucmd = E1K_TXD_CTX_TCP;
	int err;

	err = skb_cow_head(skb, 0);
	if (err < 0)
		return err;
	if (hdr_len > 255 || tucss + offsetof(struct tcphdr, check) > 255)
		return -EINVAL;

	ctx = (struct e1k_tx_context_desc *)tx->desc + tx->next_to_use;
	memset(ctx, 0, sizeof(*ctx));
	if (skb->protocol == htons(ETH_P_IP)) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = 0;
		iph->check = 0;
		tcp_hdr(skb)->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, 0,
							 IPPROTO_TCP, 0);
		ctx->ipcss = ipcss;
		ctx->ipcso = ipcss + offsetof(struct iphdr, check);
		ctx->ipcse = cpu_to_le16(tucss - 1);
		tucmd |= E1K_TXD_CTX_IP;
		*popts = E1K_TXD_POPTS_TXSM | E1K_TXD_POPTS_IXSM;
	} else {
		return -EPROTONOSUPPORT;	/* only NETIF_F_TSO is offered */
	}
	ctx->tucss = tucss;
	ctx->tucso = tucss + offsetof(struct tcphdr, check);
	ctx->tucse = 0;
	ctx->hdr_len = hdr_len;
	ctx->mss = cpu_to_le16(skb_shinfo(skb)->gso_size);
	ctx->cmd_and_length = cpu_to_le32(E1K_TXD_CMD_DEXT | E1K_TXD_DTYP_CTX |
					  E1K_TXD_CMD_TSE | tucmd |
					  FIELD_PREP(E1K_TXD_PAYLEN, skb->len - hdr_len));
	tx->tx_buf[tx->next_to_use].len = 0;
	tx->next_to_use = e1k_ring_next(tx, tx->next_to_use);
	/* The checksum context no longer matches the cache */
	tx->ctx_csum_start = U16_MAX;
	return 1;
}

static void e1k_tx_put_desc(struct e1k_ring *tx, unsigned int i, dma_addr_t dma,
			    unsigned int len, u32 popts, u32 dcmd)
{
	struct e1k_tx_desc *desc = (struct e1k_tx_desc *)tx->desc + i;

	desc->addr = cpu_to_le64(dma);
	desc->lower = cpu_to_le32(len | E1K_TXD_DTYP_DATA | E1K_TXD_CMD_DEXT |
				  E1K_TXD_CMD_IFCS | dcmd);
	desc->upper = cpu_to_le32(popts);
}

/* Map the head and every fragment; on failure unmap what was mapped. */
static int e1k_tx_map(struct e1k_adapter *adapter, struct sk_buff *skb,
		      u32 popts, u32 dcmd, unsigned int *last)
{
	struct e1k_ring *tx = &adapter->tx_ring;
	struct device *dev = &adapter->pdev->dev;
	unsigned int first = tx->next_to_use, i = first, f;
	struct e1k_tx_buffer *buf = &tx->tx_buf[i];

	buf->dma = dma_map_single(dev, skb->data, skb_headlen(skb), DMA_TO_DEVICE);
	if (dma_mapping_error(dev, buf->dma))
		goto err_count;
	buf->len = skb_headlen(skb);
	buf->mapped_as_page = false;
	e1k_tx_put_desc(tx, i, buf->dma, buf->len, popts, dcmd);

	for (f = 0; f < skb_shinfo(skb)->nr_frags; f++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[f];

		i = e1k_ring_next(tx, i);
		buf = &tx->tx_buf[i];
		buf->dma = skb_frag_dma_map(dev, frag, 0, skb_frag_size(frag),
					    DMA_TO_DEVICE);
		if (dma_mapping_error(dev, buf->dma))
			goto err_unmap_fragments;
		buf->len = skb_frag_size(frag);
		buf->mapped_as_page = true;
		e1k_tx_put_desc(tx, i, buf->dma, buf->len, popts, dcmd);
	}
	*last = i;
	return 0;

err_unmap_fragments:
	buf->len = 0;
	for (;;) {
		e1k_unmap_tx_buffer(adapter, &tx->tx_buf[i]);
		if (i == first)
			break;
		i = i ? i - 1 : tx->count - 1;
	}
err_count:
	e1k_sw_stat_inc(adapter, &adapter->sw_stats.dma_map_errors);
	return -ENOMEM;
}

/**
 * e1k_xmit_frame - ndo_start_xmit: queue one packet for transmission
 * @skb: the packet
 * @netdev: the interface
 *
 * Maps the head and every fragment (scatter-gather), writes a context
 * descriptor for checksum offload or TSO when needed, then one data
 * descriptor each (IFCS on all, EOP and RS on the last), accounts the bytes
 * to BQL and moves the tail only when the stack has no more packets coming
 * (netdev_xmit_more()) or BQL asks for it.
 *
 * Return: NETDEV_TX_OK (a packet that cannot be mapped is dropped).
 */
netdev_tx_t e1k_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);
	struct e1k_ring *tx = &adapter->tx_ring;
	unsigned int first, last, ctx_descs = 0, segs = 1;
	unsigned int bytecount = skb->len;
	u32 dcmd = 0;
	struct e1k_tx_buffer *first_buf;
	struct e1k_tx_desc *last_desc;
	u32 popts = 0;

	if (unlikely(e1k_ring_unused(tx) < skb_shinfo(skb)->nr_frags + 2)) {
		/* e1k_maybe_stop_tx() should have prevented this */
		netif_stop_queue(netdev);
		return NETDEV_TX_BUSY;
	}

	/* The packet's first descriptor: its context descriptor, if any */
	first = tx->next_to_use;
	if (skb_is_gso(skb)) {
		int ret = e1k_tx_tso(tx, skb, &popts);

		if (ret < 0)
			goto drop;
		ctx_descs = ret;
		dcmd = E1K_TXD_CMD_TSE;
		segs = skb_shinfo(skb)->gso_segs;
		/* Every segment after the first carries its own copy of the headers */
		bytecount += (segs - 1) * (skb_transport_offset(skb) + tcp_hdrlen(skb));
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		/* The context descriptor has 8-bit offsets */
		if (skb_checksum_start_offset(skb) + skb->csum_offset > 255) {
			if (skb_checksum_help(skb))
				goto drop;
		} else {
			ctx_descs = e1k_tx_csum_context(tx, skb);
			popts = E1K_TXD_POPTS_TXSM;
		}
	}

	/* ethtool tx-usecs: let TIDV/TADV delay this packet's TXDW (3.3.7.1) */
	if (READ_ONCE(adapter->tx_usecs))
		dcmd |= E1K_TXD_CMD_IDE;

	if (e1k_tx_map(adapter, skb, popts, dcmd, &last)) {
		/* Take back the context descriptor; rewrite it next time */
		tx->next_to_use = first;
		if (ctx_descs)
			tx->ctx_csum_start = U16_MAX;
		goto drop;
	}

	last_desc = (struct e1k_tx_desc *)tx->desc + last;
	last_desc->lower |= cpu_to_le32(E1K_TXD_CMD_EOP | E1K_TXD_CMD_RS);

	/* e1k_clean_tx() reclaims from the first to the last descriptor */
	first_buf = &tx->tx_buf[first];
	first_buf->skb = skb;
	first_buf->eop = last;
	first_buf->segs = segs;
	first_buf->bytecount = bytecount;

	tx->next_to_use = e1k_ring_next(tx, last);
	skb_tx_timestamp(skb);
	e1k_maybe_stop_tx(adapter);

	if (__netdev_sent_queue(netdev, bytecount, netdev_xmit_more())) {
		/* Descriptors must be in memory before the device sees the tail */
		wmb();
		e1k_wr32(adapter, E1K_TDT, tx->next_to_use);
	}
	return NETDEV_TX_OK;

drop:
	dev_kfree_skb_any(skb);
	e1k_sw_stat_inc(adapter, &adapter->sw_stats.tx_dropped);
	/* Earlier packets may have deferred the tail to this one */
	wmb();
	e1k_wr32(adapter, E1K_TDT, tx->next_to_use);
	return NETDEV_TX_OK;
}
