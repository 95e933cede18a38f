// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - the controller itself: reset, EEPROM and MAC address, link
 * setup, receive filters (RAR, MTA, RCTL) and the read-to-clear hardware
 * counters.
 *
 * Hardware steps follow the Intel PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual ("8254x SDM"); the section is named
 * at each step.
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>

#include "e1k.h"

/**
 * e1k_hw_reset - global reset, interrupts masked before and after
 * @adapter: the adapter; receive and transmit are stopped first
 *
 * 8254x SDM 14.3 and 13.4.1 (CTRL.RST).
 *
 * Return: 0, or -ETIMEDOUT if CTRL.RST never cleared.
 */
int e1k_hw_reset(struct e1k_adapter *adapter)
{
	unsigned int waited;

	e1k_irq_disable(adapter);
	e1k_wr32(adapter, E1K_RCTL, 0);
	e1k_wr32(adapter, E1K_TCTL, 0);
	e1k_flush(adapter);
	/* Let pending DMA finish before the reset (14.3) */
	usleep_range(10000, 20000);

	e1k_wr32(adapter, E1K_CTRL, e1k_rd32(adapter, E1K_CTRL) | E1K_CTRL_RST);
	/* RST self-clears when the reset is complete; allow 10 ms */
	for (waited = 0; waited < 10; waited++) {
		usleep_range(1000, 2000);
		if (!(e1k_rd32(adapter, E1K_CTRL) & E1K_CTRL_RST))
			break;
	}
	if (e1k_rd32(adapter, E1K_CTRL) & E1K_CTRL_RST)
		return -ETIMEDOUT;

	e1k_irq_disable(adapter);
	e1k_rd32(adapter, E1K_ICR);	/* clear pending causes */
	return 0;
}

/**
 * e1k_setup_link - auto-negotiate and set the link up (8254x SDM 14.5.5,
 * internal PHY)
 * @adapter: the adapter
 */
void e1k_setup_link(struct e1k_adapter *adapter)
{
	u32 ctrl = e1k_rd32(adapter, E1K_CTRL);

	ctrl &= ~E1K_CTRL_PHY_RST;
	ctrl |= E1K_CTRL_SLU | E1K_CTRL_ASDE;
	e1k_wr32(adapter, E1K_CTRL, ctrl);
}

/* 13.4.4: read one EEPROM word through EERD; -ETIMEDOUT if DONE never sets */
static int e1k_read_eeprom(struct e1k_adapter *adapter, u8 addr, u16 *word)
{
	unsigned int tries;
	u32 eerd;

	e1k_wr32(adapter, E1K_EERD, FIELD_PREP(E1K_EERD_ADDR, addr) | E1K_EERD_START);
	for (tries = 0; tries < 1000; tries++) {
		eerd = e1k_rd32(adapter, E1K_EERD);
		if (eerd & E1K_EERD_DONE) {
			*word = FIELD_GET(E1K_EERD_DATA, eerd);
			return 0;
		}
		udelay(5);
	}
	return -ETIMEDOUT;
}

/*
 * 5.6: the MAC address is EEPROM words 0-2 (little endian per word), valid
 * when words 0x00-0x3f sum to 0xbaba. Returns false if unreadable/invalid.
 */
static bool e1k_read_mac_addr(struct e1k_adapter *adapter, u8 *mac)
{
	u16 word, sum = 0;
	u8 i;

	for (i = 0; i < E1K_EEPROM_CSUM_WORDS; i++) {
		if (e1k_read_eeprom(adapter, i, &word))
			return false;
		sum += word;
		if (i < ETH_ALEN / 2) {
			mac[2 * i] = word & 0xff;
			mac[2 * i + 1] = word >> 8;
		}
	}
	if (sum != E1K_EEPROM_CSUM) {
		netdev_warn(adapter->netdev, "EEPROM checksum 0x%04x, expected 0x%04x\n",
			    sum, E1K_EEPROM_CSUM);
		return false;
	}
	return is_valid_ether_addr(mac);
}

/**
 * e1k_write_rar - program receive address register @i (RAL/RAH, 13.5.2)
 * @adapter: the adapter
 * @i: the entry, 0 (our own address) .. E1K_RAR_ENTRIES - 1
 * @addr: the address, or NULL to clear the entry (AV marks it valid)
 */
void e1k_write_rar(struct e1k_adapter *adapter, unsigned int i, const u8 *addr)
{
	u32 ral = 0, rah = 0;

	if (addr) {
		ral = addr[0] | addr[1] << 8 | addr[2] << 16 | (u32)addr[3] << 24;
		rah = addr[4] | addr[5] << 8 | E1K_RAH_AV;
	}
	/* Clear AV first so the entry is never half-written and valid */
	e1k_wr32(adapter, E1K_RAH(i), 0);
	e1k_wr32(adapter, E1K_RAL(i), ral);
	e1k_wr32(adapter, E1K_RAH(i), rah);
}

/* 13.5.1 with RCTL.MO = 0: the hash is bits 47:36 of the address */
static u32 e1k_mta_hash(const u8 *addr)
{
	return ((addr[4] >> 4) | ((u32)addr[5] << 4)) & 0xfff;
}

