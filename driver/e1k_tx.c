// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - transmit: descriptors for checksum offload, TSO and
 * scatter-gather, BQL, queue stop and wake, and reclaiming sent packets.
 * The ring ownership is drawn in e1k_ring.c.
 */
#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "e1k.h"

/**
 * e1k_unmap_tx_buffer - unmap the buffer a TX slot holds, if any
 * @adapter: the adapter
 * @buf: the slot; a context descriptor's or a buffer's second and later
 *	 pieces hold no mapping (len 0)
 */
void e1k_unmap_tx_buffer(struct e1k_adapter *adapter, struct e1k_tx_buffer *buf)
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

/**
 * e1k_clean_tx - reclaim sent packets; not charged to the NAPI budget
 * @adapter: the adapter
 * @napi_budget: the poll's budget (0 from netpoll, xmit or the hard-IRQ
 *		 handler: no NAPI skb cache nor page_pool direct return, and
 *		 with interrupts off XDP frames left to the poll)
 *
 * Context: the only cleaner: E1K_STATE_TX_CLEANING held (e1k_reclaim_tx()),
 * or with mode=irq the hard-IRQ handler, the only cleaner there.
 *
 * Return: E1K_TX_WOKE when it restarted the stopped queue (the caller
 * counts it), E1K_TX_LEFT_XDP when it stopped at a sent XDP frame it may
 * not release (@napi_budget 0, interrupts off).
 */
unsigned int e1k_clean_tx(struct e1k_adapter *adapter, int napi_budget)
{
	struct e1k_ring *tx = &adapter->tx_ring;
	struct net_device *netdev = adapter->netdev;
	unsigned int i = tx->next_to_clean;
	/* Pairs with xmit's smp_store_release(): the slots before it are whole */
	unsigned int ntu = smp_load_acquire(&tx->next_to_use);
	unsigned int packets = 0, bytes = 0, xdp_packets = 0, xdp_bytes = 0;
	unsigned int ret = 0;

	while (i != ntu) {
		struct e1k_tx_buffer *first = &tx->tx_buf[i];
		struct e1k_tx_desc *eop_desc;
		unsigned int eop = first->eop;

		eop_desc = (struct e1k_tx_desc *)tx->desc + eop;
		if (!(le32_to_cpu(READ_ONCE(eop_desc->upper)) & E1K_TXD_STAT_DD))
			break;
		/* Read the buffers only after seeing DD */
		dma_rmb();

		if (first->type != E1K_TX_BUF_SKB) {
			/*
			 * An XDP frame, outside BQL: its head's slot holds
			 * it, a fragment's slot nothing (the pool's pages,
			 * returned with the frame). With
			 * interrupts off (netpoll, the mode=irq handler) it
			 * cannot go back to its page_pool: this and what
			 * follows are left to the next NAPI poll. xmit's
			 * reclaim (budget 0, BHs off) returns it with
			 * xdp_return_frame().
			 */
			if (!napi_budget && irqs_disabled()) {
				ret = E1K_TX_LEFT_XDP;
				break;
			}
			xdp_packets++;
			xdp_bytes += first->bytecount;
			e1k_unmap_tx_buffer(adapter, first);
			e1k_xdp_tx_release(adapter, first, napi_budget > 0);
			eop_desc->upper = 0;
			i = e1k_ring_next(tx, eop);
			continue;
		}
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
	/* The slots before it are free for xmit to reuse */
	smp_store_release(&tx->next_to_clean, i);
	if (!packets && !xdp_packets)
		return ret;

	u64_stats_update_begin(&tx->syncp);
	tx->stats.packets += packets + xdp_packets;
	tx->stats.bytes += bytes + xdp_bytes;
	u64_stats_update_end(&tx->syncp);
	/* BQL counts only what netdev_sent_queue() counted: the stack's */
	netdev_completed_queue(netdev, packets, bytes);

	/*
	 * Publish next_to_clean before testing the queue state; pairs with
	 * the smp_mb() in e1k_maybe_stop_tx(), which stops the queue before
	 * re-reading next_to_clean. No test of E1K_STATE_DOWN: e1k_down()
	 * disables NAPI and waits for the last poll, then disables the queue
	 * under its lock, which xmit's reclaim holds: no wake comes after.
	 */
	smp_mb();
	if (netif_queue_stopped(netdev) &&
	    e1k_ring_unused(tx) >= E1K_TX_WAKE_THRESHOLD) {
		netif_wake_queue(netdev);
		ret |= E1K_TX_WOKE;
	}
	return ret;
}

/* Passes the holder of E1K_STATE_TX_CLEANING makes before it defers */
#define E1K_TX_RECLAIM_PASSES	4

/**
 * e1k_reclaim_tx - e1k_clean_tx() by whichever cleaner gets there first
 * @adapter: the adapter (NAPI mode)
 * @napi_budget: as e1k_clean_tx()'s
 *
 * Two contexts clean TX: the poll, and xmit right after its tail write
 * (e1k_xmit_reclaim()). E1K_STATE_TX_CLEANING keeps them one at a time
 * without a lock to wait on: a cleaner that finds it taken marks
 * E1K_STATE_TX_RECLAIM_AGAIN and leaves; the holder, once it has let go,
 * sees the mark and goes again, so a completion the loser was called for
 * (its TXDW already read from ICR) is never left behind. The loser tries
 * once more after marking, in case the holder let go and looked before.
 * The holder goes at most E1K_TX_RECLAIM_PASSES times: while other CPUs
 * keep marking, it hands what is left to the poll (napi_schedule()).
 *
 * Context: the poll (netpoll's included) or xmit; never waits.
 *
 * Return: the flags of e1k_clean_tx() over every pass made.
 */
unsigned int e1k_reclaim_tx(struct e1k_adapter *adapter, int napi_budget)
{
	unsigned int ret = 0, pass;

	for (pass = 0; pass < E1K_TX_RECLAIM_PASSES; pass++) {
		if (test_and_set_bit_lock(E1K_STATE_TX_CLEANING, &adapter->state)) {
			set_bit(E1K_STATE_TX_RECLAIM_AGAIN, &adapter->state);
			/* Mark, then look again: pairs with the holder's barrier */
			smp_mb__after_atomic();
			if (test_and_set_bit_lock(E1K_STATE_TX_CLEANING, &adapter->state))
				return ret;
		}
		clear_bit(E1K_STATE_TX_RECLAIM_AGAIN, &adapter->state);
		/* The mark cleared before the descriptors are read */
		smp_mb__after_atomic();
		ret |= e1k_clean_tx(adapter, napi_budget);
		clear_bit_unlock(E1K_STATE_TX_CLEANING, &adapter->state);
		/* Let go, then look for a mark; pairs with the loser's barrier */
		smp_mb__after_atomic();
		if (!test_bit(E1K_STATE_TX_RECLAIM_AGAIN, &adapter->state))
			return ret;
	}
	/* From the poll, this runs it again (NAPIF_STATE_MISSED) */
	napi_schedule(&adapter->napi);
	return ret;
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
		atomic64_inc(&adapter->events.tx_stop_restart);
	}
}

