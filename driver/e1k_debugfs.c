// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_napi - test-only fault injection through debugfs, so that the error
 * paths run on demand instead of by luck:
 *
 *   /sys/kernel/debug/e1k_napi/<PCI address>/fail_rx_alloc
 *
 * Write N: the next N receive buffer allocations fail as if memory had run
 * out (counted in rx_alloc_failed like a real failure). Read: how many are
 * left.
 *
 *   /sys/kernel/debug/e1k_napi/<PCI address>/reset
 *
 * Write anything: queue the reset task, as a TX timeout does (the rings
 * rebuilt in place, the netdev kept), so that path runs when a test says
 * rather than when the hardware hangs.
 *
 *   /sys/kernel/debug/e1k_napi/<PCI address>/tx_irq_only
 *
 * Write Y: xmit no longer reclaims after its tail write, so every sent
 * packet waits for TXDW and the poll, the path that hardware writing DD
 * back later than QEMU's model takes (e1k_xmit_reclaim()). N: as before.
 *
 * Without debugfs the files are simply absent.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>

#include "e1k.h"

static struct dentry *e1k_debugfs_root;

/**
 * e1k_debugfs_register - create the driver's debugfs folder (module init)
 */
void e1k_debugfs_register(void)
{
	e1k_debugfs_root = debugfs_create_dir(E1K_DRV_NAME, NULL);
}

/**
 * e1k_debugfs_unregister - remove it again (module exit)
 */
void e1k_debugfs_unregister(void)
{
	debugfs_remove_recursive(e1k_debugfs_root);
	e1k_debugfs_root = NULL;
}

/*
 * Queue the reset task. debugfs_remove_recursive() waits for a write in
 * progress, and e1k_remove() removes the folder before it cancels the
 * task, so no write can queue it afterwards.
 */
static ssize_t e1k_debugfs_reset_write(struct file *file, const char __user *ubuf,
				       size_t count, loff_t *ppos)
{
	struct e1k_adapter *adapter = file->private_data;

	schedule_work(&adapter->reset_task);
	return count;
}

static const struct file_operations e1k_debugfs_reset_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= e1k_debugfs_reset_write,
	.llseek	= noop_llseek,
};

/**
 * e1k_debugfs_add - one folder per NIC, named by its PCI address (probe)
 * @adapter: the adapter
 */
void e1k_debugfs_add(struct e1k_adapter *adapter)
{
	adapter->debugfs_dir = debugfs_create_dir(pci_name(adapter->pdev),
						  e1k_debugfs_root);
	debugfs_create_atomic_t("fail_rx_alloc", 0600, adapter->debugfs_dir,
				&adapter->fail_rx_alloc);
	debugfs_create_file("reset", 0200, adapter->debugfs_dir, adapter,
			    &e1k_debugfs_reset_fops);
	debugfs_create_bool("tx_irq_only", 0600, adapter->debugfs_dir,
			    &adapter->tx_irq_only);
}

/**
 * e1k_debugfs_remove - remove the NIC's folder (remove)
 * @adapter: the adapter
 */
void e1k_debugfs_remove(struct e1k_adapter *adapter)
{
	debugfs_remove_recursive(adapter->debugfs_dir);
	adapter->debugfs_dir = NULL;
}

/**
 * e1k_fail_rx_alloc - should this receive buffer allocation fail?
 * @adapter: the adapter
 *
 * Return: true while fail_rx_alloc is positive, taking one from it.
 */
bool e1k_fail_rx_alloc(struct e1k_adapter *adapter)
{
	if (likely(!atomic_read(&adapter->fail_rx_alloc)))
		return false;
	return atomic_dec_if_positive(&adapter->fail_rx_alloc) >= 0;
}
