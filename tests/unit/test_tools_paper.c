// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The printable form of a recovery key: what a user types back from paper
 * must come back byte for byte, and every typing mistake must be caught
 * and pinned to its line.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rk_paper.h"

static uint8_t der[RK_PAPER_MAX_BYTES];
static uint8_t out[RK_PAPER_MAX_BYTES];

static __attribute__((noinline)) char *make(size_t n)
{
	char *text = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		der[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(rk_paper_encode("PRIVATE KEY", "0123456789abcdef", der, n, &text), 0);
	return text;
}

static void test_roundtrip(void **state)
{
	static const size_t sizes[] = { 1, 23, 24, 25, 1217, 2375 };
	char type[RK_PAPER_TYPE_MAX], msg[256];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *t = make(sizes[i]);

		assert_int_equal(rk_paper_decode(t, type, out, &len, msg, sizeof(msg)), 0);
		assert_int_equal(len, sizes[i]);
		assert_memory_equal(out, der, len);
		assert_string_equal(type, "PRIVATE KEY");
		free(t);
	}
}

/* Upper case, no spaces, no "crc" word, CRLF: what careless typing gives. */
static void test_sloppy_typing(void **state)
{
	char *t = make(100), *s = malloc(strlen(t) * 2 + 1), *p = s, *l = t;
	char type[RK_PAPER_TYPE_MAX];
	size_t len;

	(void)state;
	while (*l) {
		char *nl = strchr(l, '\n');
		bool data = *l >= '0' && *l <= '9';

		for (; l < nl; l++) {
			if (data && (*l == ' ' || !strncmp(l, "crc", 3))) {
				l += *l == ' ' ? 0 : 2;
				continue;
			}
			*p++ = data && *l >= 'a' && *l <= 'f' ? (char)(*l - 32) : *l;
		}
		*p++ = '\r';
		*p++ = '\n';
		l = nl + 1;
	}
	*p = '\0';
	assert_int_equal(rk_paper_decode(s, type, out, &len, NULL, 0), 0);
	assert_int_equal(len, 100);
	assert_memory_equal(out, der, 100);
	free(s);
	free(t);
}

static void test_typo_named(void **state)
{
	char *t = make(200), *line, type[RK_PAPER_TYPE_MAX], msg[256];
	size_t len;

	(void)state;
	line = strstr(t, "\n004:");
	assert_non_null(line);
	/* Change one hex digit in the data of line 4. */
	line[8] = line[8] == '0' ? '1' : '0';
	assert_int_equal(rk_paper_decode(t, type, out, &len, msg, sizeof(msg)), -EBADMSG);
	assert_non_null(strstr(msg, "line 004"));
	free(t);
}

static void test_swapped_lines(void **state)
{
	char *t = make(100), *a, *b, tmp[128], type[RK_PAPER_TYPE_MAX], msg[256];
	size_t la, len;

	(void)state;
	/* Swap the data of lines 1 and 2 but keep the numbers. */
	a = strstr(t, "\n001:") + 5;
	b = strstr(t, "\n002:") + 5;
	la = (size_t)(strchr(a, '\n') - a);
	assert_int_equal(la, (size_t)(strchr(b, '\n') - b));
	memcpy(tmp, a, la);
	memcpy(a, b, la);
	memcpy(b, tmp, la);
	assert_int_equal(rk_paper_decode(t, type, out, &len, msg, sizeof(msg)), -EBADMSG);
	assert_non_null(strstr(msg, "line 001"));
	free(t);
}

static void test_missing_line(void **state)
{
	char *t = make(100), *a, *b, type[RK_PAPER_TYPE_MAX], msg[256];
	size_t len;

	(void)state;
	a = strstr(t, "\n003:");
	b = strchr(a + 1, '\n');
	memmove(a, b, strlen(b) + 1);
	assert_int_equal(rk_paper_decode(t, type, out, &len, msg, sizeof(msg)), -ENODATA);
	assert_non_null(strstr(msg, "line 003"));
	free(t);
}

static void test_bad_sha(void **state)
{
	char *t = make(50), *s, type[RK_PAPER_TYPE_MAX], msg[256];
	size_t len;

	(void)state;
	s = strstr(t, "sha256: ") + 8;
	s[0] = s[0] == 'a' ? 'b' : 'a';
	assert_int_equal(rk_paper_decode(t, type, out, &len, msg, sizeof(msg)), -EBADMSG);
	s = strstr(t, "sha256:");
	*s = '\0';
	assert_int_equal(rk_paper_decode(t, type, out, &len, msg, sizeof(msg)), -ENODATA);
	assert_non_null(strstr(msg, "sha256"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_sloppy_typing),
		cmocka_unit_test(test_typo_named),
		cmocka_unit_test(test_swapped_lines),
		cmocka_unit_test(test_missing_line),
		cmocka_unit_test(test_bad_sha),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
