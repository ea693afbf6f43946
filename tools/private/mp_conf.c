// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsers and checks of mount.ecryptfs_private, kept apart from the
 * privileged code so that they are unit-tested and fuzzed. Every input
 * here comes from a file the (untrusted) caller controls.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mp_conf.h"

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int mp_username_ok(const char *u)
{
	size_t i, n;

	if (!u)
		return 0;
	n = strlen(u);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = u[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '@')
			continue;
		if (c == '-' && i != 0)
			continue;
		if (c == '$' && i == n - 1)
			continue;
		return 0;
	}
	return 1;
}

const char *mp_alias_problem(const char *alias)
{
	size_t i, n = strlen(alias);

	if (n == 0)
		return "the alias is empty";
	if (n > MP_ALIAS_MAX)
		return "the alias is longer than 64 characters";
	if (strstr(alias, ".."))
		return "the alias contains \"..\"";
	if (alias[0] == '.')
		return "the alias starts with '.'";
	for (i = 0; i < n; i++) {
		char c = alias[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '@' || c == '+' || c == '-')
			continue;
		if (c == '/')
			return "the alias contains '/'";
		return "the alias has a character other than letters, digits and _ . @ + -";
	}
	return NULL;
}

int mp_parse_sigs(const char *buf, size_t len, char sigs[MP_MAX_SIGS][MP_SIG_HEX + 1],
		  const char **why)
{
	size_t pos = 0;
	int n = 0;

	while (n < MP_MAX_SIGS && pos < len) {
		size_t start = pos, end, i;

		while (pos < len && buf[pos] != '\n')
			pos++;
		end = pos;
		if (pos < len)
			pos++;		/* the newline */
		/* Cut at the first whitespace, as upstream does. */
		for (i = start; i < end; i++)
			if (is_blank(buf[i]))
				break;
		end = i;
		if (end == start) {
			if (n == 0)
				break;
			return n;	/* empty second line: no FNEK */
		}
		if (end - start != MP_SIG_HEX) {
			*why = "a signature is not 16 hex digits long";
			return -EINVAL;
		}
		for (i = start; i < end; i++) {
			if (!is_hex(buf[i])) {
				*why = "a signature has a character that is not a hex digit";
				return -EINVAL;
			}
		}
		memcpy(sigs[n], buf + start, MP_SIG_HEX);
		sigs[n][MP_SIG_HEX] = '\0';
		n++;
	}
	if (n == 0) {
		*why = "there is no file encryption key signature on its first line";
		return -EINVAL;
	}
	return n;
}

static int path_problem(const char *p, const char **why)
{
	if (p[0] != '/') {
		*why = "the path is not absolute";
		return -EINVAL;
	}
	if (strlen(p) >= PATH_MAX) {
		*why = "the path is too long";
		return -EINVAL;
	}
	return 0;
}

int mp_parse_mnt(const char *buf, size_t len, char **path, const char **why)
{
	size_t end = 0;
	char *p;
	int rc;

	while (end < len && buf[end] != '\n')
		end++;
	while (end > 0 && is_blank(buf[end - 1]))
		end--;
	if (end == 0) {
		*why = "its first line is empty";
		return -EINVAL;
	}
	if (memchr(buf, '\0', end)) {
		*why = "it contains a NUL byte";
		return -EINVAL;
	}
	p = strndup(buf, end);
	if (!p)
		return -ENOMEM;
	rc = path_problem(p, why);
	if (rc) {
		free(p);
		return rc;
	}
	*path = p;
	return 0;
}

/* Copy one whitespace-delimited fstab field, decoding \ooo escapes. */
static char *fstab_field(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t i, o = 0;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[o++] = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) |
					  (s[i + 3] - '0'));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* Split @line (@n bytes) into up to @max fields; returns how many. */
static size_t split_fields(const char *line, size_t n, const char **f, size_t *flen, size_t max)
{
	size_t i = 0, k = 0;

	while (i < n && k < max) {
		while (i < n && is_blank(line[i]))
			i++;
		if (i >= n)
			break;
		f[k] = line + i;
		while (i < n && !is_blank(line[i]))
			i++;
		flen[k] = (size_t)(line + i - f[k]);
		k++;
	}
	return k;
}

