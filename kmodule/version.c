// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module's version for modinfo, from configure.ac's AC_INIT (passed
 * by the wrapper Makefile and by dkms.conf as ECFS_VERSION).
 */
#include <linux/module.h>

MODULE_VERSION(ECFS_VERSION);
