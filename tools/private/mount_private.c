// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount.ecryptfs_private [ALIAS], umount.ecryptfs_private [-f] [-d] [ALIAS]
 *
 * Installed setuid root so that a user can mount their own ~/.Private on
 * ~/Private (or the pair named in ~/.ecryptfs/ALIAS.conf) with the keys
 * already in their user keyring, and unmount it again. Upstream's helper
 * has a long CVE history, so this one is built to be read in one sitting:
 *
 *  - The environment is cleared and the effective uid dropped to the
 *    caller's at once; it is raised only to create the session counter,
 *    to mount and to unmount. Every file of the user's is read as the user.
 *  - No path is looked up twice. The mount point is opened (O_PATH, final
 *    symlink not followed, no magic links) and then checked through its fd:
 *    a directory the caller owns, on a file system from upstream's list
 *    (never procfs: CVE-2016-1572). The source is opened the same way
 *    (following a symlink, as a whole-home ~/.Private is one) and checked
 *    through its fd: a directory the caller owns.
 *  - The mount uses the new mount API: fsopen("ecryptfs") with upstream's
 *    source string (so the mount table reads as upstream's, see
 *    ecfs_mount), looked up by the kernel with the caller's file-system
 *    uid; ecryptfs_check_dev_ruid has the kernel check its owner against
 *    our real uid once more; fsmount() with MOUNT_ATTR_NOSUID|NODEV; the
 *    detached mount's root compared with the checked source fd; then
 *    move_mount() onto the checked mount point fd.
 *  - Unmounting goes through the fd of the mount point as well, after
 *    checking (mount id, mountinfo) that it is the root of an eCryptfs
 *    mount with the caller's signature: umount2(".") from inside it.
 *  - The session counter lives in /run/ecryptfs/, a root-owned directory
 *    no user can write to, not under a guessable name in /dev/shm.
 *  - The kernel options are upstream's, so homes set up by either
 *    implementation mount the same way.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <keyutils.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mp_conf.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID		0x00001000U
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT	0x00002000
#endif

#define MP_ECRYPTFS_MAGIC	0xf15fUL
#define MP_COUNTER_DIR		"ecryptfs"	/* under /run */
#define MP_DEFAULT_ALIAS	"Private"

static const char *prog = "mount.ecryptfs_private";
static uid_t caller_uid;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Effective uid 0 only around the few system calls that need it. */
static int priv_raise(void)
{
	if (seteuid(0) != 0) {
		say("cannot regain root privileges (%m); is the helper installed setuid root?");
		return -1;
	}
	return 0;
}

static void priv_drop(void)
{
	if (seteuid(caller_uid) != 0 || geteuid() != caller_uid) {
		/* Never go on with privileges we meant to give up. */
		say("cannot drop privileges: %m");
		_exit(1);
	}
}

/* A setuid program must not write its messages into a file it opened. */
static void sanitize_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
			if (open("/dev/null", O_RDWR) != fd)
				_exit(1);
		}
	}
}

static int open_dir(const char *path, int follow_last, const char *what)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC | (follow_last ? 0 : O_NOFOLLOW),
		.resolve = RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			say("cannot open the %s %s: not a directory%s", what, path,
			    follow_last ? "" : " (a symbolic link is not followed here)");
		else
			say("cannot open the %s %s: %m", what, path);
		return -1;
	}
	return (int)fd;
}

