// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - the interface's life: bring-up and tear-down, reconfiguration
 * (ring sizes, MTU), the link watchdog, TX timeout recovery and the netdev
 * operations.
 *
 * Hardware steps follow the 8254x SDM; the section is named at each step.
 */
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/rtnetlink.h>

#include "e1k.h"

/* The link watchdog's period while nothing needs it sooner */
#define E1K_WATCHDOG_PERIOD	(2 * HZ)

/*
 * Link state follows STATUS.LU (13.4.2); also folds the hardware counters
 * and recovers an RX ring that failed allocations left empty.
 */
static void e1k_watchdog(struct work_struct *work)
{
	struct e1k_adapter *adapter = container_of(to_delayed_work(work),
						   struct e1k_adapter, watchdog);
	struct net_device *netdev = adapter->netdev;
	unsigned long next = E1K_WATCHDOG_PERIOD;
	bool link_up;

	if (test_bit(E1K_STATE_DOWN, &adapter->state))
		return;
	clear_bit(E1K_STATE_RX_RETRY, &adapter->state);

	link_up = e1k_rd32(adapter, E1K_STATUS) & E1K_STATUS_LU;
	if (link_up && !netif_carrier_ok(netdev)) {
		netdev_info(netdev, "link up, 1000 Mb/s full duplex\n");
		netif_carrier_on(netdev);
	} else if (!link_up && netif_carrier_ok(netdev)) {
		netdev_info(netdev, "link down\n");
		netif_carrier_off(netdev);
	}
	e1k_update_hw_stats(adapter);
	if (e1k_rx_kick(adapter))
		next = E1K_RX_RETRY_DELAY;
	schedule_delayed_work(&adapter->watchdog, next);
}

/*
 * Bring the allocated rings into service: the second half of open. Each
 * step is undone by e1k_down() in reverse.
 */
static int e1k_up(struct e1k_adapter *adapter)
{
	struct net_device *netdev = adapter->netdev;
	unsigned int filled;
	int err;

	e1k_setup_link(adapter);
	e1k_write_rar(adapter, 0, netdev->dev_addr);
	e1k_configure_tx(adapter);
	e1k_write_tx_delay(adapter, adapter->tx_usecs);
	filled = e1k_configure_rx(adapter);
	if (filled < adapter->rx_ring.count - 1)
		netdev_warn(netdev, "only %u of %u receive buffers could be allocated; refilling later\n",
			    filled, adapter->rx_ring.count - 1);
	/* The core calls ndo_set_rx_mode with the address lists locked */
	netif_addr_lock_bh(netdev);
	e1k_set_rx_mode(netdev);
	netif_addr_unlock_bh(netdev);
	/*
	 * adaptive-rx starts over at ITR off: e1k_down() may have cancelled a
	 * profile's work item before it ran, and the traffic has changed.
	 */
	e1k_dim_restart(adapter);
	e1k_apply_itr(adapter);

	err = request_irq(adapter->pdev->irq, e1k_intr, IRQF_SHARED,
			  netdev->name, adapter);
	if (err) {
		netdev_err(netdev, "cannot get IRQ %d: %d\n", adapter->pdev->irq, err);
		/* e1k_configure_tx() enabled the transmitter on this ring */
		e1k_wr32(adapter, E1K_TCTL, 0);
		e1k_flush(adapter);
		return err;
	}
	clear_bit(E1K_STATE_DOWN, &adapter->state);
	if (!adapter->irq_mode)
		napi_enable(&adapter->napi);
	/* 14.4: enable the receiver last, once buffers and NAPI are ready */
	e1k_rctl_update(adapter, 0, E1K_RCTL_EN);
	e1k_irq_enable(adapter);
	netif_start_queue(netdev);
	/* At once: link state, and an RX ring the first fill left empty */
	schedule_delayed_work(&adapter->watchdog, 0);
	return 0;
}

