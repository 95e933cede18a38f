// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - the ethtool self-test (ethtool -t).
 *
 * Offline, with the interface closed for the duration: a register test
 * (patterns written and read back on registers nothing else touches while
 * the interface is closed), an interrupt test (causes raised through ICS,
 * masked and unmasked) and a loopback test (frames sent through the PHY in
 * loopback and compared). Online and offline: a link test (STATUS.LU).
 * Each test reports 0 when it passed; otherwise the kernel log says what
 * differed and the result is a non-zero code: the register's offset, the
 * interrupt cause, or the loopback step that failed.
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/interrupt.h>

#include <asm/unaligned.h>

#include "e1k.h"

enum e1k_test {
	E1K_TEST_REG,
	E1K_TEST_INTR,
	E1K_TEST_LOOPBACK,
	E1K_TEST_LINK,
	E1K_TEST_COUNT,
};

static const char e1k_test_names[E1K_TEST_COUNT][ETH_GSTRING_LEN] = {
	[E1K_TEST_REG]		= "Register test  (offline)",
	[E1K_TEST_INTR]		= "Interrupt test (offline)",
	[E1K_TEST_LOOPBACK]	= "Loopback test  (offline)",
	[E1K_TEST_LINK]		= "Link test   (on/offline)",
};

/**
 * e1k_self_test_count - number of ethtool -t results (ETH_SS_TEST)
 *
 * Return: the count.
 */
int e1k_self_test_count(void)
{
	return E1K_TEST_COUNT;
}

/**
 * e1k_self_test_strings - the ethtool -t result names
 * @data: room for e1k_self_test_count() strings of ETH_GSTRING_LEN
 */
void e1k_self_test_strings(u8 *data)
{
	memcpy(data, e1k_test_names, sizeof(e1k_test_names));
}

/* --- register test ------------------------------------------------------ */

/*
 * Registers with their writable bits (8254x SDM 13.4) that no other path
 * writes while the interface is closed: the ring bases, lengths and heads
 * (reprogrammed by every open) and VET (unused by the driver). Not RAR/MTA:
 * ndo_set_rx_mode may run without RTNL. Not ITR, RDTR, RADV, TADV: QEMU
 * drops them with -device e1000,mitigation=off. Not TIDV, TIPG: QEMU does
 * not implement them.
 */
static const struct e1k_reg_test {
	u32 reg;
	u32 mask;
} e1k_reg_tests[] = {
	{ E1K_RDBAL, 0xfffffff0 },	/* 16-byte aligned */
	{ E1K_RDBAH, 0xffffffff },
	{ E1K_RDLEN, 0x000fff80 },	/* bits 19:7, 128-byte multiples */
	{ E1K_RDH, 0x0000ffff },
	{ E1K_TDBAL, 0xfffffff0 },
	{ E1K_TDBAH, 0xffffffff },
	{ E1K_TDLEN, 0x000fff80 },
	{ E1K_TDH, 0x0000ffff },
	{ E1K_VET, E1K_VET_TYPE },
};

/* Alternating bits catch bits stuck or shorted to a neighbour */
static const u32 e1k_reg_patterns[] = {
	0x5a5a5a5a, 0xa5a5a5a5, 0x00000000, 0xffffffff,
};

/* Return: 0, or the offset of the first register that did not hold a value */
static u64 e1k_test_registers(struct e1k_adapter *adapter)
{
	unsigned int i, p;

	for (i = 0; i < ARRAY_SIZE(e1k_reg_tests); i++) {
		const struct e1k_reg_test *t = &e1k_reg_tests[i];
		u32 saved = e1k_rd32(adapter, t->reg);

		for (p = 0; p < ARRAY_SIZE(e1k_reg_patterns); p++) {
			u32 want = e1k_reg_patterns[p] & t->mask;
			u32 got;

			e1k_wr32(adapter, t->reg, want);
			got = e1k_rd32(adapter, t->reg) & t->mask;
			if (got != want) {
				e1k_wr32(adapter, t->reg, saved);
				netdev_err(adapter->netdev,
					   "register test: 0x%05x wrote 0x%08x, read 0x%08x (mask 0x%08x)\n",
					   t->reg, want, got, t->mask);
				return t->reg;
			}
		}
		e1k_wr32(adapter, t->reg, saved);
	}
	return 0;
}

