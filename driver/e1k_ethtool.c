// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - ethtool operations: driver info, link, ring sizes, interrupt
 * throttling (coalescing), statistics, a register dump and the self-test
 * (e1k_selftest.c).
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "e1k.h"

enum e1k_stat_source {
	E1K_STAT_SW,
	E1K_STAT_HW,
};

struct e1k_stat {
	char name[ETH_GSTRING_LEN];
	enum e1k_stat_source source;
	size_t offset;
};

/* A software counter under a name of its own */
#define E1K_SW_STAT_AS(_name, _field) \
	{ _name, E1K_STAT_SW, offsetof(struct e1k_sw_stats, _field) }
#define E1K_RING_STAT(_name, _field)	E1K_SW_STAT_AS(_name, _field)
#define E1K_SW_STAT(_field) \
	{ #_field, E1K_STAT_SW, offsetof(struct e1k_sw_stats, _field) }
#define E1K_HW_STAT(_name, _field) \
	{ _name, E1K_STAT_HW, offsetof(struct e1k_hw_stats, _field) }

/*
 * One table drives the names, the count and the values of ethtool -S. The
 * page_pool core's counters (rx_pp_*) follow the table's when the kernel
 * has them (CONFIG_PAGE_POOL_STATS), in the core's order.
 */
static const struct e1k_stat e1k_stats[] = {
	E1K_RING_STAT("rx_packets", rx.packets),
	E1K_RING_STAT("rx_bytes", rx.bytes),
	E1K_RING_STAT("tx_packets", tx.packets),
	E1K_RING_STAT("tx_bytes", tx.bytes),
	E1K_SW_STAT(interrupts),
	E1K_SW_STAT(napi_polls),
	E1K_SW_STAT(napi_budget_exhausted),
	E1K_SW_STAT(napi_complete),
	E1K_SW_STAT(rx_alloc_failed),
	E1K_SW_STAT(rx_frame_errors),
	E1K_SW_STAT(rx_length_errors),
	E1K_SW_STAT(rx_dropped),
	E1K_SW_STAT(rx_pool_pages),
	E1K_SW_STAT(rx_pool_released),
	E1K_SW_STAT(rx_copybreak),
	E1K_SW_STAT(rx_multi_buffer),
	E1K_SW_STAT(dma_map_errors),
	E1K_SW_STAT(tx_restart_queue),
	E1K_SW_STAT(tx_timeouts),
	E1K_SW_STAT(tx_dropped),
	E1K_SW_STAT(rx_refill_kicks),
	E1K_SW_STAT_AS("xdp_pass", xdp.xdp_pass),
	E1K_SW_STAT_AS("xdp_drop", xdp.xdp_drop),
	E1K_SW_STAT_AS("xdp_tx", xdp.xdp_tx),
	E1K_SW_STAT_AS("xdp_tx_errors", xdp.xdp_tx_errors),
	E1K_SW_STAT_AS("xdp_redirect", xdp.xdp_redirect),
	E1K_SW_STAT_AS("xdp_redirect_errors", xdp.xdp_redirect_errors),
	E1K_SW_STAT_AS("xdp_aborted", xdp.xdp_aborted),
	E1K_SW_STAT(xdp_xmit),
	E1K_SW_STAT(xdp_xmit_errors),
	E1K_HW_STAT("hw_rx_crc_errors", crcerrs),
	E1K_HW_STAT("hw_rx_align_errors", algnerrc),
	E1K_HW_STAT("hw_rx_errors", rxerrc),
	E1K_HW_STAT("hw_rx_missed", mpc),
	E1K_HW_STAT("hw_rx_no_buffer", rnbc),
	E1K_HW_STAT("hw_rx_undersize", ruc),
	E1K_HW_STAT("hw_rx_oversize", roc),
	E1K_HW_STAT("hw_rx_good_packets", gprc),
	E1K_HW_STAT("hw_rx_broadcast", bprc),
	E1K_HW_STAT("hw_rx_multicast", mprc),
	E1K_HW_STAT("hw_rx_total_packets", tpr),
	E1K_HW_STAT("hw_tx_good_packets", gptc),
	E1K_HW_STAT("hw_tx_total_packets", tpt),
	E1K_HW_STAT("hw_tx_single_collisions", scc),
	E1K_HW_STAT("hw_tx_excessive_collisions", ecol),
	E1K_HW_STAT("hw_collisions", colc),
};

static void e1k_get_drvinfo(struct net_device *netdev,
			    struct ethtool_drvinfo *info)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);

	strscpy(info->driver, E1K_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, pci_name(adapter->pdev), sizeof(info->bus_info));
}

