// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - native XDP: attaching a program (ndo_bpf), running it in the
 * NAPI poll on each received frame before any skb exists, and carrying out
 * its verdict: XDP_PASS (an skb around the page, as the program left it),
 * XDP_DROP and XDP_ABORTED (the page straight back to the pool), XDP_TX
 * (the page onto the TX ring), XDP_REDIRECT (xdp_do_redirect(), flushed at
 * the end of the poll); and ndo_xdp_xmit, which makes the interface a
 * redirect target.
 *
 * The receive buffers are already laid out for XDP (e1k.h): one page of
 * the ring's page_pool per frame, XDP_PACKET_HEADROOM in front, the
 * skb_shared_info's tailroom at the end, mapped DMA_BIDIRECTIONAL. So a
 * program is attached, replaced or detached by swapping one pointer, with
 * the interface up and traffic flowing.
 *
 * The 8254x has one TX ring. XDP frames share it with the stack's packets,
 * under the netdev TX queue's lock (which ndo_start_xmit runs under), and
 * leave the stack E1K_TX_DESC_NEEDED descriptors, so the queue's promise
 * (awake: room for the next packet) holds. Each slot is tagged with its
 * packet's type: completion returns XDP frames to their memory, and BQL
 * only ever sees the stack's bytes.
 */
#include <linux/bpf_trace.h>
#include <linux/dma-mapping.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/xdp.h>

#include "e1k.h"

/**
 * e1k_xdp_rxq_register - describe the RX ring to XDP (ring setup)
 * @adapter: the adapter, its RX ring's page_pool created
 *
 * Registers the ring as queue 0 of the interface with the pool as its
 * memory model, so that xdp_return_frame() and the redirect targets give
 * its pages back to the pool. Undone by xdp_rxq_info_unreg(), which also
 * drops the reference the memory model took on the pool.
 *
 * Context: process, RTNL held.
 * Return: 0 or a negative errno (nothing left registered).
 */
int e1k_xdp_rxq_register(struct e1k_adapter *adapter)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	int err;

	/*
	 * Also in mode=irq, where no program runs: one mem id, and every
	 * mode tears the rings down the same way
	 */
	err = xdp_rxq_info_reg(&rx->xdp_rxq, adapter->netdev, 0,
			       adapter->irq_mode ? 0 : adapter->napi.napi_id);
	if (err)
		return err;
	err = xdp_rxq_info_reg_mem_model(&rx->xdp_rxq, MEM_TYPE_PAGE_POOL,
					 rx->page_pool);
	if (err)
		xdp_rxq_info_unreg(&rx->xdp_rxq);
	return err;
}

/*
 * Put one XDP frame into the TX ring from its next slot: one data
 * descriptor for its head, @dma, and one for each fragment of a
 * multi-buffer frame (XDP_TX only: those are page_pool pages, already
 * mapped; 6.1's xdp_do_redirect() hands ndo_xdp_xmit none), no offload,
 * EOP and RS on the last (8254x SDM 3.3.3: the device sends the buffers up
 * to EOP as one frame). The head's slot holds the frame; a fragment's slot
 * holds nothing to unmap or free. The caller holds the TX queue's lock and
 * writes the tail. Refused (-ENOSPC) when it would leave the stack less
 * than one packet's worth of descriptors.
 */