/**
 * e1k_set_rx_mode - ndo_set_rx_mode: promiscuous, all-multi, unicast and
 * multicast filters
 * @netdev: the interface; the caller holds its address-list lock
 *	    (netif_addr_lock_bh), as the core does
 *
 * The core calls this with the address-list lock, not necessarily RTNL, so
 * adapter->rctl is shared with open and close under rctl_lock. RCTL is
 * written only when it changes (QEMU's e1000 pauses receive for a second
 * after every RCTL write) and only while the interface is up.
 */
void e1k_set_rx_mode(struct net_device *netdev)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);
	u32 mta[E1K_MTA_WORDS] = { };
	u32 filter = 0, rctl;
	struct netdev_hw_addr *ha;
	unsigned int i, rar = 1;

	if (netdev->flags & IFF_PROMISC)
		filter |= E1K_RCTL_UPE | E1K_RCTL_MPE;
	else if (netdev->flags & IFF_ALLMULTI)
		filter |= E1K_RCTL_MPE;

	/* RAR 0 is our address; extra unicast addresses take RAR 1..15 */
	if (netdev_uc_count(netdev) > E1K_RAR_ENTRIES - 1) {
		filter |= E1K_RCTL_UPE;
	} else {
		netdev_for_each_uc_addr(ha, netdev)
			e1k_write_rar(adapter, rar++, ha->addr);
	}
	for (; rar < E1K_RAR_ENTRIES; rar++)
		e1k_write_rar(adapter, rar, NULL);

	netdev_for_each_mc_addr(ha, netdev) {
		u32 hash = e1k_mta_hash(ha->addr);

		mta[hash >> 5] |= BIT(hash & 31);
	}
	for (i = 0; i < E1K_MTA_WORDS; i++)
		e1k_wr32(adapter, E1K_MTA(i), mta[i]);

	spin_lock_bh(&adapter->rctl_lock);
	rctl = (adapter->rctl & ~(E1K_RCTL_UPE | E1K_RCTL_MPE)) | filter;
	if (rctl != adapter->rctl) {
		adapter->rctl = rctl;
		if (!test_bit(E1K_STATE_DOWN, &adapter->state))
			e1k_wr32(adapter, E1K_RCTL, rctl);
	}
	spin_unlock_bh(&adapter->rctl_lock);
}

/**
 * e1k_rctl_update - change bits of RCTL (13.4.22) and write it
 * @adapter: the adapter
 * @clear: bits to clear
 * @set: bits to set
 *
 * Every read-modify-write of adapter->rctl outside e1k_set_rx_mode() goes
 * through here, under the same lock.
 */
void e1k_rctl_update(struct e1k_adapter *adapter, u32 clear, u32 set)
{
	spin_lock_bh(&adapter->rctl_lock);
	adapter->rctl = (adapter->rctl & ~clear) | set;
	e1k_wr32(adapter, E1K_RCTL, adapter->rctl);
	spin_unlock_bh(&adapter->rctl_lock);
}

/**
 * e1k_update_hw_stats - fold the read-to-clear statistics registers (13.7)
 * into the 64-bit totals
 * @adapter: the adapter
 */
void e1k_update_hw_stats(struct e1k_adapter *adapter)
{
	struct e1k_hw_stats *hw = &adapter->hw_stats;

	spin_lock_bh(&adapter->hw_stats_lock);
	hw->crcerrs += e1k_rd32(adapter, E1K_CRCERRS);
	hw->algnerrc += e1k_rd32(adapter, E1K_ALGNERRC);
	hw->rxerrc += e1k_rd32(adapter, E1K_RXERRC);
	hw->mpc += e1k_rd32(adapter, E1K_MPC);
	hw->scc += e1k_rd32(adapter, E1K_SCC);
	hw->ecol += e1k_rd32(adapter, E1K_ECOL);
	hw->colc += e1k_rd32(adapter, E1K_COLC);
	hw->gprc += e1k_rd32(adapter, E1K_GPRC);
	hw->bprc += e1k_rd32(adapter, E1K_BPRC);
	hw->mprc += e1k_rd32(adapter, E1K_MPRC);
	hw->gptc += e1k_rd32(adapter, E1K_GPTC);
	hw->rnbc += e1k_rd32(adapter, E1K_RNBC);
	hw->ruc += e1k_rd32(adapter, E1K_RUC);
	hw->roc += e1k_rd32(adapter, E1K_ROC);
	hw->tpr += e1k_rd32(adapter, E1K_TPR);
	hw->tpt += e1k_rd32(adapter, E1K_TPT);
	spin_unlock_bh(&adapter->hw_stats_lock);
}

/**
 * e1k_init_mac_addr - the EEPROM's MAC address, else a random one
 * @adapter: the adapter (probe)
 */
void e1k_init_mac_addr(struct e1k_adapter *adapter)
{
	struct net_device *netdev = adapter->netdev;
	u8 mac[ETH_ALEN];

	if (e1k_read_mac_addr(adapter, mac)) {
		eth_hw_addr_set(netdev, mac);
		return;
	}
	eth_hw_addr_random(netdev);
	dev_warn(&adapter->pdev->dev, "no valid MAC address in the EEPROM; using random %pM\n",
		 netdev->dev_addr);
}
