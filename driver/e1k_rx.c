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
 * e1k_rx_pool_create - the RX ring's page_pool (ring setup)
 * @adapter: the adapter, its RX ring allocated
 *
 * One pool per RX ring. Its ptr_ring, where pages come back from freed
 * skbs, holds twice as many pages as the ring has descriptors: a reader
 * that drains a burst from its socket returns more pages at once than the
 * ring holds, and with room for only as many the surplus went back to the
 * page allocator, to be allocated and mapped again (driver-pagepool.sh:
 * 75-82 % recycled at the ring's size, 91-92 % at twice). The cost: up to
 * two idle pages per descriptor. The pool maps each
 * page for the device once, when it first allocates it, and keeps it
 * mapped while it recycles it (PP_FLAG_DMA_MAP); a page coming back is
 * synced for the device over the part the NIC may write, from
 * E1K_RX_HEADROOM for E1K_RX_BUF_LEN bytes (PP_FLAG_DMA_SYNC_DEV). Linux
 * 6.1's page_pool has no NAPI binding (page_pool_params.napi came later):
 * pages come back from freed skbs through the pool's ptr_ring, and the poll
 * takes them from there in batches.
 *
 * Context: process, RTNL held; may sleep.
 * Return: 0 or a negative errno (no pool).
 */
int e1k_rx_pool_create(struct e1k_adapter *adapter)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	struct page_pool_params params = {
		.flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV,
		.order = E1K_RX_PAGE_ORDER,
		.pool_size = 2 * rx->count,
		.nid = dev_to_node(&adapter->pdev->dev),
		.dev = &adapter->pdev->dev,
		/*
		 * XDP_TX sends from the page: the device reads it too. Always,
		 * so that a program comes and goes with the interface up (no
		 * pool rebuild); free without an IOMMU or bounce buffers, with
		 * swiotlb each recycle then bounces the buffer to the device.
		 */
		.dma_dir = DMA_BIDIRECTIONAL,
		.offset = E1K_RX_HEADROOM,
		.max_len = E1K_RX_BUF_LEN,
	};
	struct page_pool *pool;

	pool = page_pool_create(&params);
	if (IS_ERR(pool)) {
		rx->page_pool = NULL;
		return PTR_ERR(pool);
	}
	rx->page_pool = pool;
	return 0;
}

/**
 * e1k_rx_pool_destroy - release the RX ring's page_pool (ring tear-down)
 * @adapter: the adapter: the receiver stopped and every page of the ring
 *	     back in the pool (e1k_rx_release_buffers())
 *
 * Pages still held by skbs in the stack keep the pool alive until they
 * come back; page_pool_destroy() frees it then. Those pages also keep
 * their DMA mapping until then, after the driver is gone if it is
 * unloaded meanwhile: Linux 6.1 has no way to take them back (README,
 * "page_pool").
 *
 * Context: process, RTNL held; may sleep.
 */
void e1k_rx_pool_destroy(struct e1k_adapter *adapter)
{
	struct page_pool *pool = adapter->rx_ring.page_pool;

#ifdef CONFIG_PAGE_POOL_STATS
	/* ethtool -S goes on counting from here (e1k_rx_pool_stats()) */
	if (pool)
		page_pool_get_stats(pool, &adapter->rx_pool_stats_retired);
#endif
	page_pool_destroy(pool);
	adapter->rx_ring.page_pool = NULL;
}

#ifdef CONFIG_PAGE_POOL_STATS
/**
 * e1k_rx_pool_stats - the page_pool's own counters, for ethtool -S
 * @adapter: the adapter
 * @data: where the page_pool_ethtool_stats_get_count() values go
 *
 * Every open creates a pool: the counters of those destroyed before are
 * added, so that none goes backwards across a down and up.
 *
 * Context: process, RTNL held (no pool comes or goes meanwhile).
 */
void e1k_rx_pool_stats(struct e1k_adapter *adapter, u64 *data)
{
	struct page_pool_stats stats = adapter->rx_pool_stats_retired;

	if (adapter->rx_ring.page_pool)
		page_pool_get_stats(adapter->rx_ring.page_pool, &stats);
	page_pool_ethtool_stats_get(data, &stats);
}
#endif

