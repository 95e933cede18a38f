// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - reading the software counters. Each group has one writer
 * context (see struct e1k_irq_stats, e1k_poll_stats, e1k_ring_stats in
 * e1k.h); the readers here take a consistent copy of each group with
 * u64_stats and sum them into one struct e1k_sw_stats.
 */
#include <linux/netdevice.h>

#include "e1k.h"

/**
 * e1k_ring_stats_read - a consistent copy of one ring's packet counters
 * @ring: the ring
 * @out: the copy
 */
void e1k_ring_stats_read(const struct e1k_ring *ring, struct e1k_ring_stats *out)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&ring->syncp);
		*out = ring->stats;
	} while (u64_stats_fetch_retry(&ring->syncp, start));
}

/**
 * e1k_stats_snapshot - every software counter, read once
 * @adapter: the adapter
 * @out: the snapshot (ethtool -S, ndo_get_stats64)
 */
void e1k_stats_snapshot(struct e1k_adapter *adapter, struct e1k_sw_stats *out)
{
	const struct e1k_event_stats *ev = &adapter->events;
	struct e1k_poll_stats poll;
	struct e1k_irq_stats irq;
	unsigned int start;

	e1k_ring_stats_read(&adapter->rx_ring, &out->rx);
	e1k_ring_stats_read(&adapter->tx_ring, &out->tx);
	do {
		start = u64_stats_fetch_begin(&adapter->irq_syncp);
		irq = adapter->irq_stats;
	} while (u64_stats_fetch_retry(&adapter->irq_syncp, start));
	do {
		start = u64_stats_fetch_begin(&adapter->poll_syncp);
		poll = adapter->poll_stats;
	} while (u64_stats_fetch_retry(&adapter->poll_syncp, start));

	out->interrupts = irq.interrupts;
	out->napi_polls = poll.napi_polls;
	out->napi_budget_exhausted = poll.napi_budget_exhausted;
	out->napi_complete = poll.napi_complete;
	out->rx_frame_errors = poll.rx_frame_errors;
	out->rx_length_errors = poll.rx_length_errors;
	out->rx_dropped = poll.rx_dropped;
	out->rx_pool_pages = atomic64_read(&ev->rx_pool_pages);
	out->rx_pool_released = poll.rx_pool_released;
	out->rx_copybreak = poll.rx_copybreak;
	out->rx_multi_buffer = poll.rx_multi_buffer;
	out->rx_alloc_failed = atomic64_read(&ev->rx_alloc_failed);
	out->dma_map_errors = atomic64_read(&ev->dma_map_errors);
	out->tx_restart_queue = poll.tx_wake_queue + atomic64_read(&ev->tx_stop_restart) +
				atomic64_read(&ev->tx_xmit_wake);
	out->tx_timeouts = atomic64_read(&ev->tx_timeouts);
	out->tx_dropped = atomic64_read(&ev->tx_dropped);
	out->rx_refill_kicks = atomic64_read(&ev->rx_refill_kicks);
	out->xdp = poll.xdp;
	out->xdp_xmit = atomic64_read(&ev->xdp_xmit);
	out->xdp_xmit_errors = atomic64_read(&ev->xdp_xmit_errors);
}

/**
 * e1k_get_stats64 - ndo_get_stats64: the interface counters
 * @netdev: the interface
 * @stats: filled in from the software and the hardware counters
 */
void e1k_get_stats64(struct net_device *netdev, struct rtnl_link_stats64 *stats)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);
	const struct e1k_hw_stats *hw = &adapter->hw_stats;
	struct e1k_sw_stats sw;

	e1k_stats_snapshot(adapter, &sw);
	stats->rx_packets = sw.rx.packets;
	stats->rx_bytes = sw.rx.bytes;
	stats->tx_packets = sw.tx.packets;
	stats->tx_bytes = sw.tx.bytes;
	stats->tx_dropped = sw.tx_dropped;
	stats->rx_dropped = sw.rx_dropped;
	stats->rx_length_errors = sw.rx_length_errors;
	stats->rx_frame_errors = sw.rx_frame_errors;

	spin_lock_bh(&adapter->hw_stats_lock);
	stats->multicast = hw->mprc;
	stats->collisions = hw->colc;
	stats->rx_crc_errors = hw->crcerrs;
	stats->rx_missed_errors = hw->mpc;
	stats->rx_over_errors = hw->rnbc;
	stats->rx_errors = hw->rxerrc + hw->crcerrs + hw->algnerrc + hw->ruc +
			   hw->roc + sw.rx_length_errors + sw.rx_frame_errors;
	spin_unlock_bh(&adapter->hw_stats_lock);
}