static int e1k_xdp_tx_put(struct e1k_adapter *adapter, struct xdp_frame *xdpf,
			  dma_addr_t dma, enum e1k_tx_buf_type type)
{
	struct e1k_ring *tx = &adapter->tx_ring;
	unsigned int i = tx->next_to_use, nr_frags = 0, f;
	struct e1k_tx_buffer *buf = &tx->tx_buf[i];
	struct skb_shared_info *sinfo = NULL;

	if (unlikely(xdp_frame_has_frags(xdpf))) {
		sinfo = xdp_get_shared_info_from_frame(xdpf);
		nr_frags = sinfo->nr_frags;
	}
	if (e1k_ring_unused(tx) < E1K_TX_DESC_NEEDED + 1 + nr_frags)
		return -ENOSPC;
	buf->xdpf = xdpf;
	buf->type = type;
	buf->dma = dma;
	/* e1k_unmap_tx_buffer() unmaps only what the driver mapped */
	buf->len = type == E1K_TX_BUF_XDP_XMIT ? xdpf->len : 0;
	buf->mapped_as_page = false;
	buf->segs = 1;
	buf->bytecount = xdp_get_frame_len(xdpf);
	e1k_tx_put_desc(tx, i, dma, xdpf->len, 0,
			nr_frags ? 0 : E1K_TXD_CMD_EOP | E1K_TXD_CMD_RS);
	for (f = 0; f < nr_frags; f++) {
		const skb_frag_t *frag = &sinfo->frags[f];
		struct e1k_tx_buffer *fbuf;

		i = e1k_ring_next(tx, i);
		fbuf = &tx->tx_buf[i];
		fbuf->xdpf = NULL;
		fbuf->type = E1K_TX_BUF_SKB;
		fbuf->len = 0;
		e1k_tx_put_desc(tx, i, page_pool_get_dma_addr(skb_frag_page(frag)) +
				skb_frag_off(frag), skb_frag_size(frag), 0,
				f == nr_frags - 1 ? E1K_TXD_CMD_EOP | E1K_TXD_CMD_RS : 0);
	}
	buf->eop = i;
	/* Pairs with the smp_load_acquire() in e1k_clean_tx() */
	smp_store_release(&tx->next_to_use, e1k_ring_next(tx, i));
	return 0;
}

/*
 * XDP_TX: the frame goes back out through the ring's own pages (the head's
 * and, for a multi-buffer frame, its fragments'), which the pool mapped
 * DMA_BIDIRECTIONAL; sync what the device will read (the program may have
 * rewritten it).
 */
static int e1k_xdp_tx_frame(struct e1k_adapter *adapter, struct xdp_buff *xdp)
{
	struct netdev_queue *txq = netdev_get_tx_queue(adapter->netdev, 0);
	struct page *page = virt_to_page(xdp->data_hard_start);
	enum dma_data_direction dir = page_pool_get_dma_dir(adapter->rx_ring.page_pool);
	struct device *dev = &adapter->pdev->dev;
	struct xdp_frame *xdpf;
	dma_addr_t dma;
	int err;

	xdpf = xdp_convert_buff_to_frame(xdp);
	if (unlikely(!xdpf))
		return -EOVERFLOW;
	/* A received frame may be longer than the 82540EM sends (e1k.h) */
	if (unlikely(xdp_get_frame_len(xdpf) > E1K_MAX_FRAME))
		return -EMSGSIZE;
	dma = page_pool_get_dma_addr(page) + (xdpf->data - xdp->data_hard_start);
	dma_sync_single_for_device(dev, dma, xdpf->len, dir);
	if (unlikely(xdp_frame_has_frags(xdpf))) {
		struct skb_shared_info *sinfo = xdp_get_shared_info_from_frame(xdpf);
		unsigned int f;

		for (f = 0; f < sinfo->nr_frags; f++) {
			const skb_frag_t *frag = &sinfo->frags[f];
			struct page *fpage = skb_frag_page(frag);

			dma_sync_single_range_for_device(dev, page_pool_get_dma_addr(fpage),
							 skb_frag_off(frag), skb_frag_size(frag),
							 dir);
		}
	}
	__netif_tx_lock(txq, smp_processor_id());
	err = e1k_xdp_tx_put(adapter, xdpf, dma, E1K_TX_BUF_XDP_TX);
	__netif_tx_unlock(txq);
	return err;
}

/*
 * XDP_PASS: an skb around the page as the program left it: its data,
 * data_end (bpf_xdp_adjust_head/tail) and metadata (bpf_xdp_adjust_meta).
 * The page goes back to the pool when the skb is freed.
 */
static struct sk_buff *e1k_xdp_build_skb(struct e1k_adapter *adapter,
					 struct xdp_buff *xdp)
{
	struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(xdp);
	unsigned int metasize = xdp->data - xdp->data_meta;
	/* build_skb() clears nr_frags; the fragments themselves stay */
	u8 nr_frags = xdp_buff_has_frags(xdp) ? sinfo->nr_frags : 0;
	struct sk_buff *skb;