/*
 * The TCP/IP context descriptor (8254x SDM 3.3.6) tells the hardware where
 * the checksum starts and where to store it; it holds for every following
 * packet, so it is written only when it changes. Returns the descriptor
 * count used (0 or 1).
 */
static unsigned int e1k_tx_csum_context(struct e1k_ring *tx, struct sk_buff *skb,
					unsigned int *i)
{
	u16 start = skb_checksum_start_offset(skb);
	u16 offset = start + skb->csum_offset;
	struct e1k_tx_context_desc *ctx;
	struct e1k_tx_buffer *buf;

	if (tx->ctx_csum_start == start && tx->ctx_csum_offset == offset)
		return 0;
	tx->ctx_csum_start = start;
	tx->ctx_csum_offset = offset;

	ctx = (struct e1k_tx_context_desc *)tx->desc + *i;
	memset(ctx, 0, sizeof(*ctx));
	ctx->tucss = start;
	ctx->tucso = offset;
	ctx->tucse = 0;
	ctx->cmd_and_length = cpu_to_le32(E1K_TXD_CMD_DEXT | E1K_TXD_DTYP_CTX);
	buf = &tx->tx_buf[*i];
	buf->len = 0;
	*i = e1k_ring_next(tx, *i);
	return 1;
}

/*
 * TCP segmentation offload (8254x SDM 3.5): a context descriptor with TSE
 * describes the headers (IP at ipcss, TCP at tucss, hdr_len bytes), the MSS
 * and the payload length; the hardware cuts the payload into MSS-sized
 * segments, copies the headers in front of each and fixes lengths, IDs,
 * sequence numbers and checksums. The driver seeds the TCP checksum with
 * the pseudo-header sum without the length, as the hardware adds each
 * segment's length. The descriptor goes to slot *@i, which moves on.
 * Returns the descriptor count used (1), or a negative errno.
 */
