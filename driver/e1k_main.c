// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - a NAPI reference driver for QEMU's emulated Intel 8254x NICs
 * (82540EM, 82544GC, 82545EM): module parameters, PCI probe and remove.
 *
 * Where the rest lives: e1k_netdev.c (open, close, the netdev operations),
 * e1k_ring.c (rings, the interrupt handler, the NAPI poll), e1k_tx.c and
 * e1k_rx.c (the datapath), e1k_itr.c (interrupt moderation), e1k_hw.c (the
 * controller: reset, EEPROM, filters, counters), e1k_stats.c,
 * e1k_ethtool.c, e1k_selftest.c, e1k_debugfs.c (fault injection). MMIO
 * ordering is explained at the accessors in e1k.h.
 *
 * Hardware steps follow the Intel PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual ("8254x SDM"); the section is named
 * at each step.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "e1k.h"

static unsigned int rx_ring_size = E1K_RING_DEFAULT;
module_param(rx_ring_size, uint, 0444);
MODULE_PARM_DESC(rx_ring_size, "RX descriptors, 80..4096, multiple of 8 (default 256)");

static unsigned int tx_ring_size = E1K_RING_DEFAULT;
module_param(tx_ring_size, uint, 0444);
MODULE_PARM_DESC(tx_ring_size, "TX descriptors, 80..4096, multiple of 8 (default 256)");

/*
 * Default interrupt throttling: off. Measured on QEMU's 82540EM (TCG,
 * 2 vCPU, interleaved runs, 3 s iperf3 phases): with itr=0 TCP peer->guest
 * gave 1043 and 996 Mb/s at 64 IRQ/s, because NAPI stays in polling mode
 * under load; with itr=8000 (QEMU's finest step, 128 us) it gave 642 and
 * 610 Mb/s at ~1300 IRQ/s: each time the poll completes early, the next
 * interrupt is held back by the throttle while the ring fills. TCP
 * guest->peer and 64-byte UDP floods did not differ beyond TCG's noise.
 * Light loads take one interrupt per packet either way. Set itr or
 * ethtool -C rx-usecs to cap the rate where interrupts cost more.
 */
static unsigned int itr;
module_param(itr, uint, 0444);
MODULE_PARM_DESC(itr, "Interrupt throttling, interrupts/s: 0 = off (default), 100..100000");

static char *mode = "napi";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "napi (default); irq: no NAPI, one frame per interrupt in hard-IRQ context, ITR off; irq-drain: no NAPI, the hard-IRQ handler drains every ready frame into netif_rx (the pre-NAPI design), ITR off");

/*
 * NAPI weight: the budget of one poll. Lower it to watch the poll loop give
 * the CPU back sooner (more polls, more budget-exhausted ones); NAPI's
 * default, 64, is also the most the core allows without a warning.
 */
static unsigned int weight = NAPI_POLL_WEIGHT;
module_param(weight, uint, 0444);
MODULE_PARM_DESC(weight, "NAPI weight (poll budget), 1..64 (default 64)");

/*
 * Copybreak: received frames up to this many bytes are copied into a small
 * skb and their page stays in the ring (e1k_rx_copy()); 0 turns it off.
 * It still pays on page_pool. Measured (TCG, 2 vCPU, scripts/bench-guest,
 * copybreak=256 and 0 in interleaved VM runs, 2 pairs on a loaded host): a
 * 64-byte UDP flood at 40k pps (napi-blast), datagrams the application got
 * 38.5k-39.3k/s vs 24.9k-31.8k/s, as a page-backed skb charges the socket
 * 4 KB per datagram and its buffer overflows; TCP peer->guest 418-498 vs
 * 486-587 Mb/s, where no frame is copied (the spread is TCG's).
 */
static unsigned int copybreak = E1K_RX_COPYBREAK;
module_param(copybreak, uint, 0444);
MODULE_PARM_DESC(copybreak, "Copy received frames up to this many bytes, 0..2048 (default 256; 0 = off)");

#define E1K_ITR_MIN	100
#define E1K_ITR_MAX	100000

static const struct pci_device_id e1k_pci_tbl[] = {
	{ PCI_VDEVICE(INTEL, 0x100e) },	/* 82540EM: QEMU "e1000" */
	{ PCI_VDEVICE(INTEL, 0x1008) },	/* 82544EI */
	{ PCI_VDEVICE(INTEL, 0x100c) },	/* 82544GC: QEMU "e1000-82544gc" */
	{ PCI_VDEVICE(INTEL, 0x100f) },	/* 82545EM: QEMU "e1000-82545em" */
	{ }
};
MODULE_DEVICE_TABLE(pci, e1k_pci_tbl);

