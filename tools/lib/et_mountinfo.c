// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "et_mountinfo.h"

int et_mountinfo_read(const char *path, char **buf, size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	char *b = NULL, *nb;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (!b || n + 1 >= cap) {
			if (b)
				cap *= 2;
			nb = realloc(b, cap);
			if (!nb) {
				rc = -ENOMEM;
				goto fail;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
fail:
	close(fd);
	free(b);
	return rc;
}

/* Copy a field, undoing the kernel's \ooo escapes of space, tab, \n and \\. */
static char *unescape(const char *s, size_t len)
{
	char *d = malloc(len + 1), *o = d;
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 |
				      (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return d;
}

/* Split @line (@len bytes) on spaces into at most @max fields. */
static size_t split_fields(const char *line, size_t len, const char **f, size_t *fl, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		size_t start;

		while (i < len && line[i] == ' ')
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && line[i] != ' ')
			i++;
		f[n] = line + start;
		fl[n] = i - start;
		n++;
	}
	return n;
}

int et_mountinfo_find(const char *buf, size_t len, const char *dir, char **fstype,
		      char **super_opts)
{
	const char *line = buf, *end = buf + len;
	const char *best_type = NULL, *best_opts = NULL;
	size_t best_tlen = 0, best_olen = 0;

	*fstype = NULL;
	*super_opts = NULL;
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t llen = nl ? (size_t)(nl - line) : (size_t)(end - line);
		const char *f[32];
		size_t fl[32], n, sep;
		char *mp;

		n = split_fields(line, llen, f, fl, 32);
		/* Fields: id parent dev root mountpoint opts [optional...] - type src superopts */
		for (sep = 6; sep < n; sep++)
			if (fl[sep] == 1 && f[sep][0] == '-')
				break;
		if (n >= 5 && sep + 3 < n) {
			mp = unescape(f[4], fl[4]);
			if (!mp)
				return -ENOMEM;
			if (!strcmp(mp, dir)) {
				best_type = f[sep + 1];
				best_tlen = fl[sep + 1];
				best_opts = f[sep + 3];
				best_olen = fl[sep + 3];
			}
			free(mp);
		}
		line += llen + 1;
	}
	if (!best_type)
		return -ENOENT;
	*fstype = unescape(best_type, best_tlen);
	*super_opts = unescape(best_opts, best_olen);
	if (!*fstype || !*super_opts) {
		free(*fstype);
		free(*super_opts);
		*fstype = NULL;
		*super_opts = NULL;
		return -ENOMEM;
	}
	return 0;
}

int et_opt_value(const char *opts, const char *name, size_t idx, char **val)
{
	size_t nlen = strlen(name);
	const char *p = opts;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t tlen = comma ? (size_t)(comma - p) : strlen(p);

		if (tlen > nlen && !strncmp(p, name, nlen) && p[nlen] == '=') {
			if (idx == 0) {
				*val = strndup(p + nlen + 1, tlen - nlen - 1);
				return *val ? 0 : -ENOMEM;
			}
			idx--;
		}
		p = comma ? comma + 1 : NULL;
	}
	return -ENOENT;
}

int et_opt_flag(const char *opts, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = opts;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t tlen = comma ? (size_t)(comma - p) : strlen(p);

		if (tlen == nlen && !strncmp(p, name, nlen))
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}