int mp_parse_conf(const char *buf, size_t len, char **src, char **dst, const char **why)
{
	size_t pos = 0;

	if (memchr(buf, '\0', len)) {
		*why = "it contains a NUL byte";
		return -EINVAL;
	}
	while (pos < len) {
		size_t start = pos, end, nf;
		const char *f[5];
		size_t fl[5];
		char *s, *d;

		while (pos < len && buf[pos] != '\n')
			pos++;
		end = pos;
		if (pos < len)
			pos++;
		while (start < end && is_blank(buf[start]))
			start++;
		if (start == end || buf[start] == '#')
			continue;
		nf = split_fields(buf + start, end - start, f, fl, 5);
		if (nf < 3) {
			*why = "its entry has fewer than three fields (SOURCE MOUNTPOINT ecryptfs)";
			return -EINVAL;
		}
		if (fl[2] != 8 || memcmp(f[2], "ecryptfs", 8) != 0) {
			*why = "its file system type is not ecryptfs";
			return -EINVAL;
		}
		if (nf >= 4 && !(fl[3] == 4 && memcmp(f[3], "none", 4) == 0)) {
			*why = "it gives mount options (only an empty field or \"none\" is allowed)";
			return -EINVAL;
		}
		s = fstab_field(f[0], fl[0]);
		d = fstab_field(f[1], fl[1]);
		if (!s || !d) {
			free(s);
			free(d);
			return -ENOMEM;
		}
		if (path_problem(s, why) || path_problem(d, why)) {
			free(s);
			free(d);
			return -EINVAL;
		}
		*src = s;
		*dst = d;
		return 0;
	}
	*why = "it has no entry";
	return -EINVAL;
}

/*
 * The file systems a user's mount point may sit on. Anything else, procfs
 * above all (CVE-2016-1572), is refused: a mount there could fool other
 * programs. Same list as upstream's, so the same homes keep working.
 */
static const unsigned long mp_fstypes[] = {
	0x61756673,	/* aufs */
	0x9123683e,	/* btrfs */
	0x00c36400,	/* ceph */
	0xff534d42,	/* cifs */
	0x0000f15f,	/* ecryptfs */
	0x0000ef53,	/* ext2/3/4 */
	0xf2f52010,	/* f2fs */
	0x65735546,	/* fuse */
	0x01161970,	/* gfs2 */
	0x3153464a,	/* jfs */
	0x000072b6,	/* jffs2 */
	0x0000564c,	/* ncp */
	0x00006969,	/* nfs */
	0x00003434,	/* nilfs */
	0x5346544e,	/* ntfs */
	0x794c7630,	/* overlayfs */
	0x52654973,	/* reiserfs */
	0x73717368,	/* squashfs */
	0x01021994,	/* tmpfs */
	0x24051905,	/* ubifs */
	0x58465342,	/* xfs */
	0x2fc12fc1,	/* zfs */
};

int mp_fstype_ok(unsigned long f_type)
{
	size_t i;

	for (i = 0; i < sizeof(mp_fstypes) / sizeof(mp_fstypes[0]); i++)
		if ((f_type & 0xffffffffUL) == mp_fstypes[i])
			return 1;
	return 0;
}

void mp_mntinfo_free(struct mp_mntinfo *m)
{
	free(m->fstype);
	free(m->mountpoint);
	free(m->source);
	free(m->super_opts);
	memset(m, 0, sizeof(*m));
}

int mp_mountinfo_by_id(const char *buf, size_t len, unsigned long mnt_id,
		       struct mp_mntinfo *out)
{
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		size_t start = pos, end, nf, k;
		const char *f[64];
		size_t fl[64];
		char *idend;
		unsigned long id;

		while (pos < len && buf[pos] != '\n')
			pos++;
		end = pos;
		if (pos < len)
			pos++;
		/* id parent maj:min root mountpoint opts [optional...] - type source superopts */
		nf = split_fields(buf + start, end - start, f, fl, 64);
		if (nf < 10 || fl[0] > 20)
			continue;
		{
			char idbuf[24];

			memcpy(idbuf, f[0], fl[0]);
			idbuf[fl[0]] = '\0';
			errno = 0;
			id = strtoul(idbuf, &idend, 10);
			if (errno || *idend || idend == idbuf)
				continue;
		}
		if (id != mnt_id)
			continue;
		for (k = 6; k < nf; k++)
			if (fl[k] == 1 && f[k][0] == '-')
				break;
		if (k + 2 >= nf)
			continue;
		out->mountpoint = fstab_field(f[4], fl[4]);
		out->fstype = fstab_field(f[k + 1], fl[k + 1]);
		out->source = fstab_field(f[k + 2], fl[k + 2]);
		out->super_opts = k + 3 < nf ? fstab_field(f[k + 3], fl[k + 3]) : strdup("");
		if (!out->mountpoint || !out->fstype || !out->source || !out->super_opts) {
			mp_mntinfo_free(out);
			return -ENOMEM;
		}
		return 0;
	}
	return -ENOENT;
}

int mp_opts_have(const char *opts, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	const char *p = opts;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == nl + 1 + vl && memcmp(p, name, nl) == 0 && p[nl] == '=' &&
		    memcmp(p + nl + 1, value, vl) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

int mp_counter_parse(const char *buf, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		v = v * 10 + (buf[i] - '0');
		if (v > 1000000)
			return 0;
	}
	if (i == 0 || (i < len && buf[i] != '\n'))
		return 0;
	return (int)v;
}