static int e1k_get_link_ksettings(struct net_device *netdev,
				  struct ethtool_link_ksettings *cmd)
{
	/* QEMU's link is always 1000 Mb/s full duplex; nothing to negotiate */
	cmd->base.port = PORT_TP;
	cmd->base.autoneg = AUTONEG_DISABLE;
	if (netif_carrier_ok(netdev)) {
		cmd->base.speed = SPEED_1000;
		cmd->base.duplex = DUPLEX_FULL;
	} else {
		cmd->base.speed = SPEED_UNKNOWN;
		cmd->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

static void e1k_get_ringparam(struct net_device *netdev,
			      struct ethtool_ringparam *ring,
			      struct kernel_ethtool_ringparam *kring,
			      struct netlink_ext_ack *extack)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);

	ring->rx_max_pending = E1K_RING_MAX;
	ring->tx_max_pending = E1K_RING_MAX;
	ring->rx_pending = adapter->rx_ring_count;
	ring->tx_pending = adapter->tx_ring_count;
}

static int e1k_set_ringparam(struct net_device *netdev,
			     struct ethtool_ringparam *ring,
			     struct kernel_ethtool_ringparam *kring,
			     struct netlink_ext_ack *extack)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);

	if (ring->rx_mini_pending || ring->rx_jumbo_pending) {
		NL_SET_ERR_MSG(extack, "e1k_napi has no mini or jumbo rings");
		return -EINVAL;
	}
	if (ring->rx_pending < E1K_RING_MIN || ring->tx_pending < E1K_RING_MIN ||
	    ring->rx_pending % E1K_RING_ALIGN || ring->tx_pending % E1K_RING_ALIGN) {
		NL_SET_ERR_MSG(extack, "ring sizes must be 80..4096 and multiples of 8");
		return -EINVAL;
	}
	if (ring->rx_pending == adapter->rx_ring_count &&
	    ring->tx_pending == adapter->tx_ring_count)
		return 0;
	return e1k_reinit(adapter, ring->tx_pending, ring->rx_pending,
			  netdev->mtu);
}

/*
 * rx-usecs is the ITR interval (8254x SDM 13.4.18); 0 = no throttling.
 * adaptive-rx on lets net_dim choose the interval (see e1k_dim_work()).
 * tx-usecs is the TX interrupt delay (TIDV/TADV, see e1k_set_tx_delay()).
 */
static int e1k_get_coalesce(struct net_device *netdev,
			    struct ethtool_coalesce *ec,
			    struct kernel_ethtool_coalesce *kec,
			    struct netlink_ext_ack *extack)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);

	ec->rx_coalesce_usecs = adapter->itr ? 1000000 / adapter->itr : 0;
	ec->use_adaptive_rx_coalesce = adapter->adaptive_rx;
	ec->tx_coalesce_usecs = adapter->tx_usecs;
	return 0;
}

static int e1k_set_coalesce(struct net_device *netdev,
			    struct ethtool_coalesce *ec,
			    struct kernel_ethtool_coalesce *kec,
			    struct netlink_ext_ack *extack)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);
	u32 usecs = ec->rx_coalesce_usecs;

	if (adapter->irq_mode && usecs) {
		NL_SET_ERR_MSG(extack, "mode=irq and irq-drain run without interrupt throttling");
		return -EINVAL;
	}
	/* ITR's 16-bit interval in 256 ns units tops out at ~16.7 ms */
	if (usecs > 10000) {
		NL_SET_ERR_MSG(extack, "rx-usecs must be 0 (off) .. 10000");
		return -EINVAL;
	}
	if (adapter->irq_mode && ec->use_adaptive_rx_coalesce) {
		NL_SET_ERR_MSG(extack, "mode=irq and irq-drain have no NAPI for adaptive-rx");
		return -EINVAL;
	}
	if (adapter->irq_mode && ec->tx_coalesce_usecs) {
		NL_SET_ERR_MSG(extack, "mode=irq and irq-drain run without TX interrupt delay");
		return -EINVAL;
	}
	if (ec->tx_coalesce_usecs > E1K_TX_USECS_MAX) {
		NL_SET_ERR_MSG(extack, "tx-usecs must be 0 (off) .. 10000");
		return -EINVAL;
	}
	/* Everything is valid: from here on, apply */
	if (ec->tx_coalesce_usecs != adapter->tx_usecs)
		e1k_set_tx_delay(adapter, ec->tx_coalesce_usecs);
	/* Start at the lowest latency, looking for more moderation */
	if (ec->use_adaptive_rx_coalesce && !adapter->adaptive_rx) {
		e1k_dim_restart(adapter);
		/* the poll reads the state above once it sees the flag */
		smp_store_release(&adapter->adaptive_rx, true);
		e1k_apply_itr(adapter);
	} else if (!ec->use_adaptive_rx_coalesce && adapter->adaptive_rx) {
		WRITE_ONCE(adapter->adaptive_rx, false);
		/*
		 * A poll that read the flag before may still be classing: wait
		 * for it, then for the work it may have queued.
		 */
		if (!test_bit(E1K_STATE_DOWN, &adapter->state))
			napi_synchronize(&adapter->napi);
		cancel_work_sync(&adapter->rx_dim.work);
	}
	/* The static rate is kept; it applies again when adaptive-rx is off */
	adapter->itr = usecs ? DIV_ROUND_CLOSEST(1000000, usecs) : 0;
	if (!adapter->adaptive_rx)
		e1k_write_itr(adapter, adapter->itr);
	return 0;
}