static int e1k_tx_tso(struct e1k_ring *tx, struct sk_buff *skb, u32 *popts,
		      unsigned int *i)
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

	ctx = (struct e1k_tx_context_desc *)tx->desc + *i;
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
	tx->tx_buf[*i].len = 0;
	*i = e1k_ring_next(tx, *i);
	/* The checksum context no longer matches the cache */
	tx->ctx_csum_start = U16_MAX;
	return 1;
}

/**
 * e1k_tx_put_desc - write one TCP/IP data descriptor (8254x SDM 3.3.7)
 * @tx: the TX ring
 * @i: the slot
 * @dma: the buffer
 * @len: its length
 * @popts: the packet options (checksum insertion)
 * @dcmd: the commands beyond DEXT and IFCS (EOP, RS, TSE, IDE)
 *
 * Context: the TX queue's lock held (xmit, XDP).
 */
void e1k_tx_put_desc(struct e1k_ring *tx, unsigned int i, dma_addr_t dma,
		     unsigned int len, u32 popts, u32 dcmd)
{
	struct e1k_tx_desc *desc = (struct e1k_tx_desc *)tx->desc + i;

	desc->addr = cpu_to_le64(dma);
	desc->lower = cpu_to_le32(FIELD_PREP(E1K_TXD_LEN, len) | E1K_TXD_DTYP_DATA |
				  E1K_TXD_CMD_DEXT | E1K_TXD_CMD_IFCS | dcmd);
	desc->upper = cpu_to_le32(popts);
}

/* Descriptors for a buffer of @len bytes (see E1K_TX_MAX_DESC_LEN) */
static unsigned int e1k_tx_pieces(unsigned int len)
{
	return max(1U, DIV_ROUND_UP(len, E1K_TX_MAX_DESC_LEN));
}

/*
 * Descriptors @skb needs: a context descriptor (counted whether or not one
 * is written), then each buffer's pieces. At most E1K_TX_DESC_NEEDED for
 * every packet e1k_features_check() lets through.
 */
static unsigned int e1k_tx_desc_count(const struct sk_buff *skb)
{
	unsigned int f, count = 1 + e1k_tx_pieces(skb_headlen(skb));

	for (f = 0; f < skb_shinfo(skb)->nr_frags; f++)
		count += e1k_tx_pieces(skb_frag_size(&skb_shinfo(skb)->frags[f]));
	return count;
}

/*
 * Write the data descriptors of one mapped buffer from slot @i on, cut into
 * pieces of at most E1K_TX_MAX_DESC_LEN. The first slot records the mapping
 * for e1k_unmap_tx_buffer(); the others hold none. Returns the slot after
 * the last one written.
 */
static unsigned int e1k_tx_put_buffer(struct e1k_ring *tx, unsigned int i,
				      dma_addr_t dma, unsigned int len,
				      bool mapped_as_page, u32 popts, u32 dcmd)
{
	unsigned int offset = 0;

	tx->tx_buf[i].dma = dma;
	tx->tx_buf[i].len = len;
	tx->tx_buf[i].mapped_as_page = mapped_as_page;
	do {
		unsigned int piece = min_t(unsigned int, len - offset,
					   E1K_TX_MAX_DESC_LEN);

		if (offset)
			tx->tx_buf[i].len = 0;
		e1k_tx_put_desc(tx, i, dma + offset, piece, popts, dcmd);
		offset += piece;
		i = e1k_ring_next(tx, i);
	} while (offset < len);
	return i;
}

/*
 * Map the head and every fragment into descriptors from slot @first on;
 * on failure unmap what was mapped.
 */
static int e1k_tx_map(struct e1k_adapter *adapter, struct sk_buff *skb,
		      unsigned int first, u32 popts, u32 dcmd, unsigned int *last)
{
	struct e1k_ring *tx = &adapter->tx_ring;
	struct device *dev = &adapter->pdev->dev;
	unsigned int i, f;
	dma_addr_t dma;

	dma = dma_map_single(dev, skb->data, skb_headlen(skb), DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma))
		goto err_count;
	i = e1k_tx_put_buffer(tx, first, dma, skb_headlen(skb), false, popts, dcmd);

	for (f = 0; f < skb_shinfo(skb)->nr_frags; f++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[f];

		dma = skb_frag_dma_map(dev, frag, 0, skb_frag_size(frag),
				       DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			goto err_unmap_buffers;
		i = e1k_tx_put_buffer(tx, i, dma, skb_frag_size(frag), true,
				      popts, dcmd);
	}
	*last = i ? i - 1 : tx->count - 1;
	return 0;

err_unmap_buffers:
	/* Every slot from first up to, not including, i */
	while (i != first) {
		i = i ? i - 1 : tx->count - 1;
		e1k_unmap_tx_buffer(adapter, &tx->tx_buf[i]);
	}
err_count:
	atomic64_inc(&adapter->events.dma_map_errors);
	return -ENOMEM;
}