/* --- interrupt test ----------------------------------------------------- */

struct e1k_irq_test {
	struct e1k_adapter *adapter;
	atomic_t causes_seen;		/* ICR bits the handler read */
};

/* The handler during the test: records what ICR held, acknowledges it */
static irqreturn_t e1k_test_intr(int irq, void *data)
{
	struct e1k_irq_test *t = data;
	u32 icr = e1k_rd32(t->adapter, E1K_ICR);

	if (!icr)
		return IRQ_NONE;
	atomic_or(icr, &t->causes_seen);
	return IRQ_HANDLED;
}

/* Wait up to 100 ms for the handler to see @cause. */
static bool e1k_wait_cause(struct e1k_irq_test *t, u32 cause)
{
	unsigned int waited;

	for (waited = 0; waited < 100; waited++) {
		if (atomic_read(&t->causes_seen) & cause)
			return true;
		usleep_range(1000, 2000);
	}
	return atomic_read(&t->causes_seen) & cause;
}

/*
 * One cause through ICS (13.4.19), which sets ICR bits as if the event had
 * happened. Masked (IMC, 13.4.21), it must latch in ICR without an
 * interrupt; unmasked (IMS, 13.4.20), it must reach the handler. On a
 * shared line another device's interrupt calls the handler too, so the
 * masked half is only judged when the line is ours alone.
 */
static bool e1k_test_one_cause(struct e1k_irq_test *t, u32 cause, bool shared)
{
	struct e1k_adapter *adapter = t->adapter;
	struct net_device *netdev = adapter->netdev;

	if (!shared) {
		atomic_set(&t->causes_seen, 0);
		e1k_wr32(adapter, E1K_ICS, cause);
		e1k_flush(adapter);
		/* Long enough for QEMU's 128 us hold-off and a slow vCPU */
		msleep(20);
		if (atomic_read(&t->causes_seen) & cause) {
			netdev_err(netdev, "interrupt test: masked cause 0x%02x interrupted\n",
				   cause);
			return false;
		}
		if (!(e1k_rd32(adapter, E1K_ICR) & cause)) {
			netdev_err(netdev, "interrupt test: ICS did not set cause 0x%02x in ICR\n",
				   cause);
			return false;
		}
	}

	atomic_set(&t->causes_seen, 0);
	e1k_wr32(adapter, E1K_IMS, cause);
	e1k_wr32(adapter, E1K_ICS, cause);
	e1k_flush(adapter);
	if (!e1k_wait_cause(t, cause)) {
		e1k_irq_disable(adapter);
		netdev_err(netdev, "interrupt test: unmasked cause 0x%02x did not interrupt\n",
			   cause);
		return false;
	}
	e1k_irq_disable(adapter);
	return true;
}

/* Return: 0, or the first cause that misbehaved (1 if the IRQ is unavailable) */
static u64 e1k_test_interrupt(struct e1k_adapter *adapter)
{
	/* The causes the driver unmasks in service */
	static const u32 causes[] = {
		E1K_INT_TXDW, E1K_INT_LSC, E1K_INT_RXDMT0, E1K_INT_RXO,
		E1K_INT_RXT0,
	};
	struct net_device *netdev = adapter->netdev;
	unsigned int irq = adapter->pdev->irq;
	struct e1k_irq_test t = { .adapter = adapter };
	bool shared = false;
	unsigned int i;
	u64 failed = 0;
	int err;

	e1k_irq_disable(adapter);
	/* No throttling: open programs ITR again */
	e1k_wr32(adapter, E1K_ITR, 0);
	e1k_rd32(adapter, E1K_ICR);

	err = request_irq(irq, e1k_test_intr, 0, netdev->name, &t);
	if (err) {
		shared = true;
		err = request_irq(irq, e1k_test_intr, IRQF_SHARED, netdev->name, &t);
	}
	if (err) {
		netdev_err(netdev, "interrupt test: cannot get IRQ %u: %d\n", irq, err);
		return 1;
	}
	if (shared)
		netdev_info(netdev, "interrupt test: IRQ %u is shared; masked causes not judged\n",
			    irq);

	for (i = 0; i < ARRAY_SIZE(causes); i++) {
		if (!e1k_test_one_cause(&t, causes[i], shared)) {
			failed = causes[i];
			break;
		}
	}

	e1k_irq_disable(adapter);
	free_irq(irq, &t);
	e1k_rd32(adapter, E1K_ICR);
	return failed;
}