/* Read a small file of the caller's (as the caller) into @buf. */
static int read_user_file(const char *path, char *buf, size_t size, size_t *len, int must_own)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	ssize_t n;
	size_t got = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (must_own && st.st_uid != caller_uid)) {
		close(fd);
		return -EPERM;
	}
	while (got < size && (n = read(fd, buf + got, size - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (got == size)
		return -EFBIG;
	*len = got;
	return 0;
}

struct mp_job {
	int mounting;
	int force;
	int quiet_busy;		/* -d: open sessions are not an error */
	const char *alias;
	char *home;
	char *src;
	char *dst;
	char sigs[MP_MAX_SIGS][MP_SIG_HEX + 1];
	int nsigs;
};

static int load_paths(struct mp_job *j, int default_alias)
{
	char buf[MP_FILE_MAX], *path = NULL;
	const char *why = "";
	size_t len = 0;
	int rc;

	if (default_alias) {
		if (asprintf(&j->src, "%s/.Private", j->home) < 0)
			return -1;
		if (asprintf(&path, "%s/.ecryptfs/Private.mnt", j->home) < 0)
			return -1;
		rc = read_user_file(path, buf, sizeof(buf), &len, 0);
		if (rc == -ENOENT) {
			free(path);
			return asprintf(&j->dst, "%s/Private", j->home) < 0 ? -1 : 0;
		}
		if (rc == 0)
			rc = mp_parse_mnt(buf, len, &j->dst, &why);
		else
			why = rc == -EPERM ? "not a regular file" : strerror(-rc);
		if (rc)
			say("cannot use %s: %s", path, why);
		free(path);
		return rc ? -1 : 0;
	}
	if (asprintf(&path, "%s/.ecryptfs/%s.conf", j->home, j->alias) < 0)
		return -1;
	rc = read_user_file(path, buf, sizeof(buf), &len, 1);
	if (rc == 0)
		rc = mp_parse_conf(buf, len, &j->src, &j->dst, &why);
	else
		why = rc == -EPERM ? "not a regular file owned by you" : strerror(-rc);
	if (rc)
		say("cannot use %s: %s", path, why);
	free(path);
	return rc ? -1 : 0;
}

static int load_sigs(struct mp_job *j)
{
	char buf[MP_FILE_MAX], *path;
	const char *why = "";
	size_t len = 0;
	int rc, i;

	if (asprintf(&path, "%s/.ecryptfs/%s.sig", j->home, j->alias) < 0)
		return -1;
	rc = read_user_file(path, buf, sizeof(buf), &len, 0);
	if (rc == 0) {
		rc = mp_parse_sigs(buf, len, j->sigs, &why);
		if (rc > 0) {
			j->nsigs = rc;
			rc = 0;
		}
	} else {
		why = rc == -EPERM ? "not a regular file" : strerror(-rc);
	}
	if (rc) {
		if (j->mounting)
			say("cannot use %s: %s", path, why);
		free(path);
		return j->mounting ? -1 : 0;
	}
	free(path);
	if (!j->mounting)
		return 0;
	for (i = 0; i < j->nsigs; i++) {
		if (keyctl_search(KEY_SPEC_USER_KEYRING, "user", j->sigs[i], 0) < 0) {
			say("the key with signature %s is not in your user keyring; "
			    "add it first, e.g. with the interactive ecryptfs-mount-private",
			    j->sigs[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * The counter of open sessions, /run/ecryptfs/UID-ALIAS: created by root
 * in a directory only root may write to, so nobody can plant or swap it.
 * Returns the locked fd or -1.
 */
static int open_counter(const struct mp_job *j)
{
	struct stat st;
	char name[32 + MP_ALIAS_MAX];
	int run = -1, dir = -1, fd = -1;

	snprintf(name, sizeof(name), "%u-%s", (unsigned int)caller_uid, j->alias);
	if (priv_raise())
		return -1;
	run = open("/run", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (run < 0 || fstat(run, &st) != 0 || st.st_uid != 0 || (st.st_mode & 022)) {
		say("/run is missing or not a directory only root can write to");
		goto out;
	}
	if (mkdirat(run, MP_COUNTER_DIR, 0700) != 0 && errno != EEXIST) {
		say("cannot create /run/%s: %m", MP_COUNTER_DIR);
		goto out;
	}
	dir = openat(run, MP_COUNTER_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0 || fstat(dir, &st) != 0 || st.st_uid != 0 || (st.st_mode & 022)) {
		say("refusing /run/%s: it must be a directory owned by root and writable only "
		    "by root (someone else created it; remove it and try again)", MP_COUNTER_DIR);
		goto out;
	}
	fd = openat(dir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    st.st_nlink != 1) {
		say("refusing the session counter /run/%s/%s: not a plain root-owned file",
		    MP_COUNTER_DIR, name);
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
out:
	if (dir >= 0)
		close(dir);
	if (run >= 0)
		close(run);
	priv_drop();
	if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
		say("cannot lock the session counter: %m");
		close(fd);
		fd = -1;
	}
	return fd;
}

static int counter_get(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);

	return n > 0 ? mp_counter_parse(buf, (size_t)n) : 0;
}

static void counter_set(int fd, int v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", v < 0 ? 0 : v);

	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		say("cannot update the session counter: %m");
}

/*
 * If @fd is the root of a mount, that mount's mountinfo line.
 * Returns 1 (filled), 0 (not a mount root), -1 on error.
 */
static int mount_at(int fd, struct mp_mntinfo *mi)
{
	struct statx stx;
	char *buf;
	size_t len = 0;
	ssize_t n;
	int mfd, rc;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) != 0) {
		say("statx: %m");
		return -1;
	}
	if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) || !(stx.stx_mask & STATX_MNT_ID)) {
		say("this kernel does not report mount ids (Linux 5.8 or later is needed)");
		return -1;
	}
	if (!(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return 0;
	mfd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (mfd < 0) {
		say("cannot read /proc/self/mountinfo: %m");
		return -1;
	}
	buf = malloc(1 << 20);
	if (!buf) {
		close(mfd);
		return -1;
	}
	while (len < (1 << 20) && (n = read(mfd, buf + len, (1 << 20) - len)) > 0)
		len += (size_t)n;
	close(mfd);
	rc = mp_mountinfo_by_id(buf, len, (unsigned long)stx.stx_mnt_id, mi);
	free(buf);
	if (rc) {
		say("mount %llu is not in /proc/self/mountinfo", (unsigned long long)stx.stx_mnt_id);
		return -1;
	}
	return 1;
}

/* Print what the kernel logged on the fs_context, then the error itself. */
static void report_fsctx(int fsfd, const char *step, int err)
{
	char msg[512];
	ssize_t n;

	while ((n = read(fsfd, msg, sizeof(msg) - 1)) > 0) {
		msg[n] = '\0';
		if (n > 2 && msg[1] == ' ')
			say("kernel: %s", msg + 2);
	}
	if (err == EPERM)
		say("%s: %s (the kernel refuses a lower directory you do not own)", step,
		    strerror(err));
	else
		say("%s: %s", step, strerror(err));
}

static int set_str(int fsfd, const char *key, const char *val)
{
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, key, val, 0) != 0) {
		report_fsctx(fsfd, key, errno);
		return -1;
	}
	return 0;
}

static int set_flag(int fsfd, const char *key)
{
	if (fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0) != 0) {
		report_fsctx(fsfd, key, errno);
		return -1;
	}
	return 0;
}

/*
 * Is the root of the detached eCryptfs mount @mfd the lower directory
 * @srcfd we checked?  eCryptfs gives its inodes the lower inode's number,
 * and refreshes mode, owner and times from the lower inode on every stat;
 * its statfs is the lower file system's but for f_type and f_namelen.  So
 * equal inode numbers within the same file system id and block/inode
 * totals, with equal ctimes to the nanosecond (which no user can set),
 * mean the same directory.  No lower-inode handle is reachable from user
 * space, so this is the closest comparison available; what a racing user
 * could slip past it is bounded anyway: the kernel resolved the path with
 * the user's own file-system permissions (see ecfs_mount), and
 * ecryptfs_check_dev_ruid made it refuse any lower directory the user
 * does not own.
 */
static int same_lower(int srcfd, int mfd)
{
	struct stat ls, ms;
	struct statfs lf, mf;

	if (fstat(srcfd, &ls) != 0 || fstat(mfd, &ms) != 0 || fstatfs(srcfd, &lf) != 0 ||
	    fstatfs(mfd, &mf) != 0)
		return 0;
	return ls.st_ino == ms.st_ino && ls.st_mode == ms.st_mode && ls.st_uid == ms.st_uid &&
	       ls.st_gid == ms.st_gid && ls.st_ctim.tv_sec == ms.st_ctim.tv_sec &&
	       ls.st_ctim.tv_nsec == ms.st_ctim.tv_nsec &&
	       !memcmp(&lf.f_fsid, &mf.f_fsid, sizeof(lf.f_fsid)) &&
	       lf.f_bsize == mf.f_bsize && lf.f_blocks == mf.f_blocks &&
	       lf.f_files == mf.f_files && (unsigned long)mf.f_type == MP_ECRYPTFS_MAGIC;
}

/*
 * With root privileges raised by the caller: mount @srcfd on @dstfd.
 *
 * The source must be the configured path string itself (~/.Private, or
 * the alias's), as upstream's helper passes it: the kernel shows that
 * string as the mount's source in /proc/mounts, and upstream's
 * umount.ecryptfs_private unmounts only a mount whose source and mount
 * point match its own configuration exactly (and its mount helper treats
 * such a source as already mounted).  A /proc/self/fd/N source would be
 * race-free but leaves a mount no other tool can recognise.
 *
 * eCryptfs, old and new, looks that string up itself at
 * FSCONFIG_CMD_CREATE (kern_path, following symlinks: a whole-home
 * ~/.Private is one), in the calling task's context.  Two things keep
 * this lookup from being turned against us:
 *  - It runs with our file-system uid set to the caller's, so the walk
 *    has the caller's permissions (the mount capability is not affected
 *    by the fsuid): the user can reach no directory through it that they
 *    could not name themselves.
 *  - The mount is created detached (fsmount); before it is attached with
 *    move_mount() its root is compared with the directory we opened and
 *    checked.  A path swapped in between gives a mount that is closed
 *    unattached, so nothing was ever visible.
 */
static int ecfs_mount(const struct mp_job *j, int srcfd, int dstfd)
{
	int fsfd, mfd = -1, rc = -1;

	fsfd = fsopen("ecryptfs", FSOPEN_CLOEXEC);
	if (fsfd < 0) {
		say("fsopen(ecryptfs): %m%s",
		    errno == ENODEV ? " (load the ecryptfs module: modprobe ecryptfs)" : "");
		return -1;
	}
	if (set_str(fsfd, "source", j->src) || set_flag(fsfd, "ecryptfs_check_dev_ruid") ||
	    set_str(fsfd, "ecryptfs_cipher", "aes") ||
	    set_str(fsfd, "ecryptfs_key_bytes", "16") ||
	    set_flag(fsfd, "ecryptfs_unlink_sigs") ||
	    set_str(fsfd, "ecryptfs_sig", j->sigs[0]) ||
	    (j->nsigs > 1 && set_str(fsfd, "ecryptfs_fnek_sig", j->sigs[1])))
		goto out;
	setfsuid(caller_uid);
	if ((uid_t)setfsuid((uid_t)-1) != caller_uid) {
		say("cannot take your file-system uid for the lookup of %s", j->src);
		goto out;
	}
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0) {
		report_fsctx(fsfd, "mount", errno);
		goto out;
	}
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mfd < 0) {
		report_fsctx(fsfd, "fsmount", errno);
		goto out;
	}
	if (!same_lower(srcfd, mfd)) {
		say("%s changed while it was being mounted; nothing was mounted (try again)",
		    j->src);
		goto out;
	}
	if (move_mount(mfd, "", dstfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)) {
		say("attaching the mount on %s: %m", j->dst);
		goto out;
	}
	rc = 0;
out:
	/* Back to root's fsuid; priv_drop() then sets euid and fsuid together. */
	setfsuid(0);
	if (mfd >= 0)
		close(mfd);
	close(fsfd);
	return rc;
}