	skb = napi_build_skb(xdp->data_hard_start, xdp->frame_sz);
	if (unlikely(!skb))
		return NULL;
	skb_mark_for_recycle(skb);
	skb_reserve(skb, xdp->data - xdp->data_hard_start);
	__skb_put(skb, xdp->data_end - xdp->data);
	if (metasize)
		skb_metadata_set(skb, metasize);
	if (nr_frags)
		xdp_update_skb_shared_info(skb, nr_frags, sinfo->xdp_frags_size,
					   nr_frags * E1K_RX_PAGE_SIZE,
					   xdp_buff_is_frag_pfmemalloc(xdp));
	return skb;
}

/*
 * A frame of several buffers (multi-buffer XDP, for a program loaded with
 * frags support): the first page is the xdp_buff, the others its
 * fragments, listed in the skb_shared_info at the end of the first page
 * (where build_skb() will find them), each synced for the CPU. Returns the
 * bytes in the fragments.
 */
static unsigned int e1k_xdp_add_frags(struct e1k_adapter *adapter,
				      struct xdp_buff *xdp, unsigned int nbufs)
{
	struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(xdp);
	struct e1k_ring *rx = &adapter->rx_ring;
	unsigned int i = rx->next_to_clean, n;

	sinfo->nr_frags = 0;
	sinfo->xdp_frags_size = 0;
	for (n = 1; n < nbufs; n++) {
		skb_frag_t *frag = &sinfo->frags[sinfo->nr_frags++];
		struct page *page;
		unsigned int len;

		i = e1k_ring_next(rx, i);
		page = rx->rx_buf[i].page;
		len = le16_to_cpu(e1k_rx_desc(rx, i)->length);
		dma_sync_single_range_for_cpu(&adapter->pdev->dev,
					      page_pool_get_dma_addr(page),
					      E1K_RX_HEADROOM, len,
					      page_pool_get_dma_dir(rx->page_pool));
		__skb_frag_set_page(frag, page);
		skb_frag_off_set(frag, E1K_RX_HEADROOM);
		skb_frag_size_set(frag, len);
		sinfo->xdp_frags_size += len;
		if (page_is_pfmemalloc(page))
			xdp_buff_set_frag_pfmemalloc(xdp);
		/* The frame's now, whatever the verdict */
		rx->rx_buf[i].page = NULL;
	}
	xdp_buff_set_frags_flag(xdp);
	e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_multi_buffer);
	return sinfo->xdp_frags_size;
}

/* Give a dropped frame's fragments back to the pool (direct: NAPI context) */
static void e1k_xdp_put_frags(struct e1k_adapter *adapter, struct xdp_buff *xdp)
{
	struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(xdp);
	unsigned int f;

	if (!xdp_buff_has_frags(xdp))
		return;
	/* What the program left: bpf_xdp_adjust_tail() frees what it cuts */
	for (f = 0; f < sinfo->nr_frags; f++)
		page_pool_put_full_page(adapter->rx_ring.page_pool,
					skb_frag_page(&sinfo->frags[f]), true);
}

/**
 * e1k_xdp_rx - run the XDP program on the frame at next_to_clean
 * @adapter: the adapter
 * @prog: the program, read once for the whole poll
 * @nbufs: how many descriptors the frame spans (whole and error-free)
 * @poll: this poll's tally of verdicts and pending work
 *
 * The program sees the frame in its pages, before any skb exists; no
 * copybreak. Whatever the verdict, the frame's pages leave their ring slots
 * (e1k_rx_refill() fills them), except for a frame of several buffers
 * when the program was loaded without frags support (possible with an MTU
 * up to E1K_XDP_MAX_MTU and a longer frame): dropped, its pages left in
 * place, and counted as a length error. XDP_TX sends a multi-buffer frame
 * from its pages as it does a single buffer. Frames consumed here count as
 * received (rx_packets, rx_bytes); an XDP_PASS frame is counted when the
 * caller hands its skb to the stack.
 *
 * Context: the NAPI poll, budget > 0 (netpoll never receives).
 * Return: the skb of an XDP_PASS frame, or NULL when the frame was
 * consumed or dropped.
 */