/* --- loopback test ------------------------------------------------------ */

#define E1K_LB_FRAMES		8
#define E1K_LB_RX_BUFS		32	/* room for foreign frames as well */
#define E1K_LB_BUF_LEN		2048	/* RCTL.BSIZE 2048, one frame each */
#define E1K_LB_ETHERTYPE	0x88b5	/* IEEE 802 local experimental */
static_assert(E1K_LB_RX_BUFS < E1K_RING_MIN);

/* What the loopback test returns when a step fails */
enum e1k_lb_result {
	E1K_LB_OK = 0,
	E1K_LB_NO_MEMORY = 1,
	E1K_LB_PHY = 2,		/* MDIC access to the PHY failed */
	E1K_LB_NOT_SENT = 3,	/* TX descriptors not written back */
	E1K_LB_NOT_RECEIVED = 4,
	E1K_LB_CORRUPTED = 5,	/* wrong length, status or content */
};

/*
 * 13.4.7: one PHY register access through MDIC. Write @op with the PHY and
 * register address, wait for READY, fail on ERROR. Returns the data field.
 */
static int e1k_mdic(struct e1k_adapter *adapter, u32 op, u8 reg, u16 data,
		    u16 *out)
{
	unsigned int tries;
	u32 mdic;

	e1k_wr32(adapter, E1K_MDIC, op | FIELD_PREP(E1K_MDIC_PHY, E1K_PHY_ADDR) |
		 FIELD_PREP(E1K_MDIC_REG, reg) | FIELD_PREP(E1K_MDIC_DATA, data));
	/* A real MDIO frame takes ~64 us at 2.5 MHz; allow 2 ms */
	for (tries = 0; tries < 200; tries++) {
		usleep_range(10, 20);
		mdic = e1k_rd32(adapter, E1K_MDIC);
		if (!(mdic & E1K_MDIC_READY))
			continue;
		if (mdic & E1K_MDIC_ERROR)
			return -EIO;
		if (out)
			*out = FIELD_GET(E1K_MDIC_DATA, mdic);
		return 0;
	}
	return -ETIMEDOUT;
}

static unsigned int e1k_lb_frame_len(unsigned int seq)
{
	return ETH_ZLEN + seq * 200;	/* 60 .. 1460 bytes */
}

static void e1k_lb_fill_frame(u8 *frame, unsigned int seq, const u8 *addr)
{
	unsigned int i, len = e1k_lb_frame_len(seq);

	/* To ourselves, from ourselves, with our own EtherType */
	ether_addr_copy(frame, addr);
	ether_addr_copy(frame + ETH_ALEN, addr);
	put_unaligned_be16(E1K_LB_ETHERTYPE, frame + 2 * ETH_ALEN);
	for (i = ETH_HLEN; i < len; i++)
		frame[i] = (u8)(seq * 37 + i);
}

/*
 * A received frame that is not one of ours: the PHY loops our frames back,
 * but QEMU still delivers what arrives from the network (a late TCP segment
 * of the peer, a flood aimed at this interface). Those are skipped and
 * their buffers handed back; a frame with our source address and EtherType
 * that differs from what was sent is corruption.
 */
static bool e1k_lb_is_ours(const u8 *frame, unsigned int len, const u8 *addr)
{
	return len >= ETH_HLEN && ether_addr_equal(frame + ETH_ALEN, addr) &&
	       get_unaligned_be16(frame + 2 * ETH_ALEN) == E1K_LB_ETHERTYPE;
}