static int check_mountpoint(const struct mp_job *j, int fd)
{
	struct statfs sfs;
	struct stat st;

	if (fstat(fd, &st) != 0 || fstatfs(fd, &sfs) != 0) {
		say("cannot examine the mount point %s: %m", j->dst);
		return -1;
	}
	if (st.st_uid != caller_uid) {
		say("you do not own the mount point %s (owner uid %u)", j->dst,
		    (unsigned int)st.st_uid);
		return -1;
	}
	if (!mp_fstype_ok((unsigned long)sfs.f_type)) {
		say("refusing to mount over %s: its file system type %#lx is not one users "
		    "keep their files on", j->dst, (unsigned long)sfs.f_type);
		return -1;
	}
	return 0;
}

static int check_source(const struct mp_job *j, int fd)
{
	struct statfs sfs;
	struct stat st;

	if (fstat(fd, &st) != 0 || fstatfs(fd, &sfs) != 0) {
		say("cannot examine the encrypted directory %s: %m", j->src);
		return -1;
	}
	if (st.st_uid != caller_uid) {
		say("you do not own the encrypted directory %s (owner uid %u)", j->src,
		    (unsigned int)st.st_uid);
		return -1;
	}
	if (!mp_fstype_ok((unsigned long)sfs.f_type) ||
	    (unsigned long)sfs.f_type == MP_ECRYPTFS_MAGIC) {
		say("refusing the encrypted directory %s: its file system type %#lx cannot "
		    "hold one", j->src, (unsigned long)sfs.f_type);
		return -1;
	}
	return 0;
}