/**
 * e1k_rx_release_buffers - give every page of the RX ring back to its pool
 * @adapter: the adapter, with the receiver, its interrupt and NAPI stopped
 *
 * Context: process; NAPI and IRQ stopped.
 */
void e1k_rx_release_buffers(struct e1k_adapter *adapter)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	unsigned int i;

	for (i = 0; rx->rx_buf && i < rx->count; i++) {
		struct e1k_rx_buffer *buf = &rx->rx_buf[i];

		if (!buf->page)
			continue;
		/* Not in NAPI context: through the pool's ptr_ring */
		page_pool_put_full_page(rx->page_pool, buf->page, false);
		buf->page = NULL;
	}
}

/* The address the NIC writes a frame to: past the headroom */
static dma_addr_t e1k_rx_buf_dma(struct page *page)
{
	return page_pool_get_dma_addr(page) + E1K_RX_HEADROOM;
}

static bool e1k_alloc_rx_buffer(struct e1k_adapter *adapter,
				struct e1k_rx_buffer *buf, gfp_t gfp)
{
	struct page *page;

	if (e1k_fail_rx_alloc(adapter))
		goto err_count;
	/* Mapped, and synced for the device, by the pool */
	page = page_pool_alloc_pages(adapter->rx_ring.page_pool, gfp);
	if (!page)
		goto err_count;
	buf->page = page;
	return true;

err_count:
	atomic64_inc(&adapter->events.rx_alloc_failed);
	return false;
}

/*
 * Give up to @count buffers to the hardware, then move the tail once; the
 * tail never catches up with next_to_clean (see the ring diagram in
 * e1k_ring.c). Pages come from the pool with @gfp. Stops at the first
 * buffer that cannot be had: the next refill retries from there. Runs in
 * the poll context, or at open before any poll: the only user of the
 * pool's lockless allocation cache. Returns the number given.
 */
static unsigned int e1k_rx_fill(struct e1k_adapter *adapter, unsigned int count,
				gfp_t gfp)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	unsigned int i = rx->next_to_use, filled = 0, allocated = 0;

	count = min(count, e1k_ring_unused(rx));
	while (filled < count) {
		struct e1k_rx_buffer *buf = &rx->rx_buf[i];
		struct e1k_rx_desc *desc = e1k_rx_desc(rx, i);

		/* A dropped or copied frame left its page in place */
		if (!buf->page) {
			if (!e1k_alloc_rx_buffer(adapter, buf, gfp))
				break;
			allocated++;
		}
		desc->addr = cpu_to_le64(e1k_rx_buf_dma(buf->page));
		desc->status = 0;
		i = e1k_ring_next(rx, i);
		filled++;
	}
	if (!filled)
		return 0;
	/* Most refills only hand back pages that copybreak left in place */
	if (allocated)
		atomic64_add(allocated, &adapter->events.rx_pool_pages);
	WRITE_ONCE(rx->next_to_use, i);
	/* writel() orders the descriptor writes before the tail (e1k.h) */
	e1k_wr32(adapter, E1K_RDT, i);
	return filled;
}