/*
 * Quiesce, in an order that leaves nobody to race with:
 * 1. E1K_STATE_DOWN: e1k_set_rx_mode() stops writing RCTL, the watchdog
 *    and DIM work stop touching the hardware.
 * 2. NAPI off, then synchronize_net(): napi_disable() returns once no poll
 *    is scheduled, but a poll that completed may still be unmasking,
 *    waking the queue or queueing work; a poll runs in a softirq, an RCU
 *    read-side section, so after the grace period none is left. The same
 *    grace period covers xmit, which may unmask TXDW (e1k_tx_arm_irq()):
 *    dev_queue_xmit() runs under rcu_read_lock_bh(), pktgen and packet
 *    sockets' direct xmit with BHs off, netpoll with interrupts off,
 *    ndo_xdp_xmit in a poll; each is a read-side section, so one that
 *    comes after sees E1K_STATE_DOWN.
 * 3. Mask every cause and release the line: free_irq() waits for a
 *    running handler, and after it none runs (mode=irq does its work
 *    there).
 * 4. Cancel the works that only polls and the handler queue: DIM, and the
 *    watchdog (it re-arms itself, which cancel_delayed_work_sync()
 *    handles). None can be queued again, and none runs any more.
 * 5. Only now stop the TX queue and the carrier (nothing can wake or
 *    raise them again), then both DMA engines.
 */
static void e1k_down(struct e1k_adapter *adapter)
{
	struct net_device *netdev = adapter->netdev;

	set_bit(E1K_STATE_DOWN, &adapter->state);
	if (!adapter->irq_mode) {
		napi_disable(&adapter->napi);
		synchronize_net();
	}
	e1k_irq_disable(adapter);
	free_irq(adapter->pdev->irq, adapter);
	cancel_work_sync(&adapter->rx_dim.work);
	cancel_delayed_work_sync(&adapter->watchdog);

	netif_tx_disable(netdev);
	netif_carrier_off(netdev);
	e1k_rctl_update(adapter, E1K_RCTL_EN, 0);
	e1k_wr32(adapter, E1K_TCTL, 0);
	e1k_flush(adapter);
	/* Let DMA in flight land before the buffers go (14.3) */
	usleep_range(10000, 20000);

	e1k_update_hw_stats(adapter);
	e1k_clean_rings(adapter);
}

/**
 * e1k_open - ndo_open: allocate the rings and bring the interface up
 * @netdev: the interface
 *
 * Return: 0 or a negative errno (nothing left allocated).
 */
int e1k_open(struct net_device *netdev)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);
	int err;

	netif_carrier_off(netdev);
	err = e1k_setup_rings(adapter);
	if (err)
		return err;
	err = e1k_up(adapter);
	if (err)
		goto err_free_rings;
	return 0;

err_free_rings:
	e1k_clean_rings(adapter);
	e1k_free_rings(adapter);
	return err;
}

/**
 * e1k_close - ndo_stop: quiesce everything, then free the rings
 * @netdev: the interface
 *
 * A reopen that failed (e1k_reinit(), the self-test, the reset task) left
 * the interface up with nothing running: NAPI disabled, no IRQ, perhaps
 * buffers in the rings. Then only the buffers and rings remain to free;
 * e1k_down() would wait forever in napi_disable().
 *
 * Return: 0.
 */
int e1k_close(struct net_device *netdev)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);

	if (!test_bit(E1K_STATE_DOWN, &adapter->state))
		e1k_down(adapter);
	else
		e1k_clean_rings(adapter);
	e1k_free_rings(adapter);
	return 0;
}

/**
 * e1k_reinit - apply new ring sizes or MTU, rebuilding the rings if running
 * @adapter: the adapter (RTNL held)
 * @tx_count: TX descriptors
 * @rx_count: RX descriptors
 * @mtu: the MTU
 *
 * On failure the old settings are restored and brought back up.
 *
 * Return: 0 or a negative errno.
 */