static int do_mount(const struct mp_job *j, int counter)
{
	struct mp_mntinfo mi = { 0 };
	int dstfd, srcfd = -1, rc = 1, at;

	dstfd = open_dir(j->dst, 0, "mount point");
	if (dstfd < 0)
		return 1;
	if (check_mountpoint(j, dstfd))
		goto out;
	at = mount_at(dstfd, &mi);
	if (at < 0)
		goto out;
	if (at > 0 && strcmp(mi.fstype, "ecryptfs") == 0) {
		if (!mp_opts_have(mi.super_opts, "ecryptfs_sig", j->sigs[0])) {
			say("%s is already an eCryptfs mount with other keys", j->dst);
			goto out;
		}
		/* Already mounted: one more session. */
		counter_set(counter, counter_get(counter) + 1);
		rc = 0;
		goto out;
	}
	srcfd = open_dir(j->src, 1, "encrypted directory");
	if (srcfd < 0 || check_source(j, srcfd))
		goto out;
	if (priv_raise())
		goto out;
	rc = ecfs_mount(j, srcfd, dstfd) ? 1 : 0;
	priv_drop();
	if (rc == 0)
		counter_set(counter, counter_get(counter) + 1);
out:
	mp_mntinfo_free(&mi);
	if (srcfd >= 0)
		close(srcfd);
	close(dstfd);
	return rc;
}