/* e1k_rx_fill() from the poll context (NAPI, or the mode=irq handler) */
static unsigned int e1k_rx_refill(struct e1k_adapter *adapter, unsigned int count)
{
	return e1k_rx_fill(adapter, count, GFP_ATOMIC | __GFP_NOWARN);
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

	/*
	 * RCTL (13.4.22): broadcast, CRC stripped, RXDMT0 at half the ring,
	 * buffers of E1K_RX_BUF_LEN (BSIZE 2048, BSEX clear: what fits in a
	 * page beside the headroom and the tailroom, see e1k.h). Long packets
	 * (LPE) for a jumbo MTU: the NIC spreads them over several buffers.
	 */
	static_assert(E1K_RX_BUF_LEN == 2048);
	rctl = E1K_RCTL_BAM | E1K_RCTL_SECRC |
	       FIELD_PREP(E1K_RCTL_RDMTS, E1K_RDMTS_HALF) |
	       FIELD_PREP(E1K_RCTL_BSIZE, E1K_BSIZE_2048);
	if (adapter->netdev->mtu > ETH_DATA_LEN)
		rctl |= E1K_RCTL_LPE;

	/* 14.4, receiver off; moderation is ITR's job alone: no packet timers */
	spin_lock_bh(&adapter->rctl_lock);
	e1k_wr32(adapter, E1K_RCTL, 0);
	adapter->rctl = (adapter->rctl & (E1K_RCTL_UPE | E1K_RCTL_MPE)) | rctl;
	spin_unlock_bh(&adapter->rctl_lock);
	e1k_program_ring(adapter, E1K_RDBAL, rx);

	/* Process context, before any poll or interrupt: pages may be waited for */
	return e1k_rx_fill(adapter, rx->count, GFP_KERNEL | __GFP_NOWARN);
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
 * With a jumbo MTU a ring holding fewer buffers than one frame spans is in
 * a second such state, which this does not catch: QEMU then drops each
 * frame and raises RXO (receiver overrun, unmasked), whose poll retries
 * the refill. That recovers, at the cost of the frames dropped until an
 * allocation succeeds.
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
	return READ_ONCE(e1k_rx_desc(rx, rx->next_to_clean)->status) & E1K_RXD_STAT_DD;
}

/* Hand one frame, all of it in @skb, to the stack. */
static void e1k_receive_skb(struct e1k_adapter *adapter, struct sk_buff *skb)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	unsigned int len = skb->len;	/* eth_type_trans() pulls the header */

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
 * Copybreak: a small frame (TCP ACKs, small datagrams) is copied into an
 * skb of its own size and its page stays in the ring, synced back for the
 * device, for e1k_rx_refill() to hand back as it is: no trip through the
 * pool, and the socket is charged a small skb's truesize, not a page's.
 * Such an skb never GRO-merges with one built around pool pages (6.1's
 * skb_gro_receive() refuses to mix pp_recycle skbs with others): a short
 * TCP segment after full ones ends the GRO packet, rare in bulk transfers.
 * Returns NULL when no small skb can be had.
 */
static struct sk_buff *e1k_rx_copy(struct e1k_adapter *adapter,
				   struct page *page, unsigned int len)
{
	struct device *dev = &adapter->pdev->dev;
	dma_addr_t dma = page_pool_get_dma_addr(page);
	struct sk_buff *skb;

	if (adapter->irq_mode)	/* hard IRQ: not the NAPI cache */
		skb = netdev_alloc_skb_ip_align(adapter->netdev, len);
	else
		skb = napi_alloc_skb(&adapter->napi, len);
	if (!skb)
		return NULL;
	dma_sync_single_range_for_cpu(dev, dma, E1K_RX_HEADROOM, len, DMA_FROM_DEVICE);
	skb_put_data(skb, page_address(page) + E1K_RX_HEADROOM, len);
	dma_sync_single_range_for_device(dev, dma, E1K_RX_HEADROOM, len, DMA_FROM_DEVICE);
	return skb;
}

/*
 * Build the skb around the pages of a frame that spans @nbufs descriptors
 * from @first: the first page is the skb's head (build_skb(): the headroom
 * in front, struct skb_shared_info at the end of the page), the others its
 * fragments. Each page then belongs to the skb and goes back to the pool
 * when the skb is freed (skb_mark_for_recycle()); its slot in the ring is
 * empty for e1k_rx_refill(). Returns NULL when no skb head can be had: the
 * pages stay in the ring.
 *
 * Not so with mode=irq or irq-drain: netif_rx() from the hard-IRQ handler
 * may free the skb right there (backlog full), and 6.1's page_pool return
 * path takes its ptr_ring's producer lock with spin_lock_bh(), which must
 * not run in hard-IRQ context (a WARN, or a CPU spinning on a lock it
 * holds). The pages then leave the pool with the skb
 * (page_pool_release_page(): unmapped, no longer the pool's) and end in
 * the page allocator when it is freed: no recycling in these two modes.
 */