struct sk_buff *e1k_xdp_rx(struct e1k_adapter *adapter, struct bpf_prog *prog,
			   unsigned int nbufs, struct e1k_xdp_poll *poll)
{
	struct e1k_ring *rx = &adapter->rx_ring;
	struct e1k_rx_buffer *buf = &rx->rx_buf[rx->next_to_clean];
	struct net_device *netdev = adapter->netdev;
	unsigned int len, frame_len, sync_len;
	struct page *page = buf->page;
	struct sk_buff *skb;
	struct xdp_buff xdp;
	u32 act;

	if (unlikely(nbufs > 1 && !prog->aux->xdp_has_frags)) {
		e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_length_errors);
		return NULL;
	}
	len = le16_to_cpu(e1k_rx_desc(rx, rx->next_to_clean)->length);
	dma_sync_single_range_for_cpu(&adapter->pdev->dev, page_pool_get_dma_addr(page),
				      E1K_RX_HEADROOM, len, page_pool_get_dma_dir(rx->page_pool));
	xdp_init_buff(&xdp, E1K_RX_PAGE_SIZE, &rx->xdp_rxq);
	xdp_prepare_buff(&xdp, page_address(page), E1K_RX_HEADROOM, len, true);
	frame_len = len;
	if (nbufs > 1)
		frame_len += e1k_xdp_add_frags(adapter, &xdp, nbufs);

	act = bpf_prog_run_xdp(prog, &xdp);
	/* From here on the page is the verdict's */
	buf->page = NULL;
	switch (act) {
	case XDP_PASS:
		skb = e1k_xdp_build_skb(adapter, &xdp);
		if (unlikely(!skb)) {
			/* No skb: the program passed it, the driver lost it */
			e1k_poll_stat_inc(adapter, &adapter->poll_stats.rx_dropped);
			break;
		}
		poll->stats.xdp_pass++;
		return skb;
	case XDP_TX:
		if (unlikely(e1k_xdp_tx_frame(adapter, &xdp))) {
			poll->stats.xdp_tx_errors++;
			trace_xdp_exception(netdev, prog, act);
			break;
		}
		poll->stats.xdp_tx++;
		poll->tx_queued = true;
		goto consumed;
	case XDP_REDIRECT:
		/* xdp_do_redirect() traces its own failures */
		if (unlikely(xdp_do_redirect(netdev, &xdp, prog))) {
			poll->stats.xdp_redirect_errors++;
			break;
		}
		poll->stats.xdp_redirect++;
		poll->redirected = true;
		goto consumed;
	default:
		bpf_warn_invalid_xdp_action(netdev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(netdev, prog, act);
		poll->stats.xdp_aborted++;
		break;
	case XDP_DROP:
		poll->stats.xdp_drop++;
		break;
	}
	/*
	 * Dropped: straight back into the pool's cache, which this poll's
	 * refill takes from (direct recycling: NAPI context, the pool's own
	 * poll). Synced for the device over what the NIC or the program may
	 * have written.
	 */
	sync_len = max_t(int, len, xdp.data_end - xdp.data_hard_start - E1K_RX_HEADROOM);
	e1k_xdp_put_frags(adapter, &xdp);
	page_pool_put_page(rx->page_pool, page, sync_len, true);
consumed:
	poll->rx.packets++;
	poll->rx.bytes += frame_len;
	return NULL;
}

/**
 * e1k_xdp_poll_end - finish one poll's XDP work
 * @adapter: the adapter
 * @poll: the poll's tally
 *
 * XDP_TX frames are handed to the hardware with one tail write for the
 * whole poll (8254x SDM 3.3.1: the hardware sends up to TDT), the
 * redirected ones flushed to their targets (xdp_do_flush()), and the
 * verdicts added to the poll counters.
 *
 * Context: the NAPI poll.
 */
