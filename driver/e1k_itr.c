// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - interrupt moderation: the throttling rate (ITR, ethtool
 * rx-usecs), the TX interrupt delay (TIDV/TADV, tx-usecs) and adaptive-rx,
 * where the kernel's net_dim (lib/dim) picks the ITR from what the NAPI poll
 * reports.
 */
#include <linux/bitfield.h>
#include <linux/jiffies.h>

#include "e1k.h"

/**
 * e1k_write_itr - program interrupt throttling (8254x SDM 13.4.18)
 * @adapter: the adapter
 * @irqs_per_sec: the most interrupts per second, 0 for no throttling
 *
 * ITR holds the minimum interval between interrupts in 256 ns units. Only
 * the register is written: adapter->itr, the configured static rate, stays.
 */
void e1k_write_itr(struct e1k_adapter *adapter, u32 irqs_per_sec)
{
	u32 interval = irqs_per_sec ? 1000000000 / (irqs_per_sec * 256) : 0;

	e1k_wr32(adapter, E1K_ITR, FIELD_PREP(E1K_ITR_INTERVAL, interval));
}

/**
 * e1k_write_tx_delay - program the TX interrupt delay timers
 * @adapter: the adapter
 * @usecs: the delay, 0..E1K_TX_USECS_MAX
 *
 * TX interrupt delay (ethtool tx-usecs), 8254x SDM 13.4 TIDV and TADV, both
 * in 1.024 us units, and 3.3.7.1 (TXD.IDE): a descriptor with IDE set does
 * not raise TXDW when written back; TIDV restarts with each such packet and
 * TADV bounds the wait from the first one. The 82544 has no TADV, only
 * TIDV; QEMU emulates TADV alone, for every model, and as a hold-off: the
 * interrupt is raised at once, then the next is held back by the smallest
 * non-zero of ITR and TADV (if a descriptor had IDE), never less than
 * 128 us. Both registers get the same value, so each model delays by it.
 */
void e1k_write_tx_delay(struct e1k_adapter *adapter, u32 usecs)
{
	u32 delay = DIV_ROUND_CLOSEST(usecs * 1000, 1024);

	e1k_wr32(adapter, E1K_TIDV, FIELD_PREP(E1K_TX_DELAY, delay));
	e1k_wr32(adapter, E1K_TADV, FIELD_PREP(E1K_TX_DELAY, delay));
}

/**
 * e1k_set_tx_delay - change the TX interrupt delay (ethtool tx-usecs)
 * @adapter: the adapter (RTNL held)
 * @usecs: the delay, 0..E1K_TX_USECS_MAX; 0 = interrupt at once
 *
 * xmit sets TXD.IDE while tx_usecs is non-zero: the timers get their value
 * before IDE is turned on and go to 0 only after it is turned off.
 */
void e1k_set_tx_delay(struct e1k_adapter *adapter, u32 usecs)
{
	if (usecs)
		e1k_write_tx_delay(adapter, usecs);
	WRITE_ONCE(adapter->tx_usecs, usecs);
	if (!usecs)
		e1k_write_tx_delay(adapter, 0);
}

/*
 * adaptive-rx: net_dim (lib/dim) moves between five profiles, from the
 * lowest latency to the most moderation, judging each by packets and
 * interrupts; this table turns its choice into an ITR rate. net_dim only
 * moves on while each step changes the rates by more than 10 %, and under
 * TCG QEMU already batches a 4k packets/s flow into ~900-1500 interrupts/s
 * with ITR off, so the first throttled step sits well below that and each
 * next one at least 20 % lower. At a steady load net_dim keeps moving right
 * while the packet rate holds (and wanders back on noisy samples); the last
 * step, 125/s (8 ms), still fits 30k packets/s in a 256-entry ring. At idle
 * e1k_dim_idle() goes back to ITR off at once.
 */
static const u32 e1k_dim_irqs_per_sec[] = { 0, 400, 250, 160, 125 };

