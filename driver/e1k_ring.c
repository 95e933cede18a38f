// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - descriptor ring memory, the interrupt handler and the NAPI
 * poll loop (Documentation/networking/napi.rst). Transmit is in e1k_tx.c,
 * receive in e1k_rx.c.
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
 * last one of each packet); the driver reclaims at next_to_clean, in the
 * poll and right after each tail write (e1k_reclaim_tx()).
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/skbuff.h>

#include "e1k.h"

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
 * e1k_setup_rings - allocate both descriptor rings, their buffer arrays and
 * the RX ring's page_pool
 * @adapter: the adapter; uses tx_ring_count and rx_ring_count
 *
 * Return: 0 or a negative errno (nothing left allocated).
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
	err = e1k_rx_pool_create(adapter);
	if (err)
		goto err_free_rx_ring;
	err = e1k_xdp_rxq_register(adapter);
	if (err)
		goto err_destroy_pool;
	return 0;

err_destroy_pool:
	e1k_rx_pool_destroy(adapter);
err_free_rx_ring:
	e1k_free_ring(adapter, &adapter->rx_ring);
err_free_tx_ring:
	e1k_free_ring(adapter, &adapter->tx_ring);
	return err;
}

/**
 * e1k_free_rings - free what e1k_setup_rings() allocated, in reverse
 * @adapter: the adapter; the rings must have been cleaned (every page back
 *	     in the pool, e1k_clean_rings()); rings already freed are left
 *	     alone (a close after a failed reopen calls this again)
 */
void e1k_free_rings(struct e1k_adapter *adapter)
{
	/*
	 * Drops the memory model's reference on the pool, then ours; a
	 * second call (close after a failed reopen) finds it unregistered
	 */
	if (xdp_rxq_info_is_reg(&adapter->rx_ring.xdp_rxq))
		xdp_rxq_info_unreg(&adapter->rx_ring.xdp_rxq);
	e1k_rx_pool_destroy(adapter);
	e1k_free_ring(adapter, &adapter->rx_ring);
	e1k_free_ring(adapter, &adapter->tx_ring);
}

/**
 * e1k_clean_rings - release every buffer still in the rings
 * @adapter: the adapter, with hardware, IRQ and NAPI already stopped
 */