static struct sk_buff *e1k_rx_build(struct e1k_adapter *adapter,
				    unsigned int first, unsigned int nbufs)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	struct device *dev = &adapter->pdev->dev;
	unsigned int i = first, n, len;
	struct sk_buff *skb;
	struct page *page;
	void *va;

	page = rx->rx_buf[i].page;
	va = page_address(page);
	/* build_skb() writes only the tailroom: nothing to sync back on failure */
	if (adapter->irq_mode)	/* hard IRQ: not the NAPI cache */
		skb = build_skb(va, E1K_RX_PAGE_SIZE);
	else
		skb = napi_build_skb(va, E1K_RX_PAGE_SIZE);
	if (!skb)
		return NULL;
	if (!adapter->irq_mode)
		skb_mark_for_recycle(skb);

	for (n = 0; n < nbufs; n++, i = e1k_ring_next(rx, i)) {
		page = rx->rx_buf[i].page;
		/* e1k_rx_lengths_ok() checked it against E1K_RX_BUF_LEN */
		len = le16_to_cpu(e1k_rx_desc(rx, i)->length);
		dma_sync_single_range_for_cpu(dev, page_pool_get_dma_addr(page),
					      E1K_RX_HEADROOM, len, DMA_FROM_DEVICE);
		/* The range the CPU reads is synced: the unmap may skip it */
		if (adapter->irq_mode)
			page_pool_release_page(rx->page_pool, page);
		rx->rx_buf[i].page = NULL;
		if (!n) {
			skb_reserve(skb, E1K_RX_HEADROOM);
			__skb_put(skb, len);
		} else {
			skb_add_rx_frag(skb, n - 1, page, E1K_RX_HEADROOM, len,
					E1K_RX_PAGE_SIZE);
		}
	}
	if (adapter->irq_mode) {
		u64_stats_update_begin(&adapter->poll_syncp);
		adapter->poll_stats.rx_pool_released += nbufs;
		u64_stats_update_end(&adapter->poll_syncp);
	}
	return skb;
}

/*
 * Take the frame that spans @nbufs descriptors from next_to_clean out of
 * the ring: copied when it is one buffer of at most copybreak bytes (or the
 * build fails), else built around its pages. Returns NULL if neither skb
 * can be had; the frame is then dropped and counted (rx_dropped), its
 * pages left in the ring.
 */
static struct sk_buff *e1k_rx_take(struct e1k_adapter *adapter,
				   unsigned int nbufs)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	unsigned int i = rx->next_to_clean;
	unsigned int len = le16_to_cpu(e1k_rx_desc(rx, i)->length);
	struct sk_buff *skb;

	if (nbufs == 1 && len <= adapter->rx_copybreak) {
		skb = e1k_rx_copy(adapter, rx->rx_buf[i].page, len);
		if (skb) {
			e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_copybreak);
			return skb;
		}
	}
	skb = e1k_rx_build(adapter, i, nbufs);
	if (!skb) {
		e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_dropped);
		return NULL;
	}
	if (nbufs > 1)
		e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_multi_buffer);
	return skb;
}

/*
 * How many descriptors from next_to_clean the next frame spans, once the
 * NIC has written back all of them (DD on each, EOP on the last, 3.2.3):
 * 0 while it has not. A frame without EOP within E1K_RX_FRAME_BUFS_MAX
 * descriptors is longer than any the NIC takes: *@eop is false then.
 */
static unsigned int e1k_rx_frame_span(const struct e1k_ring *rx, bool *eop)
{
	unsigned int i = rx->next_to_clean, n;

	for (n = 1; n <= E1K_RX_FRAME_BUFS_MAX; n++) {
		u8 status = READ_ONCE(e1k_rx_desc(rx, i)->status);

		if (!(status & E1K_RXD_STAT_DD))
			return 0;
		if (status & E1K_RXD_STAT_EOP) {
			*eop = true;
			return n;
		}
		i = e1k_ring_next(rx, i);
	}
	*eop = false;
	return E1K_RX_FRAME_BUFS_MAX;
}