static int e1k_get_sset_count(struct net_device *netdev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return ARRAY_SIZE(e1k_stats) + page_pool_ethtool_stats_get_count();
	case ETH_SS_TEST:
		return e1k_self_test_count();
	default:
		return -EOPNOTSUPP;
	}
}

static void e1k_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	unsigned int i;

	switch (sset) {
	case ETH_SS_STATS:
		for (i = 0; i < ARRAY_SIZE(e1k_stats); i++)
			memcpy(data + i * ETH_GSTRING_LEN, e1k_stats[i].name,
			       ETH_GSTRING_LEN);
		page_pool_ethtool_stats_get_strings(data + i * ETH_GSTRING_LEN);
		break;
	case ETH_SS_TEST:
		e1k_self_test_strings(data);
		break;
	}
}

static void e1k_get_ethtool_stats(struct net_device *netdev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);
	struct e1k_sw_stats sw;
	struct e1k_hw_stats hw;
	unsigned int i;

	e1k_update_hw_stats(adapter);
	e1k_stats_snapshot(adapter, &sw);
	spin_lock_bh(&adapter->hw_stats_lock);
	hw = adapter->hw_stats;
	spin_unlock_bh(&adapter->hw_stats_lock);

	for (i = 0; i < ARRAY_SIZE(e1k_stats); i++) {
		const void *base = e1k_stats[i].source == E1K_STAT_SW ?
				   (const void *)&sw : (const void *)&hw;

		data[i] = *(const u64 *)(base + e1k_stats[i].offset);
	}
	e1k_rx_pool_stats(adapter, data + i);
}

/* ethtool -d: the control, interrupt and ring registers (not read-to-clear) */
static const u32 e1k_dump_regs[] = {
	E1K_CTRL, E1K_STATUS, E1K_RCTL, E1K_TCTL, E1K_TIPG, E1K_ITR, E1K_IMS,
	E1K_RDBAL, E1K_RDBAH, E1K_RDLEN, E1K_RDH, E1K_RDT, E1K_RDTR, E1K_RADV,
	E1K_TDBAL, E1K_TDBAH, E1K_TDLEN, E1K_TDH, E1K_TDT, E1K_TIDV, E1K_TADV,
};

static int e1k_get_regs_len(struct net_device *netdev)
{
	return sizeof(e1k_dump_regs);
}

static void e1k_get_regs(struct net_device *netdev, struct ethtool_regs *regs,
			 void *p)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);
	u32 *out = p;
	unsigned int i;

	regs->version = 1;
	for (i = 0; i < ARRAY_SIZE(e1k_dump_regs); i++)
		out[i] = e1k_rd32(adapter, e1k_dump_regs[i]);
}

static const struct ethtool_ops e1k_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_USECS |
				     ETHTOOL_COALESCE_USE_ADAPTIVE_RX |
				     ETHTOOL_COALESCE_TX_USECS,
	.get_drvinfo		= e1k_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= e1k_get_link_ksettings,
	.get_ringparam		= e1k_get_ringparam,
	.set_ringparam		= e1k_set_ringparam,
	.get_coalesce		= e1k_get_coalesce,
	.set_coalesce		= e1k_set_coalesce,
	.get_sset_count		= e1k_get_sset_count,
	.get_strings		= e1k_get_strings,
	.get_ethtool_stats	= e1k_get_ethtool_stats,
	.get_regs_len		= e1k_get_regs_len,
	.get_regs		= e1k_get_regs,
	.self_test		= e1k_self_test,
	/* Software timestamps: xmit calls skb_tx_timestamp(), the stack stamps RX */
	.get_ts_info		= ethtool_op_get_ts_info,
};

/**
 * e1k_set_ethtool_ops - attach the ethtool operations to an interface
 * @netdev: the interface
 */
void e1k_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &e1k_ethtool_ops;
}