/* The receive side of the loopback test: a ring of E1K_LB_RX_BUFS buffers */
struct e1k_lb_rx {
	const u8 *tx_bufs;
	const u8 *rx_bufs;
	unsigned int next;	/* next descriptor to look at */
	unsigned int seq;	/* frames of ours received in order */
	unsigned int foreign;	/* frames from the network skipped */
};

/*
 * Take every frame the receiver has written back (DD), compare ours with
 * what was sent in order, and hand each buffer back at once: the freed
 * descriptor becomes the tail (13.4.30), so the hardware always owns all
 * but one and traffic from the network cannot fill the ring. Returns
 * E1K_LB_OK when all frames came back, E1K_LB_NOT_RECEIVED while some are
 * missing, E1K_LB_CORRUPTED on a difference.
 */
static enum e1k_lb_result e1k_lb_receive(struct e1k_adapter *adapter,
					 struct e1k_lb_rx *lb)
{
	struct e1k_rx_desc *rxd = adapter->rx_ring.desc;
	const u8 *addr = adapter->netdev->dev_addr;

	while (lb->seq < E1K_LB_FRAMES) {
		struct e1k_rx_desc *desc = &rxd[lb->next];
		const u8 *got = lb->rx_bufs + lb->next * E1K_LB_BUF_LEN;
		const u8 *sent = lb->tx_bufs + lb->seq * E1K_LB_BUF_LEN;
		unsigned int len = e1k_lb_frame_len(lb->seq), got_len;
		u8 status = READ_ONCE(desc->status);

		if (!(status & E1K_RXD_STAT_DD))
			return E1K_LB_NOT_RECEIVED;
		/* Length and data only after DD */
		dma_rmb();
		got_len = le16_to_cpu(desc->length);
		if (!e1k_lb_is_ours(got, got_len, addr)) {
			lb->foreign++;
			goto give_back;
		}
		if (!(status & E1K_RXD_STAT_EOP) || got_len != len ||
		    memcmp(got, sent, len)) {
			netdev_err(adapter->netdev,
				   "loopback test: frame %u of %u bytes came back as %u bytes, status 0x%02x\n",
				   lb->seq, len, got_len, status);
			return E1K_LB_CORRUPTED;
		}
		lb->seq++;
give_back:
		desc->status = 0;
		/* The descriptor is clean before the hardware may use it */
		wmb();
		e1k_wr32(adapter, E1K_RDT, lb->next);
		lb->next = (lb->next + 1) % E1K_LB_RX_BUFS;
	}
	return E1K_LB_OK;
}

/* Keep receiving for @ms milliseconds or until all frames came back */
static enum e1k_lb_result e1k_lb_receive_for(struct e1k_adapter *adapter,
					     struct e1k_lb_rx *lb,
					     unsigned int ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);
	enum e1k_lb_result result;

	for (;;) {
		result = e1k_lb_receive(adapter, lb);
		if (result != E1K_LB_NOT_RECEIVED || time_after(jiffies, deadline))
			return result;
		usleep_range(500, 1000);
	}
}

/*
 * The transfer itself, with the PHY in loopback and the rings allocated:
 * program both units (14.4, 14.5), give the receiver a ring of
 * E1K_LB_RX_BUFS buffers, queue E1K_LB_FRAMES frames of different lengths
 * and compare what comes back. Frames go to our own address; RCTL.UPE lets
 * them in regardless of the address filters, which this test does not
 * judge.
 */