int e1k_reinit(struct e1k_adapter *adapter, unsigned int tx_count,
	       unsigned int rx_count, unsigned int mtu)
{
	struct net_device *netdev = adapter->netdev;
	unsigned int old_tx = adapter->tx_ring_count, old_rx = adapter->rx_ring_count;
	unsigned int old_mtu = netdev->mtu;
	int err;

	if (!netif_running(netdev)) {
		adapter->tx_ring_count = tx_count;
		adapter->rx_ring_count = rx_count;
		netdev->mtu = mtu;
		return 0;
	}

	e1k_close(netdev);
	adapter->tx_ring_count = tx_count;
	adapter->rx_ring_count = rx_count;
	netdev->mtu = mtu;
	err = e1k_open(netdev);
	if (!err)
		return 0;

	netdev_err(netdev, "cannot apply the new settings (%d); restoring the old ones\n", err);
	adapter->tx_ring_count = old_tx;
	adapter->rx_ring_count = old_rx;
	netdev->mtu = old_mtu;
	if (e1k_open(netdev))
		netdev_err(netdev, "cannot restore the interface; bring it down and up\n");
	return err;
}

static int e1k_change_mtu(struct net_device *netdev, int new_mtu)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);

	if (!e1k_xdp_mtu_ok(adapter, new_mtu))
		return -EINVAL;
	return e1k_reinit(adapter, adapter->tx_ring_count,
			  adapter->rx_ring_count, new_mtu);
}

static int e1k_set_mac_address(struct net_device *netdev, void *p)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);
	struct sockaddr *addr = p;

	if (!is_valid_ether_addr(addr->sa_data))
		return -EADDRNOTAVAIL;
	eth_hw_addr_set(netdev, addr->sa_data);
	e1k_write_rar(adapter, 0, netdev->dev_addr);
	return 0;
}

static void e1k_tx_timeout(struct net_device *netdev, unsigned int txqueue)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);

	atomic64_inc(&adapter->events.tx_timeouts);
	netdev_warn(netdev, "TX timeout: head %u tail %u clean %u; resetting\n",
		    e1k_rd32(adapter, E1K_TDH), e1k_rd32(adapter, E1K_TDT),
		    READ_ONCE(adapter->tx_ring.next_to_clean));
	schedule_work(&adapter->reset_task);
}

/* TX timeout recovery: rebuild the rings, keep the netdev registered. */
static void e1k_reset_task(struct work_struct *work)
{
	struct e1k_adapter *adapter = container_of(work, struct e1k_adapter,
						   reset_task);
	struct net_device *netdev = adapter->netdev;

	rtnl_lock();
	if (netif_running(netdev) && !test_bit(E1K_STATE_DOWN, &adapter->state)) {
		e1k_down(adapter);
		if (e1k_hw_reset(adapter))
			netdev_err(netdev, "reset did not complete\n");
		if (e1k_up(adapter))
			netdev_err(netdev, "cannot restart after reset; bring it down and up\n");
	}
	rtnl_unlock();
}

/**
 * e1k_init_tasks - set up the watchdog, the reset task and adaptive-rx
 * (probe)
 * @adapter: the adapter
 */
void e1k_init_tasks(struct e1k_adapter *adapter)
{
	INIT_DELAYED_WORK(&adapter->watchdog, e1k_watchdog);
	INIT_WORK(&adapter->reset_task, e1k_reset_task);
	e1k_dim_init(adapter);
}

static const struct net_device_ops e1k_netdev_ops = {
	.ndo_open		= e1k_open,
	.ndo_stop		= e1k_close,
	.ndo_start_xmit		= e1k_xmit_frame,
	.ndo_features_check	= e1k_features_check,
	.ndo_get_stats64	= e1k_get_stats64,
	.ndo_set_rx_mode	= e1k_set_rx_mode,
	.ndo_set_mac_address	= e1k_set_mac_address,
	.ndo_change_mtu		= e1k_change_mtu,
	.ndo_tx_timeout		= e1k_tx_timeout,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_bpf		= e1k_bpf,
	.ndo_xdp_xmit		= e1k_xdp_xmit,
};

/**
 * e1k_set_netdev_ops - attach the netdev operations to an interface
 * @netdev: the interface
 */
void e1k_set_netdev_ops(struct net_device *netdev)
{
	netdev->netdev_ops = &e1k_netdev_ops;
}
