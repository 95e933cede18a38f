// SPDX-License-Identifier: GPL-2.0
/*
 * napilab_warn - a test module that triggers exactly one kernel WARNING when
 * loaded, so that the test bed's kernel-log scan can be shown to fail a run.
 * It has no other effect and unloads cleanly.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init napilab_warn_init(void)
{
	WARN(1, "napilab_warn: deliberate warning for the test bed's log scan\n");
	return 0;
}

static void __exit napilab_warn_exit(void)
{
}

module_init(napilab_warn_init);
module_exit(napilab_warn_exit);

MODULE_DESCRIPTION("napilab test module: triggers one WARN on load");
MODULE_LICENSE("GPL");
