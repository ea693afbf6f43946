// SPDX-License-Identifier: GPL-2.0
/*
 * A module whose only job is to make the kernel WARN on request, so that the
 * rig can prove it notices a kernel warning and fails the case it happened in.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/bug.h>

static bool fire;
module_param(fire, bool, 0444);
MODULE_PARM_DESC(fire, "WARN at load time");

static int __init rig_warn_init(void)
{
	WARN(fire, "rig_warn: warning requested by the test rig\n");
	return 0;
}

static void __exit rig_warn_exit(void)
{
}

module_init(rig_warn_init);
module_exit(rig_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VM rig self-check: WARN on request");