/**
 * e1k_tx_arm_irq - unmask TXDW when packets are left in flight
 * @adapter: the adapter (NAPI mode)
 *
 * After xmit's reclaim, or a tail write for XDP frames outside the poll:
 * one IMS write (set-only, 13.4.20) the first time packets are left
 * behind, none while TXDW is known unmasked or NAPI owns the device (the
 * handler sets the flag as it masks everything and schedules the poll).
 * Either way the poll that follows recomputes it in e1k_irq_enable(), and
 * either it sees the packets or this sees its cleared flag (the barriers
 * pair).
 *
 * Context: the TX queue's lock held, in an RCU read-side section (BHs or
 * interrupts off); e1k_down() sets E1K_STATE_DOWN and waits out a grace
 * period before it masks everything.
 */
void e1k_tx_arm_irq(struct e1k_adapter *adapter)
{
	/* The ring (next_to_use published), then the flag */
	smp_mb();
	if (READ_ONCE(adapter->tx_irq_armed) || !e1k_tx_in_flight(&adapter->tx_ring))
		return;
	if (test_bit(E1K_STATE_DOWN, &adapter->state))
		return;
	WRITE_ONCE(adapter->tx_irq_armed, true);
	e1k_wr32(adapter, E1K_IMS, E1K_INT_TXDW);
}

/*
 * Reclaim, right after a tail write, what the hardware has reported sent
 * (DD, 8254x SDM 3.3.3): reading the descriptors costs no register access,
 * and the stack gets its packets back without waiting for a TXDW interrupt
 * and the poll, which matters where the completion gates the sender (TCP
 * small queues hold a socket to about two TSO packets in flight). QEMU's
 * model sends on the tail write itself (hw/net/e1000.c start_xmit(), DD
 * written back before the write returns): here this reclaims the whole
 * batch. Hardware that sends later leaves it to the poll, as before. Not
 * with mode=irq, whose hard-IRQ handler is the only cleaner.
 */
static void e1k_xmit_reclaim(struct e1k_adapter *adapter)
{
	unsigned int ret;

	if (adapter->irq_mode)
		return;
	/* debugfs tx_irq_only: leave it all to TXDW, as such hardware would */
	if (unlikely(READ_ONCE(adapter->tx_irq_only))) {
		e1k_tx_arm_irq(adapter);
		return;
	}
	ret = e1k_reclaim_tx(adapter, 0);
	if (ret & E1K_TX_WOKE)
		atomic64_inc(&adapter->events.tx_xmit_wake);
	/* netpoll, interrupts off: an XDP frame goes back from the poll */
	if (ret & E1K_TX_LEFT_XDP)
		napi_schedule(&adapter->napi);
	/* Packets still in flight: their completion needs TXDW */
	e1k_tx_arm_irq(adapter);
}

/*
 * Every tail write of xmit goes through here: the packets it hands to the
 * hardware are then either reclaimed at once or covered by an unmasked
 * TXDW (e1k_xmit_reclaim()), also when the packet that moves the tail is
 * dropped or turned away, for the ones queued before it with xmit_more.
 * writel() orders the descriptor writes before the tail (e1k.h).
 */
static void e1k_tx_kick(struct e1k_adapter *adapter)
{
	e1k_wr32(adapter, E1K_TDT, adapter->tx_ring.next_to_use);
	e1k_xmit_reclaim(adapter);
}

/**
 * e1k_features_check - ndo_features_check: what the hardware may do for
 * one packet
 * @skb: the packet
 * @netdev: the interface
 * @features: what the stack would use
 *
 * TSO is kept to packets of at most E1K_TSO_MAX_SIZE bytes: gso_max_size
 * binds only what this host's own sockets build, a GSO packet from
 * elsewhere (forwarded GRO aggregates) can be larger, and the descriptor
 * budget (E1K_TX_DESC_NEEDED) counts on the limit. Larger ones are
 * segmented by the stack. (A packet socket's GSO packets are
 * SKB_GSO_DODGY: without NETIF_F_GSO_ROBUST the stack segments them
 * before they get here.)
 *
 * Return: @features, less GSO for such packets.
 */
