/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netlink.h - the generic netlink daemon transport (proto section 13).
 */
#ifndef ECFS_NETLINK_H
#define ECFS_NETLINK_H

int ecfs_netlink_init(void);
void ecfs_netlink_exit(void);

#endif /* ECFS_NETLINK_H */