static enum e1k_lb_result e1k_lb_transfer(struct e1k_adapter *adapter,
					  u8 *bufs, dma_addr_t bufs_dma)
{
	struct e1k_lb_rx lb = {
		.tx_bufs = bufs,
		.rx_bufs = bufs + E1K_LB_FRAMES * E1K_LB_BUF_LEN,
	};
	dma_addr_t rx_dma = bufs_dma + E1K_LB_FRAMES * E1K_LB_BUF_LEN;
	struct e1k_tx_desc *txd = adapter->tx_ring.desc;
	struct e1k_rx_desc *rxd = adapter->rx_ring.desc;
	struct net_device *netdev = adapter->netdev;
	enum e1k_lb_result result;
	unsigned int i;

	e1k_configure_tx(adapter);
	e1k_program_ring(adapter, E1K_RDBAL, &adapter->rx_ring);
	/* 13.4.29: a short ring, E1K_LB_RX_BUFS descriptors, one buffer each */
	e1k_wr32(adapter, E1K_RDLEN, E1K_LB_RX_BUFS * sizeof(*rxd));
	for (i = 0; i < E1K_LB_RX_BUFS; i++) {
		rxd[i].addr = cpu_to_le64(rx_dma + i * E1K_LB_BUF_LEN);
		rxd[i].status = 0;
	}
	/* Descriptors in memory before the tail hands them over */
	wmb();
	e1k_wr32(adapter, E1K_RDT, E1K_LB_RX_BUFS - 1);
	e1k_wr32(adapter, E1K_RCTL, E1K_RCTL_EN | E1K_RCTL_UPE | E1K_RCTL_BAM |
		 E1K_RCTL_SECRC | FIELD_PREP(E1K_RCTL_BSIZE, E1K_BSIZE_2048));
	/*
	 * QEMU's e1000 refuses frames for 1 s after any RCTL write; keep
	 * draining what the network sends meanwhile.
	 */
	result = e1k_lb_receive_for(adapter, &lb, 1100);
	if (result != E1K_LB_NOT_RECEIVED)
		return result;

	for (i = 0; i < E1K_LB_FRAMES; i++) {
		unsigned int len = e1k_lb_frame_len(i);

		e1k_lb_fill_frame(bufs + i * E1K_LB_BUF_LEN, i, netdev->dev_addr);
		txd[i].addr = cpu_to_le64(bufs_dma + i * E1K_LB_BUF_LEN);
		txd[i].lower = cpu_to_le32(len | E1K_TXD_DTYP_DATA | E1K_TXD_CMD_DEXT |
					   E1K_TXD_CMD_IFCS | E1K_TXD_CMD_EOP |
					   E1K_TXD_CMD_RS);
		txd[i].upper = 0;
	}
	/* Frames and descriptors in memory before the tail moves */
	wmb();
	e1k_wr32(adapter, E1K_TDT, E1K_LB_FRAMES);

	result = e1k_lb_receive_for(adapter, &lb, 1000);
	if (lb.foreign)
		netdev_info(netdev, "loopback test: %u frame(s) from the network skipped\n",
			    lb.foreign);
	for (i = 0; i < E1K_LB_FRAMES; i++) {
		if (!(le32_to_cpu(READ_ONCE(txd[i].upper)) & E1K_TXD_STAT_DD)) {
			netdev_err(netdev, "loopback test: frame %u not sent (TDH %u)\n",
				   i, e1k_rd32(adapter, E1K_TDH));
			return E1K_LB_NOT_SENT;
		}
	}
	if (result == E1K_LB_NOT_RECEIVED)
		netdev_err(netdev, "loopback test: %u of %u frames came back (RDH %u)\n",
			   lb.seq, E1K_LB_FRAMES, e1k_rd32(adapter, E1K_RDH));
	return result;
}

/*
 * PHY loopback: PHY Control (13.3.1) bit 14 sends every transmitted frame
 * back to the receiver instead of the wire. It is what QEMU's e1000
 * implements; MAC loopback (RCTL.LBM) it ignores. QEMU only loops back
 * while STATUS.LU is set, so the test needs the (virtual) link up.
 */