void e1k_xdp_poll_end(struct e1k_adapter *adapter, struct e1k_xdp_poll *poll)
{
	struct e1k_xdp_stats *total = &adapter->poll_stats.xdp;
	const struct e1k_xdp_stats *add = &poll->stats;
	struct e1k_ring *rx = &adapter->rx_ring;

	if (poll->tx_queued) {
		struct netdev_queue *txq = netdev_get_tx_queue(adapter->netdev, 0);

		/* Under the lock: xmit may have deferred the tail too */
		__netif_tx_lock(txq, smp_processor_id());
		e1k_wr32(adapter, E1K_TDT, adapter->tx_ring.next_to_use);
		txq_trans_cond_update(txq);
		__netif_tx_unlock(txq);
	}
	if (poll->redirected)
		xdp_do_flush();

	if (!poll->rx.packets && !add->xdp_pass)
		return;		/* no frame: nothing to count */
	u64_stats_update_begin(&rx->syncp);
	rx->stats.packets += poll->rx.packets;
	rx->stats.bytes += poll->rx.bytes;
	u64_stats_update_end(&rx->syncp);
	u64_stats_update_begin(&adapter->poll_syncp);
	total->xdp_pass += add->xdp_pass;
	total->xdp_drop += add->xdp_drop;
	total->xdp_tx += add->xdp_tx;
	total->xdp_tx_errors += add->xdp_tx_errors;
	total->xdp_redirect += add->xdp_redirect;
	total->xdp_redirect_errors += add->xdp_redirect_errors;
	total->xdp_aborted += add->xdp_aborted;
	u64_stats_update_end(&adapter->poll_syncp);
}

/**
 * e1k_xdp_tx_release - give a sent (or abandoned) XDP frame back
 * @adapter: the adapter
 * @buf: the frame's TX slot, already unmapped (e1k_unmap_tx_buffer())
 * @in_napi: called from this interface's NAPI poll (budget > 0): an XDP_TX
 *	     page may go straight into its pool's cache
 *
 * Context: the NAPI poll, xmit's reclaim (BHs off, interrupts on), or
 * process context with the rings stopped.
 */
void e1k_xdp_tx_release(struct e1k_adapter *adapter, struct e1k_tx_buffer *buf,
			bool in_napi)
{
	if (buf->type == E1K_TX_BUF_XDP_TX && in_napi)
		xdp_return_frame_rx_napi(buf->xdpf);
	else
		xdp_return_frame(buf->xdpf);
	buf->xdpf = NULL;
	buf->type = E1K_TX_BUF_SKB;
}

/**
 * e1k_xdp_xmit - ndo_xdp_xmit: queue frames redirected to this interface
 * @netdev: the interface
 * @n: how many frames
 * @frames: the frames, from any device's memory
 * @flags: XDP_XMIT_FLUSH: move the tail once they are queued (also over
 *	   frames earlier calls queued without it)
 *
 * Each frame is mapped for the device (dma_map_single()) and takes one
 * descriptor; completion unmaps it and returns it (xdp_return_frame()).
 * Queueing stops at the first frame that cannot be mapped or has no room;
 * the caller frees the ones not taken. Counted in xdp_xmit and
 * xdp_xmit_errors (atomics: this runs in other devices' polls).
 *
 * Context: softirq (a NAPI poll's xdp_do_flush()), any CPU.
 * Return: the number of frames queued, or a negative errno (none queued).
 */
int e1k_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		 u32 flags)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);
	struct device *dev = &adapter->pdev->dev;
	struct netdev_queue *txq;
	int nxmit, err;

	/*
	 * Refused whole (the caller frees the frames): bad flags; mode=irq,
	 * which has no NAPI and cleans TX in hard IRQ, where XDP frames
	 * cannot be returned (6.1 has no xdp_features to say so earlier);
	 * and a device going down: e1k_down() sets DOWN before
	 * synchronize_net(), so a call that saw it clear finishes before the
	 * rings go.
	 */
	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK)) {
		err = -EINVAL;
		goto err_refused;
	}
	if (unlikely(adapter->irq_mode)) {
		err = -EOPNOTSUPP;
		goto err_refused;
	}
	if (unlikely(test_bit(E1K_STATE_DOWN, &adapter->state))) {
		err = -ENETDOWN;
		goto err_refused;
	}

	txq = netdev_get_tx_queue(netdev, 0);
	__netif_tx_lock(txq, smp_processor_id());
	for (nxmit = 0; nxmit < n; nxmit++) {
		struct xdp_frame *xdpf = frames[nxmit];
		dma_addr_t dma;

		/* 6.1 redirects multi-buffer frames only to cpumaps: none here */
		if (unlikely(xdp_frame_has_frags(xdpf) || xdpf->len > E1K_MAX_FRAME))
			break;
		dma = dma_map_single(dev, xdpf->data, xdpf->len, DMA_TO_DEVICE);
		if (unlikely(dma_mapping_error(dev, dma))) {
			atomic64_inc(&adapter->events.dma_map_errors);
			break;
		}
		if (unlikely(e1k_xdp_tx_put(adapter, xdpf, dma, E1K_TX_BUF_XDP_XMIT))) {
			dma_unmap_single(dev, dma, xdpf->len, DMA_TO_DEVICE);
			break;
		}
	}
	/*
	 * Also for frames earlier calls queued without the flag, even when
	 * this one queued none; writel() orders the descriptor writes before
	 * the tail (e1k.h)
	 */
	if (flags & XDP_XMIT_FLUSH) {
		e1k_wr32(adapter, E1K_TDT, adapter->tx_ring.next_to_use);
		/* Reclaimed by the poll: TXDW calls it */
		e1k_tx_arm_irq(adapter);
	}
	if (nxmit)
		txq_trans_cond_update(txq);
	__netif_tx_unlock(txq);

	atomic64_add(nxmit, &adapter->events.xdp_xmit);
	atomic64_add(n - nxmit, &adapter->events.xdp_xmit_errors);
	return nxmit;