netdev_features_t e1k_features_check(struct sk_buff *skb, struct net_device *netdev,
				     netdev_features_t features)
{
	if (skb_is_gso(skb) && skb->len > E1K_TSO_MAX_SIZE)
		features &= ~NETIF_F_GSO_MASK;
	return vlan_features_check(skb, features);
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
	unsigned int first, next, last, ctx_descs = 0, segs = 1;
	unsigned int bytecount = skb->len;
	u32 dcmd = 0;
	struct e1k_tx_buffer *first_buf;
	struct e1k_tx_desc *last_desc;
	u32 popts = 0;
	unsigned int descs = e1k_tx_desc_count(skb);

	if (unlikely(descs > E1K_TX_DESC_NEEDED)) {
		/* e1k_features_check() should have prevented this */
		netdev_warn_once(netdev, "dropping a packet that needs %u descriptors\n", descs);
		goto drop;
	}
	if (unlikely(e1k_ring_unused(tx) < descs)) {
		/* e1k_maybe_stop_tx() should have prevented this */
		netif_stop_queue(netdev);
		/* Earlier packets may have deferred the tail to this one */
		e1k_tx_kick(adapter);
		return NETDEV_TX_BUSY;
	}

	/*
	 * The packet is built from slot next on and published to
	 * e1k_clean_tx() only when complete (next_to_use, release). Only
	 * xmit and XDP (e1k_xdp.c) write next_to_use, both under the TX
	 * queue's lock: the plain read is safe.
	 */
	first = tx->next_to_use;
	next = first;
	if (skb_is_gso(skb)) {
		int ret = e1k_tx_tso(tx, skb, &popts, &next);
		unsigned int hdr_len = skb_transport_offset(skb) + tcp_hdrlen(skb);

		if (ret < 0)
			goto drop;
		ctx_descs = ret;
		dcmd = E1K_TXD_CMD_TSE;
		/* What the hardware will send, from the lengths */
		segs = DIV_ROUND_UP(skb->len - hdr_len, skb_shinfo(skb)->gso_size);
		/* Every segment after the first carries its own copy of the headers */
		bytecount += (segs - 1) * hdr_len;
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		/* The context descriptor has 8-bit offsets */
		if (skb_checksum_start_offset(skb) + skb->csum_offset > 255) {
			if (skb_checksum_help(skb))
				goto drop;
		} else {
			ctx_descs = e1k_tx_csum_context(tx, skb, &next);
			popts = E1K_TXD_POPTS_TXSM;
		}
	}

	/* ethtool tx-usecs: let TIDV/TADV delay this packet's TXDW (3.3.7.1) */
	if (READ_ONCE(adapter->tx_usecs))
		dcmd |= E1K_TXD_CMD_IDE;

	if (e1k_tx_map(adapter, skb, next, popts, dcmd, &last)) {
		/* The context descriptor was never published: rewrite it next time */
		if (ctx_descs)
			tx->ctx_csum_start = U16_MAX;
		goto drop;
	}

	last_desc = (struct e1k_tx_desc *)tx->desc + last;
	last_desc->lower |= cpu_to_le32(E1K_TXD_CMD_EOP | E1K_TXD_CMD_RS);

	/* e1k_clean_tx() reclaims from the first to the last descriptor */
	first_buf = &tx->tx_buf[first];
	first_buf->type = E1K_TX_BUF_SKB;
	first_buf->skb = skb;
	first_buf->eop = last;
	first_buf->segs = segs;
	first_buf->bytecount = bytecount;

	/* Pairs with the smp_load_acquire() in e1k_clean_tx() */
	smp_store_release(&tx->next_to_use, e1k_ring_next(tx, last));
	skb_tx_timestamp(skb);
	e1k_maybe_stop_tx(adapter);

	if (__netdev_sent_queue(netdev, bytecount, netdev_xmit_more()))
		e1k_tx_kick(adapter);
	return NETDEV_TX_OK;

drop:
	dev_kfree_skb_any(skb);
	atomic64_inc(&adapter->events.tx_dropped);
	/* Earlier packets may have deferred the tail to this one */
	e1k_tx_kick(adapter);
	return NETDEV_TX_OK;
}