void e1k_clean_rings(struct e1k_adapter *adapter)
{
	struct e1k_ring *tx = &adapter->tx_ring, *rx = &adapter->rx_ring;
	unsigned int i;

	for (i = 0; tx->tx_buf && i < tx->count; i++) {
		struct e1k_tx_buffer *buf = &tx->tx_buf[i];

		e1k_unmap_tx_buffer(adapter, buf);
		if (buf->type != E1K_TX_BUF_SKB) {
			e1k_xdp_tx_release(adapter, buf, false);
			continue;
		}
		dev_kfree_skb_any(buf->skb);
		buf->skb = NULL;
	}
	netdev_reset_queue(adapter->netdev);

	e1k_rx_release_buffers(adapter);
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
 * e1k_irq_enable - unmask the causes the driver handles (IMS, 13.4.20)
 * @adapter: the adapter, its causes all masked (open, or the poll after
 *	     the handler's IMC)
 *
 * TXDW (a descriptor with RS written back, 3.3.3) only while packets are
 * in flight: xmit reclaims what the hardware reported right after its tail
 * write (e1k_xmit_reclaim()), and where that leaves packets behind it
 * unmasks TXDW itself (e1k_tx_arm_irq()). QEMU's model sends on the tail
 * write, so there a stream of transmits raises no TX interrupt at all.
 * mode=irq cleans TX in its handler only: TXDW always.
 */
void e1k_irq_enable(struct e1k_adapter *adapter)
{
	u32 ims = E1K_INT_RXT0 | E1K_INT_RXDMT0 | E1K_INT_RXO | E1K_INT_LSC;

	if (adapter->irq_mode) {
		ims |= E1K_INT_TXDW;
	} else {
		WRITE_ONCE(adapter->tx_irq_armed, false);
		/* The flag, then the ring; pairs with e1k_tx_arm_irq() */
		smp_mb();
		if (e1k_tx_in_flight(&adapter->tx_ring)) {
			WRITE_ONCE(adapter->tx_irq_armed, true);
			ims |= E1K_INT_TXDW;
		}
	}
	/*
	 * No flush: nothing waits for the unmask to land, and a cause already
	 * pending raises the line as soon as it does. Under QEMU every
	 * register read is a trip through the device model.
	 */
	e1k_wr32(adapter, E1K_IMS, ims);
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

/**
 * e1k_intr - the (shared, legacy INTx) interrupt handler
 * @irq: the interrupt line
 * @data: the adapter
 *
 * Reading ICR acknowledges every cause (read-to-clear, 13.4.17). A zero
 * ICR means another device on the shared line interrupted. Otherwise mask
 * all causes and leave the work to NAPI; the poll unmasks when it is done.
 * With mode=irq or irq-drain the handler does the work itself and masks
 * nothing.
 *
 * Return: IRQ_NONE if the interrupt was not ours, else IRQ_HANDLED.
 */
irqreturn_t e1k_intr(int irq, void *data)
{
	struct e1k_adapter *adapter = data;
	u32 icr = e1k_rd32(adapter, E1K_ICR);

	if (!icr)
		return IRQ_NONE;

	u64_stats_update_begin(&adapter->irq_syncp);
	adapter->irq_stats.interrupts++;
	u64_stats_update_end(&adapter->irq_syncp);
	if (icr & E1K_INT_LSC)
		mod_delayed_work(system_wq, &adapter->watchdog, 0);

	if (adapter->irq_mode) {
		/*
		 * The contrasts to NAPI, in hard-IRQ context with the causes
		 * left unmasked. There is no NAPI in these modes, so nothing
		 * else (netpoll included) cleans the rings beside this
		 * handler. mode=irq: one received frame per interrupt, as a
		 * NIC without moderation interrupts for each frame. QEMU
		 * fills the ring in bursts while the vCPU waits, so when more
		 * frames are waiting, raise RXT0 again through ICS (13.4.19):
		 * every frame then costs its own interrupt.
		 */
		if (e1k_clean_tx(adapter, 0) & E1K_TX_WOKE)
			e1k_poll_stat_inc(adapter, &adapter->poll_stats.tx_wake_queue);
		if (adapter->irq_drain) {
			/*
			 * mode=irq-drain, the design NAPI replaced: take every
			 * frame that is ready, all in hard-IRQ context, each
			 * queued to the backlog by netif_rx(). Nothing bounds
			 * the work but the ring: under a flood the CPU spends
			 * itself here and the backlog's softirq, and the
			 * application behind them, get what is left (receive
			 * livelock). Frames that arrive meanwhile raise ICR
			 * again, so the line interrupts again on return.
			 */
			e1k_clean_rx(adapter, adapter->rx_ring.count);
		} else if (e1k_clean_rx(adapter, 1) &&
			   e1k_rx_pending(&adapter->rx_ring)) {
			e1k_wr32(adapter, E1K_ICS, E1K_INT_RXT0);
		}
		return IRQ_HANDLED;
	}

	/*
	 * Mask without the flush of e1k_irq_disable(): ICR was just read, so
	 * the line is low, and a cause that slips in before the mask lands
	 * only costs one more interrupt that finds NAPI already scheduled.
	 */
	e1k_wr32(adapter, E1K_IMC, E1K_INT_ALL);
	/*
	 * NAPI owns the device until the poll unmasks: xmit must not unmask
	 * TXDW meanwhile (e1k_tx_arm_irq() skips while armed). The poll
	 * recomputes the flag in e1k_irq_enable(), after its barrier, so
	 * packets xmit leaves in flight meanwhile are seen there.
	 */
	WRITE_ONCE(adapter->tx_irq_armed, true);
	napi_schedule_irqoff(&adapter->napi);
	return IRQ_HANDLED;
}

/**
 * e1k_poll - the NAPI poll loop
 * @napi: the adapter's NAPI context
 * @budget: how many received packets this poll may process; 0 from
 *	    netpoll, which may only reclaim TX
 *
 * TX completions are cleaned first (xmit may be cleaning too:
 * e1k_reclaim_tx()) and are not charged to the budget. When RX used the
 * whole budget the device stays in polling mode with its interrupts
 * masked; otherwise NAPI completes and, only if napi_complete_done()
 * agrees (no busy-poll owner, no re-schedule pending), the interrupts are
 * unmasked again. e1k_down() disables NAPI and waits for a poll past that
 * point to finish before it masks the interrupts, so an unmask here can
 * never outlive the tear-down.
 *
 * Return: the number of received packets processed.
 */
int e1k_poll(struct napi_struct *napi, int budget)
{
	struct e1k_adapter *adapter = container_of(napi, struct e1k_adapter, napi);
	int work;

	e1k_poll_stat_inc(adapter, &adapter->poll_stats.napi_polls);
	if (e1k_reclaim_tx(adapter, budget) & E1K_TX_WOKE)
		e1k_poll_stat_inc(adapter, &adapter->poll_stats.tx_wake_queue);
	if (!budget)
		return 0;

	work = e1k_clean_rx(adapter, budget);
	if (work == budget) {
		e1k_poll_stat_inc(adapter, &adapter->poll_stats.napi_budget_exhausted);
		return budget;
	}
	if (napi_complete_done(napi, work)) {
		e1k_poll_stat_inc(adapter, &adapter->poll_stats.napi_complete);
		/* pairs with e1k_set_coalesce(): the restart's state first */
		if (smp_load_acquire(&adapter->adaptive_rx))
			e1k_dim_sample(adapter);
		e1k_irq_enable(adapter);
	}
	return work;
}
