// SPDX-License-Identifier: GPL-2.0
/* e1k_napi: placeholder until the driver core lands. */
#include <linux/module.h>

MODULE_DESCRIPTION("NAPI reference driver for QEMU's emulated Intel e1000 NICs");
MODULE_LICENSE("GPL");
