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
 * adaptive-rx has two parts. First, every 100 ms the poll sorts the
 * traffic into one of two classes by its receive rates
 * (e1k_dim_update_class()). A stream sets its own rate, which moderation
 * does not change; a conversation's rate only falls under moderation, so
 * it is never pushed into bulk by it.
 *
 * - latency: light traffic, whatever it is. It may be a conversation
 *   (request/response) whose next packet waits for our reply: holding its
 *   interrupt back batches nothing and adds the interval to every round
 *   trip. Or a light one-way stream, which keeps an interrupt per packet:
 *   QEMU never raises more than ~7.8k/s (128 us apart), and below the
 *   thresholds that is what it costs. The ITR is off. Measured on the bed
 *   (TCG): a UDP ping-pong, one message in flight, receives ~3k packets/s
 *   and ~2 Mb/s; with a 20 Mb/s stream arriving alongside, ~5k packets/s
 *   and ~22 Mb/s.
 * - bulk: a flow heavy enough that packets queue behind each other, where
 *   fewer interrupts cost little latency: net_dim chooses the ITR. A
 *   conversation above the thresholds (many requests in flight) lands
 *   here too; if moderation slows it below 3/4 of them it falls back to
 *   latency, and may swing between the two.
 *
 * Second, in the bulk class net_dim (lib/dim) moves between five profiles,
 * from the lowest latency to the most moderation, judging each by packets
 * and interrupts; the table below turns its choice into an ITR rate.
 * net_dim only moves on while each step changes the rates by more than
 * 10 %, and under TCG QEMU already batches a 4k packets/s flow into
 * ~900-1900 interrupts/s with ITR off, so the first throttled step sits
 * well below that and each next one at least 20 % lower. The last step,
 * 125/s (8 ms), still fits 30k packets/s in a 256-entry ring (10k in the
 * smallest, of 80 entries).
 */
static const u32 e1k_dim_irqs_per_sec[] = { 0, 400, 250, 160, 125 };

/*
 * The bulk class starts at either rate: 8k packets/s (small packets, where
 * QEMU's own floor of 128 us between interrupts, 7.8k/s, begins to bind) or
 * 36 Mb/s. The 50 Mb/s stream of the benchmark is 1.4x the byte threshold;
 * the ping-pong beside a 20 Mb/s stream is 0.6x it. To go back to latency,
 * both rates must fall below 3/4 of these, so that a stream near a
 * threshold does not flip the class on every window.
 */
#define E1K_DIM_WINDOW		(HZ / 10)
#define E1K_DIM_BULK_PPS	8000ULL
#define E1K_DIM_BULK_BYTES_PS	(36000000ULL / 8)

/* Forget net_dim's measurements and start it at ITR off, looking right. */
static void e1k_dim_reset(struct dim *dim)
{
	dim->profile_ix = 0;
	dim->tune_state = DIM_GOING_RIGHT;
	dim->steps_left = 0;
	dim->steps_right = 0;
	dim->tired = 0;
	memset(&dim->prev_stats, 0, sizeof(dim->prev_stats));
}

/*
 * e1k_dim_update_class - the traffic class (see above) of the window that
 * ends now, or of the last one if the current window is still open. On a
 * change, net_dim starts over: into bulk at ITR off, so that its first
 * decision (no previous stats to compare against) moves right; into
 * latency, the work item is queued to write ITR off (queued again if it is
 * running, so a profile it read before is overwritten). Called by the NAPI
 * poll only. At the first poll after a long idle in bulk the window closes
 * as latency; until then the bulk ITR holds.
 */
static bool e1k_dim_update_class(struct e1k_adapter *adapter,
				 const struct e1k_ring_stats *rx)
{
	unsigned long elapsed = jiffies - adapter->dim_window_start;
	u64 packets = rx->packets - adapter->dim_window_rx.packets;
	u64 bytes = rx->bytes - adapter->dim_window_rx.bytes;
	/* the thresholds in quarters: 4/4 to enter bulk, 3/4 to stay */
	u64 quarters = adapter->dim_bulk ? 3 : 4;
	struct dim *dim = &adapter->rx_dim;
	bool bulk;

	if (elapsed < E1K_DIM_WINDOW)
		return adapter->dim_bulk;
	adapter->dim_window_start = jiffies;
	adapter->dim_window_rx = *rx;
	/* rate >= quarters/4 x threshold, in integers: no division */
	bulk = packets * HZ * 4 >= E1K_DIM_BULK_PPS * quarters * elapsed ||
	       bytes * HZ * 4 >= E1K_DIM_BULK_BYTES_PS * quarters * elapsed;
	if (bulk == adapter->dim_bulk)
		return bulk;
	adapter->dim_bulk = bulk;
	e1k_dim_reset(dim);
	if (bulk) {
		dim->state = DIM_START_MEASURE;
	} else {
		dim->state = DIM_APPLY_NEW_PROFILE;
		schedule_work(&dim->work);
	}
	return bulk;
}

/* The rx_dim work item: apply the profile net_dim chose. */
static void e1k_dim_work(struct work_struct *work)
{
	struct dim *dim = container_of(work, struct dim, work);
	struct e1k_adapter *adapter = container_of(dim, struct e1k_adapter, rx_dim);
	unsigned int ix = min_t(unsigned int, dim->profile_ix,
				ARRAY_SIZE(e1k_dim_irqs_per_sec) - 1);

	if (READ_ONCE(adapter->adaptive_rx) &&
	    !test_bit(E1K_STATE_DOWN, &adapter->state))
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
	e1k_dim_reset(&adapter->rx_dim);
	adapter->rx_dim.state = DIM_START_MEASURE;
	adapter->dim_bulk = false;
	adapter->dim_window_start = jiffies;
	e1k_ring_stats_read(&adapter->rx_ring, &adapter->dim_window_rx);
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
	if (!e1k_dim_update_class(adapter, &rx))
		return;
	dim_update_sample(adapter->dim_events++, rx.packets, rx.bytes, &sample);
	net_dim(&adapter->rx_dim, sample);
}