/*
 * Are the lengths the device wrote for the @nbufs parts of the frame at
 * next_to_clean sane? Each part but the last fills its buffer, the last
 * holds 1 to E1K_RX_BUF_LEN bytes, and the first at least an Ethernet
 * header. QEMU keeps to this, but a length is the device's word: past a
 * buffer, __skb_put() and skb_add_rx_frag() would hand the stack memory
 * beyond the page.
 */
static bool e1k_rx_lengths_ok(const struct e1k_ring *rx, unsigned int nbufs)
{
	unsigned int i = rx->next_to_clean, n, len;

	for (n = 1; n <= nbufs; n++, i = e1k_ring_next(rx, i)) {
		len = le16_to_cpu(e1k_rx_desc(rx, i)->length);
		if (n == 1 && len < ETH_HLEN)
			return false;
		if (n < nbufs ? len != E1K_RX_BUF_LEN : !len || len > E1K_RX_BUF_LEN)
			return false;
	}
	return true;
}

/* Give the @nbufs descriptors from next_to_clean back to the software side */
static void e1k_rx_advance(struct e1k_ring *rx, unsigned int nbufs)
{
	unsigned int i = rx->next_to_clean;

	while (nbufs--) {
		e1k_rx_desc(rx, i)->status = 0;
		i = e1k_ring_next(rx, i);
	}
	WRITE_ONCE(rx->next_to_clean, i);
}

/**
 * e1k_clean_rx - receive up to @budget frames, refilling the ring in batches
 * @adapter: the adapter (the poll context: NAPI, or the mode=irq handler)
 * @budget: the most frames to take
 *
 * A frame may span several descriptors (jumbo MTUs); it is taken only once
 * all of them are written back, so no half frame is kept between polls.
 *
 * Return: the frames taken (dropped ones included).
 */
int e1k_clean_rx(struct e1k_adapter *adapter, int budget)
{
	struct bpf_prog *xdp_prog = READ_ONCE(adapter->xdp_prog);
	struct e1k_ring *rx = &adapter->rx_ring;
	struct e1k_xdp_poll xdp_poll = {};
	unsigned int cleaned = 0;
	int work = 0;

	while (work < budget) {
		struct e1k_rx_desc *last;
		unsigned int nbufs;
		struct sk_buff *skb;
		bool eop = false;

		nbufs = e1k_rx_frame_span(rx, &eop);
		if (!nbufs)
			break;
		/* Lengths, errors and data only after DD on every part */
		dma_rmb();
		last = e1k_rx_desc(rx, (rx->next_to_clean + nbufs - 1) % rx->count);

		/*
		 * A dropped frame, or a copied one, leaves its pages in place:
		 * e1k_rx_refill() hands them back to the hardware as they are.
		 */
		if (unlikely(!eop || rx->rx_discarding)) {
			/* Too long: drop all its parts, up to its EOP */
			if (!rx->rx_discarding)
				e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_length_errors);
			rx->rx_discarding = !eop;
		} else if (last->errors & E1K_RXD_ERR_FRAME) {
			/* 3.2.3.2: the errors are those of the whole frame */
			e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_frame_errors);
		} else if (unlikely(!e1k_rx_lengths_ok(rx, nbufs))) {
			e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_length_errors);
		} else {
			/* XDP first, on the page, before any skb (e1k_xdp.c) */
			if (xdp_prog)
				skb = e1k_xdp_rx(adapter, xdp_prog, nbufs, &xdp_poll);
			else
				skb = e1k_rx_take(adapter, nbufs);
			if (skb)
				e1k_receive_skb(adapter, skb);
		}

		e1k_rx_advance(rx, nbufs);
		work++;
		cleaned += nbufs;
		if (cleaned >= E1K_RX_REFILL_BATCH) {
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
	if (xdp_prog)
		e1k_xdp_poll_end(adapter, &xdp_poll);
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