/* The rx_dim work item: apply the profile net_dim chose. */
static void e1k_dim_work(struct work_struct *work)
{
	struct dim *dim = container_of(work, struct dim, work);
	struct e1k_adapter *adapter = container_of(dim, struct e1k_adapter, rx_dim);
	unsigned int ix = min_t(unsigned int, dim->profile_ix,
				ARRAY_SIZE(e1k_dim_irqs_per_sec) - 1);

	if (adapter->adaptive_rx && !test_bit(E1K_STATE_DOWN, &adapter->state))
		e1k_write_itr(adapter, e1k_dim_irqs_per_sec[ix]);
	dim->state = DIM_START_MEASURE;
}

/**
 * e1k_dim_init - set up the adaptive-rx state (probe)
 * @adapter: the adapter
 */
void e1k_dim_init(struct e1k_adapter *adapter)
{
	INIT_WORK(&adapter->rx_dim.work, e1k_dim_work);
	adapter->rx_dim.mode = DIM_CQ_PERIOD_MODE_START_FROM_EQE;
}

/**
 * e1k_dim_restart - start adaptive-rx at the lowest-latency profile
 * @adapter: the adapter (RTNL held)
 */
void e1k_dim_restart(struct e1k_adapter *adapter)
{
	adapter->rx_dim.profile_ix = 0;
	adapter->rx_dim.tune_state = DIM_GOING_RIGHT;
	adapter->rx_dim.state = DIM_START_MEASURE;
}

/**
 * e1k_apply_itr - write the ITR in force: adaptive-rx's profile or the
 * static rate
 * @adapter: the adapter (RTNL held)
 */
void e1k_apply_itr(struct e1k_adapter *adapter)
{
	unsigned int ix = min_t(unsigned int, adapter->rx_dim.profile_ix,
				ARRAY_SIZE(e1k_dim_irqs_per_sec) - 1);

	e1k_write_itr(adapter, adapter->adaptive_rx ?
		      e1k_dim_irqs_per_sec[ix] : adapter->itr);
}

/*
 * Below this packet rate an interrupt per packet costs nothing worth saving:
 * there is nothing to batch, so adaptive-rx goes straight back to ITR off.
 */
#define E1K_DIM_IDLE_PPS	1000

/*
 * net_dim moves one profile per DIM_NEVENTS samples, and at idle a sample
 * comes per packet: a ping every 20 ms would wait seconds behind the ITR the
 * last burst left. So once per 100 ms window, measure the packet rate and
 * reset to the lowest-latency profile when it is below E1K_DIM_IDLE_PPS.
 */
static bool e1k_dim_idle(struct e1k_adapter *adapter, u64 packets)
{
	unsigned long elapsed = jiffies - adapter->dim_idle_mark;
	u64 window_packets = packets - adapter->dim_idle_packets;
	struct dim *dim = &adapter->rx_dim;

	if (elapsed < HZ / 10)
		return false;
	adapter->dim_idle_mark = jiffies;
	adapter->dim_idle_packets = packets;
	if (window_packets * HZ >= (u64)E1K_DIM_IDLE_PPS * elapsed)
		return false;
	if (dim->profile_ix) {
		dim->profile_ix = 0;
		dim->tune_state = DIM_GOING_RIGHT;
		dim->state = DIM_APPLY_NEW_PROFILE;
		schedule_work(&dim->work);
	}
	return true;
}

/**
 * e1k_dim_sample - feed net_dim one sample (adaptive-rx)
 * @adapter: the adapter
 *
 * Called by the NAPI poll on each return to interrupt mode.
 */
void e1k_dim_sample(struct e1k_adapter *adapter)
{
	struct e1k_ring_stats rx;
	struct dim_sample sample;

	e1k_ring_stats_read(&adapter->rx_ring, &rx);
	if (e1k_dim_idle(adapter, rx.packets))
		return;
	dim_update_sample(adapter->dim_events++, rx.packets, rx.bytes, &sample);
	net_dim(&adapter->rx_dim, sample);
}
