/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure, unit-tested checks of mount.ecryptfs_private: names, the
 * ~/.ecryptfs files it reads (ALIAS.sig, Private.mnt, ALIAS.conf), the
 * file system types it mounts over, /proc/self/mountinfo lines and the
 * session counter. Nothing here touches the system.
 */
#ifndef MP_CONF_H
#define MP_CONF_H

#include <stddef.h>

#define MP_SIG_HEX	16
#define MP_MAX_SIGS	2
#define MP_ALIAS_MAX	64
/* Largest ~/.ecryptfs file read (sig, mnt, conf). */
#define MP_FILE_MAX	4096

/* adduser's rule: [A-Za-z0-9_.@-], no '-' first, '$' only last. 1 if ok. */
int mp_username_ok(const char *u);

/*
 * An alias names ~/.ecryptfs/ALIAS.{conf,sig} and the counter: 1..64
 * characters of [A-Za-z0-9_.@+-], not starting with '.' (so never ".."
 * or a hidden name) and no "..". Returns NULL if ok, else why not.
 */
const char *mp_alias_problem(const char *alias);

/*
 * Upstream's ALIAS.sig: the FEKEK signature on the first line, optionally
 * the FNEK signature on the second; each line is cut at the first
 * whitespace and must then be 16 hex digits (an empty second line means
 * no FNEK). Returns the number of signatures (1 or 2), or -EINVAL with
 * *@why set.
 */
int mp_parse_sigs(const char *buf, size_t len, char sigs[MP_MAX_SIGS][MP_SIG_HEX + 1],
		  const char **why);

/*
 * First line of Private.mnt: an absolute path (trailing blanks removed).
 * Returns 0 and a malloc'd copy in *@path, -EINVAL with *@why, -ENOMEM.
 */
int mp_parse_mnt(const char *buf, size_t len, char **path, const char **why);

/*
 * The first entry of an fstab(5)-style ALIAS.conf: "SRC DEST ecryptfs
 * [OPTS ...]", '#' comments, octal escapes (\040) decoded. Type must be
 * ecryptfs, options empty or "none", both paths absolute. Returns 0 with
 * malloc'd *@src and *@dst, -EINVAL with *@why, or -ENOMEM.
 */
int mp_parse_conf(const char *buf, size_t len, char **src, char **dst, const char **why);

/* 1 when a mount point on a file system of type @f_type is acceptable. */
int mp_fstype_ok(unsigned long f_type);

struct mp_mntinfo {
	char *fstype;
	char *mountpoint;	/* unescaped */
	char *source;		/* unescaped */
	char *super_opts;
};

/*
 * Find the line of mount @mnt_id in the mountinfo text @buf. Returns 0 and
 * malloc'd fields, -ENOENT, or -ENOMEM. Malformed lines are skipped.
 */
int mp_mountinfo_by_id(const char *buf, size_t len, unsigned long mnt_id,
		       struct mp_mntinfo *out);
void mp_mntinfo_free(struct mp_mntinfo *m);

/* 1 when the comma-separated @opts hold exactly @name=@value. */
int mp_opts_have(const char *opts, const char *name, const char *value);

/* The counter file's contents ("N\n"): N, or 0 for anything malformed. */
int mp_counter_parse(const char *buf, size_t len);

#endif /* MP_CONF_H */
