// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - receive: buffers, refilling the ring, taking frames out of it,
 * and recovering a ring that allocation failures left empty. The ring
 * ownership is drawn in e1k_ring.c.
 */
#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>

#include "e1k.h"

/**
 * e1k_rx_buf_len - receive buffer size for an MTU
 * @mtu: the interface MTU
 *
 * RCTL.BSIZE offers 2048, 4096, 8192 and 16384 bytes (8254x SDM 13.4.22);
 * pick the smallest that holds a whole frame, so every frame fits in one
 * descriptor.
 *
 * Return: the buffer size in bytes.
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

	if (e1k_fail_rx_alloc(adapter))
		goto err_count;
	skb = netdev_alloc_skb_ip_align(adapter->netdev, adapter->rx_buf_len);
	if (!skb)
		goto err_count;
	buf->dma = dma_map_single(dev, skb->data, adapter->rx_buf_len,
				  DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, buf->dma))
		goto err_free_skb;
	buf->skb = skb;
	return true;

err_free_skb:
	dev_kfree_skb_any(skb);
	atomic64_inc(&adapter->events.dma_map_errors);
err_count:
	atomic64_inc(&adapter->events.rx_alloc_failed);
	return false;
}

/*
 * Give up to @count buffers to the hardware, then move the tail once; the
 * tail never catches up with next_to_clean (see the ring diagram in
 * e1k_ring.c). Stops at the first buffer that cannot be had: the next
 * refill retries from there. Returns the number given.
 */
static unsigned int e1k_rx_refill(struct e1k_adapter *adapter, unsigned int count)
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
		return 0;
	WRITE_ONCE(rx->next_to_use, i);
	/* writel() orders the descriptor writes before the tail (e1k.h) */
	e1k_wr32(adapter, E1K_RDT, i);
	return filled;
}

/**
 * e1k_configure_rx - program the receive unit (8254x SDM 14.4)
 * @adapter: the adapter with its RX ring allocated (E1K_STATE_DOWN set);
 *	     RX stays disabled
 *
 * Receive is enabled by setting E1K_RCTL_EN (e1k_rctl_update()) once the
 * interrupt and NAPI are ready. The filter bits (UPE, MPE) that
 * e1k_set_rx_mode() chose are kept.
 *
 * Return: the number of buffers given to the hardware; fewer than the ring
 * holds when allocations failed (e1k_rx_kick() recovers a ring left empty).
 */
unsigned int e1k_configure_rx(struct e1k_adapter *adapter)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	u32 rctl;

	/* RCTL (13.4.22): broadcast, CRC stripped, RXDMT0 at half the ring */
	rctl = E1K_RCTL_BAM | E1K_RCTL_SECRC |
	       FIELD_PREP(E1K_RCTL_RDMTS, E1K_RDMTS_HALF) |
	       e1k_rctl_bsize(adapter->rx_buf_len);
	if (adapter->netdev->mtu > ETH_DATA_LEN)
		rctl |= E1K_RCTL_LPE;

	/* 14.4, receiver off; moderation is ITR's job alone: no packet timers */
	spin_lock_bh(&adapter->rctl_lock);
	e1k_wr32(adapter, E1K_RCTL, 0);
	adapter->rctl = (adapter->rctl & (E1K_RCTL_UPE | E1K_RCTL_MPE)) | rctl;
	spin_unlock_bh(&adapter->rctl_lock);
	e1k_program_ring(adapter, E1K_RDBAL, rx);

	return e1k_rx_refill(adapter, rx->count);
}

/**
 * e1k_rx_starved - has the hardware no receive buffer at all?
 * @rx: the RX ring
 *
 * Then QEMU (like the hardware) takes no frame in and raises no receive
 * interrupt, so nothing would ever call the poll that refills the ring.
 * Read without the poll's ordering: the answer may be stale, which costs
 * one needless interrupt at most.
 *
 * Return: true if every descriptor is the software's.
 */
bool e1k_rx_starved(const struct e1k_ring *rx)
{
	return e1k_ring_unused(rx) == rx->count - 1;
}

/**
 * e1k_rx_kick - recover an RX ring that failed allocations left empty
 * @adapter: the adapter (the link watchdog, process context)
 *
 * Raise RXT0 through ICS (8254x SDM 13.4.19): the interrupt runs the
 * normal path (mask, NAPI poll, refill), in order with a poll already
 * running, whose unmask lets it through. With mode=irq the handler
 * refills the same way.
 *
 * Return: true if the ring was empty and was kicked.
 */
bool e1k_rx_kick(struct e1k_adapter *adapter)
{
	if (!e1k_rx_starved(&adapter->rx_ring))
		return false;
	atomic64_inc(&adapter->events.rx_refill_kicks);
	e1k_wr32(adapter, E1K_ICS, E1K_INT_RXT0);
	return true;
}

/**
 * e1k_rx_pending - has the hardware written back the next frame (DD, 3.2.3)?
 * @rx: the RX ring
 *
 * Return: true if a frame waits at next_to_clean.
 */
bool e1k_rx_pending(struct e1k_ring *rx)
{
	struct e1k_rx_desc *desc = (struct e1k_rx_desc *)rx->desc + rx->next_to_clean;

	return READ_ONCE(desc->status) & E1K_RXD_STAT_DD;
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

/**
 * e1k_clean_rx - receive up to @budget frames, refilling the ring in batches
 * @adapter: the adapter (the poll context: NAPI, or the mode=irq handler)
 * @budget: the most frames to take
 *
 * Return: the frames taken (dropped ones included).
 */
int e1k_clean_rx(struct e1k_adapter *adapter, int budget)
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
			e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_length_errors);
		} else if (desc->errors & E1K_RXD_ERR_FRAME) {
			e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_frame_errors);
		} else {
			e1k_receive_skb(adapter, e1k_rx_take(adapter, buf, len), len);
		}

		desc->status = 0;
		i = e1k_ring_next(rx, i);
		WRITE_ONCE(rx->next_to_clean, i);
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
	/*
	 * Out of buffers and none to be had: no frame, so no interrupt, will
	 * come. Have the watchdog retry soon (e1k_rx_kick()), once: polls
	 * after this one must not keep pushing it back (the watchdog clears
	 * the bit when it runs).
	 */
	if (unlikely(e1k_rx_starved(rx)) &&
	    !test_and_set_bit(E1K_STATE_RX_RETRY, &adapter->state))
		mod_delayed_work(system_wq, &adapter->watchdog, E1K_RX_RETRY_DELAY);
	return work;
}