/**
 * e1k_probe - bind to one NIC
 * @pdev: the PCI device
 * @ent: the matching table entry
 *
 * Enable the device, map BAR0, set the DMA mask, reset the controller, read
 * the MAC address and register the interface.
 *
 * Return: 0 or a negative errno; everything is undone on failure.
 */
static int e1k_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct e1k_adapter *adapter;
	struct net_device *netdev;
	int err;

	err = pci_enable_device_mem(pdev);
	if (err)
		return err;
	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err) {
		dev_err(&pdev->dev, "no usable DMA configuration\n");
		goto err_disable_device;
	}
	err = pci_request_mem_regions(pdev, E1K_DRV_NAME);
	if (err)
		goto err_disable_device;
	pci_set_master(pdev);

	netdev = alloc_etherdev(sizeof(*adapter));
	if (!netdev) {
		err = -ENOMEM;
		goto err_release_regions;
	}
	SET_NETDEV_DEV(netdev, &pdev->dev);
	pci_set_drvdata(pdev, netdev);
	adapter = netdev_priv(netdev);
	adapter->netdev = netdev;
	adapter->pdev = pdev;
	adapter->tx_ring_count = tx_ring_size;
	adapter->rx_ring_count = rx_ring_size;
	adapter->rx_copybreak = copybreak;
	adapter->irq_drain = !strcmp(mode, "irq-drain");
	adapter->irq_mode = adapter->irq_drain || !strcmp(mode, "irq");
	adapter->itr = adapter->irq_mode ? 0 : itr;
	set_bit(E1K_STATE_DOWN, &adapter->state);
	/* Once, here: ndo_get_stats64 may read them at any time */
	u64_stats_init(&adapter->tx_ring.syncp);
	u64_stats_init(&adapter->rx_ring.syncp);
	u64_stats_init(&adapter->irq_syncp);
	u64_stats_init(&adapter->poll_syncp);
	spin_lock_init(&adapter->hw_stats_lock);
	spin_lock_init(&adapter->rctl_lock);
	e1k_init_tasks(adapter);

	adapter->hw_addr = pci_iomap(pdev, 0, 0);
	if (!adapter->hw_addr) {
		err = -EIO;
		goto err_free_netdev;
	}

	err = e1k_hw_reset(adapter);
	if (err) {
		dev_err(&pdev->dev, "the controller did not come out of reset\n");
		goto err_unmap_bar;
	}
	e1k_init_mac_addr(adapter);

	e1k_set_netdev_ops(netdev);
	e1k_set_ethtool_ops(netdev);
	netdev->watchdog_timeo = 5 * HZ;
	/*
	 * TSO for IPv4 only: QEMU's model writes the IPv6 payload length
	 * including the header, so TSO6 segments would be malformed.
	 */
	netdev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_TSO;
	netdev->features = netdev->hw_features;
	netdev->priv_flags |= IFF_UNICAST_FLT;
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = E1K_MAX_FRAME - ETH_HLEN - VLAN_HLEN - ETH_FCS_LEN;
	/*
	 * E1K_TX_DESC_NEEDED counts on at most E1K_TSO_MAX_SIZE per TSO
	 * packet: say so, whatever the core's default (e1k_features_check()
	 * enforces it for packets that bypass gso_max_size).
	 */
	netif_set_tso_max_size(netdev, E1K_TSO_MAX_SIZE);
	/*
	 * mode=irq has no NAPI at all: the hard-IRQ handler does the work,
	 * and netpoll (which polls a device's NAPI contexts from any
	 * context) must not clean the rings beside it.
	 */
	if (!adapter->irq_mode)
		netif_napi_add_weight(netdev, &adapter->napi, e1k_poll, weight);
	e1k_debugfs_add(adapter);

	/* Before registering: an open may run (and raise it) at once */
	netif_carrier_off(netdev);
	err = register_netdev(netdev);
	if (err)
		goto err_remove_debugfs;
	netdev_info(netdev, "%s %04x at %s, MAC %pM, %u/%u descriptors, mode %s, weight %u, itr %u/s\n",
		    E1K_DRV_NAME, pdev->device, pci_name(pdev), netdev->dev_addr,
		    adapter->rx_ring_count, adapter->tx_ring_count,
		    mode, adapter->irq_mode ? 0 : weight,
		    adapter->itr);
	return 0;