static void unlink_keys(const struct mp_job *j)
{
	int i;

	for (i = 0; i < j->nsigs; i++) {
		long key = keyctl_search(KEY_SPEC_USER_KEYRING, "user", j->sigs[i], 0);

		if (key < 0)
			continue;
		if (keyctl_unlink(key, KEY_SPEC_USER_KEYRING) < 0)
			say("could not remove the key %s from your keyring (%m); "
			    "try ecryptfs-umount-private", j->sigs[i]);
	}
}

static int do_umount(const struct mp_job *j, int counter)
{
	struct mp_mntinfo mi = { 0 };
	struct stat st;
	int fd, at, rc = 1, left;

	left = j->force ? 0 : counter_get(counter) - 1;
	counter_set(counter, left);
	if (left > 0) {
		if (j->quiet_busy)
			return 0;
		say("%d other session(s) still use %s; not unmounting (-f forces it)", left,
		    j->dst);
		return 1;
	}
	/* As upstream: the keys go even if the unmount fails below. */
	unlink_keys(j);
	fd = open_dir(j->dst, 0, "mount point");
	if (fd < 0)
		return 1;
	at = mount_at(fd, &mi);
	if (at <= 0 || strcmp(mi.fstype, "ecryptfs") != 0) {
		if (at >= 0)
			say("%s is not an eCryptfs mount point", j->dst);
		goto out;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != caller_uid) {
		say("you do not own the mounted directory %s", j->dst);
		goto out;
	}
	if (j->nsigs > 0 && !mp_opts_have(mi.super_opts, "ecryptfs_sig", j->sigs[0])) {
		say("the eCryptfs mount on %s was not made with your key %s", j->dst, j->sigs[0]);
		goto out;
	}
	if (priv_raise())
		goto out;
	/* "." is the root of exactly the mount checked above. */
	if (fchdir(fd) != 0)
		say("cannot enter %s: %m", j->dst);
	else if (umount2(".", MNT_DETACH | UMOUNT_NOFOLLOW) != 0)
		say("unmounting %s: %m", j->dst);
	else
		rc = 0;
	if (chdir("/") != 0)
		rc = 1;
	priv_drop();
out:
	mp_mntinfo_free(&mi);
	close(fd);
	return rc;
}