static u64 e1k_test_loopback(struct e1k_adapter *adapter)
{
	struct device *dev = &adapter->pdev->dev;
	size_t bufs_len = (E1K_LB_FRAMES + E1K_LB_RX_BUFS) * E1K_LB_BUF_LEN;
	enum e1k_lb_result result;
	dma_addr_t bufs_dma;
	u16 phy_ctrl;
	u8 *bufs;

	if (e1k_setup_rings(adapter))
		return E1K_LB_NO_MEMORY;
	bufs = dma_alloc_coherent(dev, bufs_len, &bufs_dma, GFP_KERNEL);
	if (!bufs) {
		result = E1K_LB_NO_MEMORY;
		goto err_free_rings;
	}

	if (e1k_mdic(adapter, E1K_MDIC_OP_READ, E1K_PHY_CTRL, 0, &phy_ctrl) ||
	    e1k_mdic(adapter, E1K_MDIC_OP_WRITE, E1K_PHY_CTRL,
		     phy_ctrl | E1K_PHY_CTRL_LOOPBACK, NULL)) {
		netdev_err(adapter->netdev, "loopback test: no access to the PHY through MDIC\n");
		result = E1K_LB_PHY;
		goto err_free_bufs;
	}

	result = e1k_lb_transfer(adapter, bufs, bufs_dma);

	/* Stop both units before the buffers go (14.4, 14.5), PHY back */
	e1k_wr32(adapter, E1K_RCTL, 0);
	e1k_wr32(adapter, E1K_TCTL, 0);
	e1k_flush(adapter);
	if (e1k_mdic(adapter, E1K_MDIC_OP_WRITE, E1K_PHY_CTRL, phy_ctrl, NULL))
		netdev_err(adapter->netdev, "loopback test: cannot take the PHY out of loopback\n");
	e1k_rd32(adapter, E1K_ICR);

err_free_bufs:
	dma_free_coherent(dev, bufs_len, bufs, bufs_dma);
err_free_rings:
	e1k_clean_rings(adapter);
	e1k_free_rings(adapter);
	return result;
}

/* --- link test ---------------------------------------------------------- */

/* 13.4.2 STATUS.LU, allowing 2 s for auto-negotiation after a PHY change */
static u64 e1k_test_link(struct e1k_adapter *adapter)
{
	unsigned int waited;

	for (waited = 0; waited < 20; waited++) {
		if (e1k_rd32(adapter, E1K_STATUS) & E1K_STATUS_LU)
			return 0;
		msleep(100);
	}
	netdev_err(adapter->netdev, "link test: STATUS.LU not set\n");
	return 1;
}

/**
 * e1k_self_test - ethtool -t: run the tests, fill in one result each
 * @netdev: the interface (RTNL held)
 * @test: ETH_TEST_FL_OFFLINE in flags asks for the offline tests; the
 *	  result ETH_TEST_FL_FAILED is set if any test failed
 * @data: one result per test, 0 = passed (e1k_self_test_strings() order)
 *
 * The offline tests need the hardware to themselves: a running interface
 * is closed for them (queue stopped, IRQ released, rings freed, as
 * ndo_stop does) and opened again afterwards. Packets the stack sends
 * meanwhile wait in the qdisc.
 */
void e1k_self_test(struct net_device *netdev, struct ethtool_test *test,
		   u64 *data)
{
	struct e1k_adapter *adapter = netdev_priv(netdev);
	bool running = netif_running(netdev);
	unsigned int i;

	memset(data, 0, E1K_TEST_COUNT * sizeof(*data));
	if (test->flags & ETH_TEST_FL_OFFLINE) {
		netdev_info(netdev, "offline self-test: the interface stops for ~2 s\n");
		if (running)
			e1k_close(netdev);
		data[E1K_TEST_REG] = e1k_test_registers(adapter);
		data[E1K_TEST_INTR] = e1k_test_interrupt(adapter);
		data[E1K_TEST_LOOPBACK] = e1k_test_loopback(adapter);
		if (running && e1k_open(netdev)) {
			netdev_err(netdev, "cannot reopen after the self-test; bring it down and up\n");
			test->flags |= ETH_TEST_FL_FAILED;
		}
	}
	data[E1K_TEST_LINK] = e1k_test_link(adapter);

	for (i = 0; i < E1K_TEST_COUNT; i++)
		if (data[i])
			test->flags |= ETH_TEST_FL_FAILED;
}