err_remove_debugfs:
	e1k_debugfs_remove(adapter);
	/* The reset file may have queued it; it finds the interface absent */
	cancel_work_sync(&adapter->reset_task);
	if (!adapter->irq_mode)
		netif_napi_del(&adapter->napi);
err_unmap_bar:
	pci_iounmap(pdev, adapter->hw_addr);
err_free_netdev:
	free_netdev(netdev);
err_release_regions:
	pci_release_mem_regions(pdev);
err_disable_device:
	pci_disable_device(pdev);
	return err;
}

/**
 * e1k_remove - unbind from one NIC, undoing e1k_probe() in reverse
 * @pdev: the PCI device
 */
static void e1k_remove(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct e1k_adapter *adapter = netdev_priv(netdev);

	/* First: its reset file queues the reset task (e1k_debugfs.c) */
	e1k_debugfs_remove(adapter);
	/* Closes a running interface: e1k_down() quiesces NAPI, IRQ, works */
	unregister_netdev(netdev);
	/*
	 * Queued by a TX timeout or the reset file before the close; finds the
	 * interface down
	 */
	cancel_work_sync(&adapter->reset_task);
	if (!adapter->irq_mode)
		netif_napi_del(&adapter->napi);
	e1k_hw_reset(adapter);
	pci_iounmap(pdev, adapter->hw_addr);
	free_netdev(netdev);
	pci_release_mem_regions(pdev);
	pci_disable_device(pdev);
}

static struct pci_driver e1k_driver = {
	.name		= E1K_DRV_NAME,
	.id_table	= e1k_pci_tbl,
	.probe		= e1k_probe,
	.remove		= e1k_remove,
};

static bool e1k_ring_size_valid(const char *name, unsigned int size)
{
	if (size >= E1K_RING_MIN && size <= E1K_RING_MAX && !(size % E1K_RING_ALIGN))
		return true;
	pr_err(E1K_DRV_NAME ": %s=%u is invalid: use %u..%u, a multiple of %u\n",
	       name, size, E1K_RING_MIN, E1K_RING_MAX, E1K_RING_ALIGN);
	return false;
}

/* Refuse the load on bad module parameters, before touching any device. */
static int __init e1k_init(void)
{
	int err;

	if (!e1k_ring_size_valid("rx_ring_size", rx_ring_size) ||
	    !e1k_ring_size_valid("tx_ring_size", tx_ring_size))
		return -EINVAL;
	if (strcmp(mode, "napi") && strcmp(mode, "irq") && strcmp(mode, "irq-drain")) {
		pr_err(E1K_DRV_NAME ": mode=%s is invalid: use napi, irq or irq-drain\n", mode);
		return -EINVAL;
	}
	if (itr && (itr < E1K_ITR_MIN || itr > E1K_ITR_MAX)) {
		pr_err(E1K_DRV_NAME ": itr=%u is invalid: use 0 (off) or %u..%u interrupts/s\n",
		       itr, E1K_ITR_MIN, E1K_ITR_MAX);
		return -EINVAL;
	}
	if (weight < 1 || weight > NAPI_POLL_WEIGHT) {
		pr_err(E1K_DRV_NAME ": weight=%u is invalid: use 1..%u\n",
		       weight, NAPI_POLL_WEIGHT);
		return -EINVAL;
	}
	if (copybreak > E1K_RX_BUF_LEN) {
		pr_err(E1K_DRV_NAME ": copybreak=%u is invalid: use 0..%u bytes\n",
		       copybreak, E1K_RX_BUF_LEN);
		return -EINVAL;
	}
	e1k_debugfs_register();
	err = pci_register_driver(&e1k_driver);
	if (err)
		goto err_unregister_debugfs;
	return 0;

err_unregister_debugfs:
	e1k_debugfs_unregister();
	return err;
}
module_init(e1k_init);

static void __exit e1k_exit(void)
{
	pci_unregister_driver(&e1k_driver);
	e1k_debugfs_unregister();
}
module_exit(e1k_exit);

MODULE_DESCRIPTION("NAPI reference driver for QEMU's emulated Intel 8254x (e1000) NICs");
MODULE_LICENSE("GPL");
MODULE_VERSION(E1K_NAPI_VERSION);