static void usage(FILE *f, int mounting)
{
	if (mounting)
		fprintf(f, "Usage: %s [ALIAS]\n"
			"Mount ~/.Private on the directory named in ~/.ecryptfs/Private.mnt\n"
			"(default ~/Private), or the pair in ~/.ecryptfs/ALIAS.conf, with the\n"
			"keys of ~/.ecryptfs/ALIAS.sig, which must be in your user keyring.\n"
			"  -h, --help   show this help\n", prog);
	else
		fprintf(f, "Usage: %s [-f] [-d] [ALIAS]\n"
			"Unmount your private directory (or ALIAS) when the last session\n"
			"using it ends, and remove its keys from your keyring.\n"
			"  -f           unmount even if other sessions are open\n"
			"  -d           other open sessions are not an error (exit 0)\n"
			"  -h, --help   show this help\n", prog);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mp_job job = { 0 };
	struct passwd *pw;
	const char *why, *base;
	int opt, counter, rc;

	sanitize_fds();
	caller_uid = getuid();
	clearenv();
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	umask(077);
	if (argc < 1 || !argv[0])
		return 1;
	base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	job.mounting = strstr(base, "umount") == NULL;
	prog = job.mounting ? "mount.ecryptfs_private" : "umount.ecryptfs_private";
	if (geteuid() != 0) {
		say("not running with root privileges: the helper must be installed setuid root "
		    "(owner root, mode 4755)");
		return 1;
	}
	priv_drop();

	while ((opt = getopt_long(argc, argv, job.mounting ? "h" : "hfd", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout, job.mounting);
			return 0;
		case 'f':
			job.force = 1;
			break;
		case 'd':
			job.quiet_busy = 1;
			break;
		default:
			usage(stderr, job.mounting);
			return 1;
		}
	}
	if (argc - optind > 1) {
		usage(stderr, job.mounting);
		return 1;
	}
	job.alias = optind < argc ? argv[optind] : MP_DEFAULT_ALIAS;
	why = mp_alias_problem(job.alias);
	if (why) {
		say("invalid alias: %s", why);
		return 1;
	}
	pw = getpwuid(caller_uid);
	if (!pw || !pw->pw_dir || pw->pw_dir[0] != '/') {
		say("uid %u has no passwd entry with an absolute home directory",
		    (unsigned int)caller_uid);
		return 1;
	}
	if (!mp_username_ok(pw->pw_name)) {
		say("the user name has characters outside [A-Za-z0-9_.@-]");
		return 1;
	}
	job.home = strdup(pw->pw_dir);
	if (!job.home)
		return 1;
	if (load_paths(&job, optind >= argc) || load_sigs(&job))
		return 1;
	counter = open_counter(&job);
	if (counter < 0)
		return 1;
	rc = job.mounting ? do_mount(&job, counter) : do_umount(&job, counter);
	close(counter);
	return rc;
}
