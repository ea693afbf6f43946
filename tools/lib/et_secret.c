// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include "et_secret.h"

int et_secret_alloc(struct et_secret *s, size_t cap)
{
	s->len = 0;
	s->cap = cap;
	s->buf = calloc(1, cap + 1);
	if (!s->buf)
		return -ENOMEM;
	/*
	 * A failed mlock (RLIMIT_MEMLOCK) is not fatal: the secret is still
	 * wiped after use, and mount.ecryptfs also tries mlockall().
	 */
	(void)mlock(s->buf, cap + 1);
	return 0;
}

void et_secret_free(struct et_secret *s)
{
	if (!s->buf)
		return;
	explicit_bzero(s->buf, s->cap + 1);
	(void)munlock(s->buf, s->cap + 1);
	free(s->buf);
	s->buf = NULL;
	s->len = 0;
}

int et_secret_set(struct et_secret *s, const char *v, size_t len)
{
	if (len > s->cap)
		return -EMSGSIZE;
	memcpy(s->buf, v, len);
	s->buf[len] = '\0';
	s->len = len;
	return 0;
}

ssize_t et_read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	int got_any = 0, overflow = 0;
	char c;

	if (!size)
		return -EINVAL;
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			explicit_bzero(buf, size);
			return r;
		}
		if (r == 0)
			break;
		got_any = 1;
		if (c == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = c;
		else
			overflow = 1;
	}
	c = 0;
	buf[n] = '\0';
	if (!got_any)
		return -ENODATA;
	if (overflow) {
		explicit_bzero(buf, size);
		return -EMSGSIZE;
	}
	return (ssize_t)n;
}

int et_secret_read_fd(int fd, struct et_secret *s)
{
	ssize_t r = et_read_line(fd, s->buf, s->cap + 1);

	if (r < 0) {
		s->len = 0;
		return (int)r;
	}
	s->len = (size_t)r;
	return 0;
}

int et_stdin_is_tty(void)
{
	return isatty(STDIN_FILENO);
}

static struct termios saved_tio;
static volatile sig_atomic_t echo_off;

static void restore_echo_and_die(int sig)
{
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

int et_secret_prompt(const char *prompt, struct et_secret *s)
{
	struct sigaction sa, old_int, old_term, old_hup;
	struct termios tio;
	int tty = et_stdin_is_tty();
	int rc;

	if (prompt) {
		printf("%s: ", prompt);
		fflush(stdout);
	}
	if (tty && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = restore_echo_and_die;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		sigaction(SIGHUP, &sa, &old_hup);
		tio = saved_tio;
		tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		echo_off = 1;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &tio))
			echo_off = 0;
		rc = et_secret_read_fd(STDIN_FILENO, s);
		if (echo_off)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
		echo_off = 0;
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
	} else {
		rc = et_secret_read_fd(STDIN_FILENO, s);
	}
	if (prompt) {
		/* The user's Enter was not echoed: end the prompt line. */
		printf("\n");
		fflush(stdout);
	}
	return rc;
}

ssize_t et_prompt_line(const char *prompt, char *buf, size_t size)
{
	if (prompt) {
		fputs(prompt, stdout);
		fflush(stdout);
	}
	return et_read_line(STDIN_FILENO, buf, size);
}
