/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1k_napi - registers of the Intel 8254x family as QEMU emulates them.
 *
 * Offsets and bit meanings come from the Intel PCI/PCI-X Family of Gigabit
 * Ethernet Controllers Software Developer's Manual (8254x SDM), chapter 13
 * ("Register Descriptions") and chapter 3 ("Receive and Transmit
 * Description"). Each register is followed by its fields.
 */
#ifndef _E1K_REGS_H_
#define _E1K_REGS_H_

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/types.h>

/* 13.4.1 Device Control */
#define E1K_CTRL		0x0000
#define E1K_CTRL_ASDE		BIT(5)	/* auto-speed detection */
#define E1K_CTRL_SLU		BIT(6)	/* set link up */
#define E1K_CTRL_RST		BIT(26)	/* global reset, self-clearing */
#define E1K_CTRL_PHY_RST	BIT(31)

/* 13.4.2 Device Status */
#define E1K_STATUS		0x0008
#define E1K_STATUS_LU		BIT(1)	/* link up */

/* 13.4.4 EEPROM Read (82540EM and later; QEMU provides it on every model) */
#define E1K_EERD		0x0014
#define E1K_EERD_START		BIT(0)
#define E1K_EERD_DONE		BIT(4)
#define E1K_EERD_ADDR		GENMASK(15, 8)
#define E1K_EERD_DATA		GENMASK(31, 16)

/*
 * 13.4.7 MDI Control: one PHY register read or write per access. QEMU's
 * PHY answers at address 1 only and completes at once (READY set).
 */
#define E1K_MDIC		0x0020
#define E1K_MDIC_DATA		GENMASK(15, 0)
#define E1K_MDIC_REG		GENMASK(20, 16)
#define E1K_MDIC_PHY		GENMASK(25, 21)
#define E1K_MDIC_OP_WRITE	(0x1 << 26)
#define E1K_MDIC_OP_READ	(0x2 << 26)
#define E1K_MDIC_READY		BIT(28)
#define E1K_MDIC_ERROR		BIT(30)
#define E1K_PHY_ADDR		1	/* the internal PHY */

/* 13.3.1 PHY Control (PHY register 0) */
#define E1K_PHY_CTRL		0
#define E1K_PHY_CTRL_LOOPBACK	BIT(14)

/* 13.4.11 VLAN Ether Type: 16 bits, read/write, unused by this driver */
#define E1K_VET			0x0038
#define E1K_VET_TYPE		GENMASK(15, 0)

/* 13.4.17-22 Interrupt Cause Read/Throttling/Set/Mask Set/Mask Clear */
#define E1K_ICR			0x00c0	/* read-to-clear */
#define E1K_ITR			0x00c4
#define E1K_ITR_INTERVAL	GENMASK(15, 0)	/* in 256 ns units */
#define E1K_ICS			0x00c8
#define E1K_IMS			0x00d0
#define E1K_IMC			0x00d8
#define E1K_INT_TXDW		BIT(0)	/* TX descriptor written back */
#define E1K_INT_LSC		BIT(2)	/* link status change */
#define E1K_INT_RXDMT0		BIT(4)	/* RX descriptors below threshold */
#define E1K_INT_RXO		BIT(6)	/* receiver overrun */
#define E1K_INT_RXT0		BIT(7)	/* receiver timer */
#define E1K_INT_ALL		0xffffffff

/* 13.4.22 Receive Control */
#define E1K_RCTL		0x0100
#define E1K_RCTL_EN		BIT(1)
#define E1K_RCTL_UPE		BIT(3)	/* unicast promiscuous */
#define E1K_RCTL_MPE		BIT(4)	/* multicast promiscuous */
#define E1K_RCTL_LPE		BIT(5)	/* long packets (> 1522 bytes) */
#define E1K_RCTL_RDMTS		GENMASK(9, 8)
#define E1K_RCTL_BAM		BIT(15)	/* accept broadcast */
#define E1K_RCTL_BSIZE		GENMASK(17, 16)
#define E1K_RCTL_BSEX		BIT(25)	/* buffer size x16 */
#define E1K_RCTL_SECRC		BIT(26)	/* strip the Ethernet CRC */

/* RCTL.RDMTS: RXDMT0 fires when free descriptors fall below this share */
enum e1k_rdmts {
	E1K_RDMTS_HALF = 0,
	E1K_RDMTS_QUARTER = 1,
	E1K_RDMTS_EIGHTH = 2,
};

/* RCTL.BSIZE (with BSEX for the large sizes), 13.4.22 table 13-67 */
enum e1k_bsize {
	E1K_BSIZE_2048 = 0,	/* BSEX = 0 */
	E1K_BSIZE_16384 = 1,	/* BSEX = 1 */
	E1K_BSIZE_8192 = 2,	/* BSEX = 1 */
	E1K_BSIZE_4096 = 3,	/* BSEX = 1 */
};

/* 13.4.33 Transmit Control */
#define E1K_TCTL		0x0400
#define E1K_TCTL_EN		BIT(1)
#define E1K_TCTL_PSP		BIT(3)	/* pad short packets */
#define E1K_TCTL_CT		GENMASK(11, 4)	/* collision threshold */
#define E1K_TCTL_COLD		GENMASK(21, 12)	/* collision distance */

/* 13.4.34 Transmit IPG: recommended values for copper, table 13-77 */
#define E1K_TIPG		0x0410
#define E1K_TIPG_IPGT		GENMASK(9, 0)
#define E1K_TIPG_IPGR1		GENMASK(19, 10)
#define E1K_TIPG_IPGR2		GENMASK(29, 20)

/* 13.4.27-32 Receive descriptor ring and delay timers */
#define E1K_RDBAL		0x2800
#define E1K_RDBAH		0x2804
#define E1K_RDLEN		0x2808	/* bytes, multiple of 128 */
#define E1K_RDH			0x2810
#define E1K_RDT			0x2818
#define E1K_RDTR		0x2820
#define E1K_RADV		0x282c

/* 13.4.38-44 Transmit descriptor ring and delay timers */
#define E1K_TDBAL		0x3800
#define E1K_TDBAH		0x3804
#define E1K_TDLEN		0x3808
#define E1K_TDH			0x3810
#define E1K_TDT			0x3818
#define E1K_TIDV		0x3820	/* packet delay, 1.024 us units */
#define E1K_TADV		0x382c	/* absolute delay, 1.024 us units */
#define E1K_TX_DELAY		GENMASK(15, 0)

/* 13.5 Filter registers: multicast table array and receive addresses */
#define E1K_MTA(i)		(0x5200 + 4 * (i))
#define E1K_MTA_WORDS		128
#define E1K_RAL(i)		(0x5400 + 8 * (i))
#define E1K_RAH(i)		(0x5404 + 8 * (i))
#define E1K_RAH_AV		BIT(31)	/* address valid */
#define E1K_RAR_ENTRIES		16

/* 13.7 Statistics registers: all read-to-clear */
#define E1K_CRCERRS		0x4000
#define E1K_ALGNERRC		0x4004
#define E1K_RXERRC		0x400c
#define E1K_MPC			0x4010	/* missed packets */
#define E1K_SCC			0x4014
#define E1K_ECOL		0x4018
#define E1K_COLC		0x4028
#define E1K_GPRC		0x4074	/* good packets received */
#define E1K_BPRC		0x4078
#define E1K_MPRC		0x407c
#define E1K_GPTC		0x4080	/* good packets transmitted */
#define E1K_RNBC		0x40a0	/* receive no buffers */
#define E1K_RUC			0x40a4	/* receive undersize */
#define E1K_ROC			0x40ac	/* receive oversize */
#define E1K_TPR			0x40d0	/* total packets received */
#define E1K_TPT			0x40d4	/* total packets transmitted */

/* Both rings use the same register layout from their base (BAL) register */
static_assert(E1K_TDBAH - E1K_TDBAL == E1K_RDBAH - E1K_RDBAL &&
	      E1K_TDLEN - E1K_TDBAL == E1K_RDLEN - E1K_RDBAL &&
	      E1K_TDH - E1K_TDBAL == E1K_RDH - E1K_RDBAL &&
	      E1K_TDT - E1K_TDBAL == E1K_RDT - E1K_RDBAL &&
	      E1K_TIDV - E1K_TDBAL == E1K_RDTR - E1K_RDBAL &&
	      E1K_TADV - E1K_TDBAL == E1K_RADV - E1K_RDBAL);

/* 3.2.3 Legacy receive descriptor */
struct e1k_rx_desc {
	__le64 addr;
	__le16 length;
	__le16 csum;
	u8 status;
	u8 errors;
	__le16 special;
};

#define E1K_RXD_STAT_DD		BIT(0)	/* descriptor done */
#define E1K_RXD_STAT_EOP	BIT(1)	/* end of packet */
/* RX errors CE, SE, SEQ, CXE and RXE (3.2.3.2) */
#define E1K_RXD_ERR_FRAME	(BIT(0) | BIT(1) | BIT(2) | BIT(4) | BIT(7))

/*
 * 3.3.3 / 3.3.7 Transmit descriptors. The driver always uses the extended
 * ones: the TCP/IP context descriptor (3.3.6) that tells where to insert a
 * checksum, and the data descriptor (3.3.7).
 */
struct e1k_tx_desc {
	__le64 addr;
	__le32 lower;	/* length 19:0, DTYP 23:20, DCMD 31:24 */
	__le32 upper;	/* status 3:0, POPTS 15:8, special 31:16 */
};

struct e1k_tx_context_desc {
	u8 ipcss;
	u8 ipcso;
	__le16 ipcse;
	u8 tucss;	/* checksum start */
	u8 tucso;	/* checksum offset (where to store it) */
	__le16 tucse;	/* checksum end, 0 = end of packet */
	__le32 cmd_and_length;
	u8 status;
	u8 hdr_len;
	__le16 mss;
};

/* Every descriptor is 16 bytes; ring lengths are counted in them */
static_assert(sizeof(struct e1k_rx_desc) == 16 && sizeof(struct e1k_tx_desc) == 16 &&
	      sizeof(struct e1k_tx_context_desc) == 16);

#define E1K_TXD_LEN		GENMASK(19, 0)
#define E1K_TXD_DTYP_CTX	(0x0 << 20)
#define E1K_TXD_DTYP_DATA	(0x1 << 20)
#define E1K_TXD_CMD_EOP		BIT(24)	/* end of packet */
#define E1K_TXD_CMD_IFCS	BIT(25)	/* insert FCS */
#define E1K_TXD_CMD_TSE		BIT(26)	/* TCP segmentation (3.3.7, 3.5) */
#define E1K_TXD_CMD_RS		BIT(27)	/* report status (write back DD) */
#define E1K_TXD_CMD_DEXT	BIT(29)	/* extended descriptor */
#define E1K_TXD_CMD_IDE		BIT(31)	/* delay the interrupt (TIDV/TADV) */
#define E1K_TXD_STAT_DD		BIT(0)
#define E1K_TXD_POPTS_IXSM	BIT(8)	/* insert the IPv4 header checksum */
#define E1K_TXD_POPTS_TXSM	BIT(9)	/* insert the TCP/UDP checksum */
/* Context descriptor TUCMD (3.3.6): with DEXT and TSE in the DCMD bits */
#define E1K_TXD_CTX_TCP		BIT(24)	/* the segments are TCP */
#define E1K_TXD_CTX_IP		BIT(25)	/* IPv4 (else IPv6) */
#define E1K_TXD_PAYLEN		GENMASK(19, 0)

/* 5.6 EEPROM map: words 0-2 MAC address; words 0x00-0x3f sum to 0xbaba */
#define E1K_EEPROM_CSUM_WORDS	0x40
#define E1K_EEPROM_CSUM		0xbaba

#endif /* _E1K_REGS_H_ */