err_refused:
	atomic64_add(n, &adapter->events.xdp_xmit_errors);
	return err;
}

/**
 * e1k_xdp_mtu_ok - may the MTU become @mtu with the XDP program attached?
 * @adapter: the adapter
 * @mtu: the new MTU
 *
 * ndo_change_mtu has no extack: a refusal is logged.
 *
 * Context: process, RTNL held.
 * Return: true if no program is attached, it takes multi-buffer frames,
 * or the frames fit one buffer.
 */
bool e1k_xdp_mtu_ok(struct e1k_adapter *adapter, unsigned int mtu)
{
	const struct bpf_prog *prog = adapter->xdp_prog;

	if (!prog || prog->aux->xdp_has_frags || mtu <= E1K_XDP_MAX_MTU)
		return true;
	netdev_warn(adapter->netdev,
		    "MTU %u refused: the XDP program attached has no frags support and takes frames of one %u-byte receive buffer (MTU <= %u); detach it or load one with frags support first\n",
		    mtu, E1K_RX_BUF_LEN, (unsigned int)E1K_XDP_MAX_MTU);
	return false;
}

/*
 * XDP_SETUP_PROG: attach, replace or detach (@prog NULL). The buffers need
 * no change, so the swap happens with the interface up: a poll running
 * meanwhile finishes with the program it read, which bpf_prog_put() frees
 * only after an RCU grace period (the poll is a softirq).
 */
static int e1k_xdp_setup_prog(struct e1k_adapter *adapter, struct bpf_prog *prog,
			      struct netlink_ext_ack *extack)
{
	struct bpf_prog *old;

	if (prog && adapter->irq_mode) {
		NL_SET_ERR_MSG_MOD(extack,
				   "XDP needs NAPI: mode=irq and mode=irq-drain receive in hard-IRQ context; reload with mode=napi");
		return -EOPNOTSUPP;
	}
	static_assert(E1K_XDP_MAX_MTU == 2030);
	if (prog && !prog->aux->xdp_has_frags && adapter->netdev->mtu > E1K_XDP_MAX_MTU) {
		NL_SET_ERR_MSG_MOD(extack,
				   "MTU too large for an XDP program without frags support: frames must fit one 2048-byte receive buffer (MTU <= 2030); load it as xdp.frags");
		return -EOPNOTSUPP;
	}
	old = xchg(&adapter->xdp_prog, prog);
	if (old)
		bpf_prog_put(old);
	return 0;
}

/**
 * e1k_bpf - ndo_bpf: the XDP program's life on this interface
 * @netdev: the interface
 * @bpf: the command; only XDP_SETUP_PROG (native mode) is supported
 *
 * Context: process, RTNL held.
 * Return: 0 or a negative errno, with an extack message when refused.
 */
int e1k_bpf(struct net_device *netdev, struct netdev_bpf *bpf)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);

	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return e1k_xdp_setup_prog(adapter, bpf->prog, bpf->extack);
	default:
		return -EINVAL;
	}
}
