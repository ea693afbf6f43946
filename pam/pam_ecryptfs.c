// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pam_ecryptfs.so: unlock and mount the encrypted ~/Private (or home) of
 * ecryptfs-setup-private at login, with upstream's hooks and option:
 *
 *   auth     [unwrap]  take the login password (PAM_AUTHTOK, or a prompt if
 *                      ~/.ecryptfs/wrapping-independent exists) and put the
 *                      keys in the user's keyring: unwrapped from
 *                      ~/.ecryptfs/wrapped-passphrase with "unwrap", else
 *                      derived from the password itself (upstream's rule)
 *   session            open: mount.ecryptfs_private if ~/.ecryptfs/auto-mount;
 *                      close: umount.ecryptfs_private -d if auto-umount
 *                      (the helper unmounts when the last session ends)
 *   password           re-wrap wrapped-passphrase with the new password
 *
 * Everything touching the user's files or keyring runs in a child process
 * that has become the user entirely (groups, gid, uid): root never reads
 * or writes a user's home, the salt comes from the user's own ~/.ecryptfsrc,
 * and the keys land in the user's keyring. A child always ends in _exit()
 * (or exec), so it never returns into the PAM stack. The only state the
 * parent learns is the child's exit status.
 *
 * Unlike upstream, when root changes a user's password (no old password
 * known), the module asks root for the user's old login passphrase or the
 * mount passphrase and re-wraps with it; without one it says clearly that
 * the file stays wrapped with the old password. The new file is written
 * to a temporary name, checked, fsync'd and renamed over the old one, so a
 * failure never loses it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#define PAM_SM_AUTH
#define PAM_SM_SESSION
#define PAM_SM_PASSWORD
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>

#include "ecfs_kdf.h"
#include "ecfs_wrap.h"
#include "et_cli.h"
#include "et_derive.h"
#include "et_keyring.h"

#define PE_ECRYPTFS_MAGIC	0xf15fUL
#define PE_DATA_OLDPASS		"pam_ecryptfs_root_oldpass"

/* Exit codes of the children (the parent's only input from them). */
enum {
	PE_OK = 0,
	PE_FAIL = 1,
	PE_NOTHING = 2,		/* not set up for this hook: nothing to do */
	PE_BADPASS = 3,		/* the passphrase does not unwrap the file */
};

/* Bits reported by the probe child. */
#define PE_HAS_SIG		0x01
#define PE_HAS_AUTOMOUNT	0x02
#define PE_HAS_AUTOUMOUNT	0x04
#define PE_WRAP_INDEPENDENT	0x08
#define PE_MOUNTED		0x10
#define PE_HAS_WRAPPED		0x20

struct pe_user {
	uid_t uid;
	gid_t gid;
	char name[256];
	char home[4000];
};

static int pe_lookup(pam_handle_t *pamh, struct pe_user *u)
{
	const char *name = NULL;
	struct passwd *pw;

	if (pam_get_user(pamh, &name, NULL) != PAM_SUCCESS || !name)
		return -1;
	pw = pam_modutil_getpwnam(pamh, name);
	if (!pw || !pw->pw_dir || pw->pw_dir[0] != '/') {
		pam_syslog(pamh, LOG_ERR, "no passwd entry with a home directory for %s", name);
		return -1;
	}
	if (strlen(pw->pw_name) >= sizeof(u->name) || strlen(pw->pw_dir) >= sizeof(u->home))
		return -1;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	strcpy(u->name, pw->pw_name);
	strcpy(u->home, pw->pw_dir);
	return 0;
}

/* In a child: become the user for good, or die. */
static void pe_become(const struct pe_user *u)
{
	if (initgroups(u->name, u->gid) != 0 && setgroups(1, &u->gid) != 0)
		_exit(PE_FAIL);
	if (setresgid(u->gid, u->gid, u->gid) != 0 || setresuid(u->uid, u->uid, u->uid) != 0)
		_exit(PE_FAIL);
	if (getuid() != u->uid || geteuid() != u->uid)
		_exit(PE_FAIL);
}

/* Wait for a child, whatever the application's SIGCHLD handler does. */
static int pe_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return PE_FAIL;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : PE_FAIL;
}

static int pe_exists(const struct pe_user *u, const char *name)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/.ecryptfs/%s", u->home, name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* First line of ~/.ecryptfs/Private.mnt, or ~/Private. */
static void pe_private_mnt(const struct pe_user *u, char *out, size_t size)
{
	char path[4200];
	FILE *f;

	snprintf(out, size, "%s/Private", u->home);
	snprintf(path, sizeof(path), "%s/.ecryptfs/Private.mnt", u->home);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(out, (int)size, f))
		out[strcspn(out, "\r\n")] = '\0';
	else
		snprintf(out, size, "%s/Private", u->home);
	fclose(f);
}

/* As the user: what is set up? Returns the PE_* bits (as exit status). */
static int pe_probe(pam_handle_t *pamh, const struct pe_user *u)
{
	pid_t pid = fork();

	if (pid < 0) {
		pam_syslog(pamh, LOG_ERR, "fork: %m");
		return -1;
	}
	if (pid == 0) {
		char mnt[4200];
		struct statfs sfs;
		int bits = 0;

		pe_become(u);
		if (pe_exists(u, "Private.sig"))
			bits |= PE_HAS_SIG;
		if (pe_exists(u, "auto-mount"))
			bits |= PE_HAS_AUTOMOUNT;
		if (pe_exists(u, "auto-umount"))
			bits |= PE_HAS_AUTOUMOUNT;
		if (pe_exists(u, "wrapping-independent"))
			bits |= PE_WRAP_INDEPENDENT;
		if (pe_exists(u, "wrapped-passphrase"))
			bits |= PE_HAS_WRAPPED;
		pe_private_mnt(u, mnt, sizeof(mnt));
		if (statfs(mnt, &sfs) == 0 && (unsigned long)sfs.f_type == PE_ECRYPTFS_MAGIC)
			bits |= PE_MOUNTED;
		_exit(bits);
	}
	return pe_wait(pid);
}

static void pe_wrapped_path(const struct pe_user *u, char *out, size_t size)
{
	snprintf(out, size, "%s/.ecryptfs/wrapped-passphrase", u->home);
}

/* Add the keys of mount passphrase @pw (salt from the user's ~/.ecryptfsrc). */
static int pe_add_keys(const char *pw, size_t len, int with_fnek)
{
	struct et_derived fekek, fnek;
	uint8_t salt[ECFS_SALT_SIZE];
	int rc;

	memset(&fekek, 0, sizeof(fekek));
	memset(&fnek, 0, sizeof(fnek));
	et_cli_rc_salt(salt);
	rc = et_derive(pw, len, salt, 0, &fekek);
	if (!rc && with_fnek)
		rc = et_derive(pw, len, NULL, 1, &fnek);
	/* As upstream: the FNEK first, then the FEKEK. */
	if (!rc && with_fnek)
		rc = et_derived_add(&fnek);
	if (rc >= 0)
		rc = et_derived_add(&fekek);
	et_derived_wipe(&fekek);
	et_derived_wipe(&fnek);
	return rc < 0 ? rc : 0;
}

/*
 * Write a v2 file wrapping @pass with @wpass next to @path, check that it
 * unwraps, fsync it and rename it over @path: the old file stays until the
 * new one is known good.
 */
static int pe_rewrap_file(const char *path, const char *pass, size_t plen, const char *wpass,
			  size_t wlen)
{
	uint8_t img[ECFS_WRAP_MAX_FILE], salt[ECFS_SALT_SIZE];
	char check[ECFS_WRAP_PASS_BUF], tmp[4300], dir[4300], *slash;
	size_t img_len = 0, clen = 0;
	int fd = -1, dfd, rc;

	if (getentropy(salt, sizeof(salt)) != 0)
		return -errno;
	rc = ecfs_wrap_encode(pass, plen, wpass, wlen, salt, img, sizeof(img), &img_len);
	if (rc)
		return rc;
	rc = ecfs_wrap_decode(img, img_len, wpass, wlen, NULL, check, &clen, NULL);
	if (rc || clen != plen || memcmp(check, pass, plen) != 0) {
		rc = rc ? rc : -EIO;
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || write(fd, img, img_len) != (ssize_t)img_len ||
	    fsync(fd) != 0 || close(fd) != 0) {
		rc = -errno;
		fd = -1;
		unlink(tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		rc = -errno;
		unlink(tmp);
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	explicit_bzero(img, sizeof(img));
	explicit_bzero(check, sizeof(check));
	return rc;
}

static int pe_has_opt(int argc, const char **argv, const char *opt)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], opt) == 0)
			return 1;
	return 0;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *pass = NULL;
	char *prompted = NULL;
	struct pe_user u;
	int unwrap = pe_has_opt(argc, argv, "unwrap");
	int bits, rc;
	pid_t pid;

	if (pe_lookup(pamh, &u))
		return PAM_SUCCESS;
	bits = pe_probe(pamh, &u);
	if (bits < 0 || !(bits & PE_HAS_AUTOMOUNT) || (bits & PE_MOUNTED))
		return PAM_SUCCESS;
	if (bits & PE_WRAP_INDEPENDENT) {
		if (pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &prompted, "Encryption passphrase: ") !=
		    PAM_SUCCESS)
			return PAM_SUCCESS;
		pass = prompted;
	} else if (pam_get_item(pamh, PAM_AUTHTOK, (const void **)&pass) != PAM_SUCCESS) {
		pass = NULL;
	}
	if (!pass || !*pass) {
		pam_syslog(pamh, LOG_WARNING, "no passphrase for %s's encrypted directory", u.name);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		pam_syslog(pamh, LOG_ERR, "fork: %m");
		goto out;
	}
	if (pid == 0) {
		char wrapped[4200], mp[ECFS_WRAP_PASS_BUF];
		uint8_t salt[ECFS_SALT_SIZE];
		size_t mlen = 0;
		int version = 0;

		pe_become(&u);
		(void)et_keyring_link_user();
		if (!unwrap) {
			/* Upstream: the login password is the mount passphrase. */
			_exit(pe_add_keys(pass, strlen(pass), 0) ? PE_FAIL : PE_OK);
		}
		pe_wrapped_path(&u, wrapped, sizeof(wrapped));
		et_cli_rc_salt(salt);
		rc = ecfs_wrap_read_file(wrapped, pass, strlen(pass), salt, mp, &mlen, &version);
		if (rc)
			_exit(rc == -EKEYREJECTED ? PE_BADPASS : PE_FAIL);
		/* A v1 file (salt outside the file) becomes v2, as upstream does. */
		if (version == 1)
			(void)pe_rewrap_file(wrapped, mp, mlen, pass, strlen(pass));
		rc = pe_add_keys(mp, mlen, 1);
		explicit_bzero(mp, sizeof(mp));
		_exit(rc ? PE_FAIL : PE_OK);
	}
	rc = pe_wait(pid);
	if (rc == PE_BADPASS)
		pam_syslog(pamh, LOG_WARNING,
			   "the passphrase does not unwrap %s's wrapped-passphrase", u.name);
	else if (rc != PE_OK)
		pam_syslog(pamh, LOG_ERR, "could not add %s's eCryptfs keys", u.name);
out:
	if (prompted) {
		explicit_bzero(prompted, strlen(prompted));
		free(prompted);
	}
	/* As upstream: authentication itself never fails here. */
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}

/* Run the setuid helper as the user, with an empty environment. */
static int pe_run_helper(pam_handle_t *pamh, const struct pe_user *u, int mount)
{
	pid_t pid = fork();

	if (pid < 0) {
		pam_syslog(pamh, LOG_ERR, "fork: %m");
		return PE_FAIL;
	}
	if (pid == 0) {
		static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

		pe_become(u);
		if (mount)
			execle(SBINDIR "/mount.ecryptfs_private", "mount.ecryptfs_private",
			       (char *)NULL, envp);
		else
			execle(SBINDIR "/umount.ecryptfs_private", "umount.ecryptfs_private",
			       "-d", (char *)NULL, envp);
		_exit(127);
	}
	return pe_wait(pid);
}

static int pe_session(pam_handle_t *pamh, int mount)
{
	struct pe_user u;
	int bits, rc;

	if (pe_lookup(pamh, &u))
		return PAM_SUCCESS;
	bits = pe_probe(pamh, &u);
	if (bits < 0 || !(bits & PE_HAS_SIG))
		return PAM_SUCCESS;
	if (!(bits & (mount ? PE_HAS_AUTOMOUNT : PE_HAS_AUTOUMOUNT)))
		return PAM_SUCCESS;
	rc = pe_run_helper(pamh, &u, mount);
	if (rc != 0)
		pam_syslog(pamh, LOG_ERR, "%s.ecryptfs_private for %s failed (status %d)",
			   mount ? "mount" : "umount", u.name, rc);
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return pe_session(pamh, 1);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return pe_session(pamh, 0);
}

static void pe_free_secret(pam_handle_t *pamh, void *data, int status)
{
	if (data) {
		explicit_bzero(data, strlen(data));
		free(data);
	}
}

/*
 * As the user: unwrap with @old (the old wrapping passphrase, or failing
 * that, if @may_be_mount, @old taken as the mount passphrase itself, checked
 * against Private.sig), then re-wrap with @new.
 */
static int pe_rewrap_child(const struct pe_user *u, const char *old, const char *new,
			   int may_be_mount)
{
	char wrapped[4200], mp[ECFS_WRAP_PASS_BUF];
	uint8_t salt[ECFS_SALT_SIZE];
	size_t mlen = 0;
	int rc;

	pe_become(u);
	pe_wrapped_path(u, wrapped, sizeof(wrapped));
	et_cli_rc_salt(salt);
	rc = ecfs_wrap_read_file(wrapped, old, strlen(old), salt, mp, &mlen, NULL);
	if (rc == -EKEYREJECTED && may_be_mount && strlen(old) <= ECFS_MAX_PASSPHRASE_BYTES) {
		struct et_derived d;
		char sigpath[4200], line[64] = "";
		FILE *f;

		snprintf(sigpath, sizeof(sigpath), "%s/.ecryptfs/Private.sig", u->home);
		f = fopen(sigpath, "re");
		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = '\0';
			fclose(f);
		}
		line[strcspn(line, " \t\r\n")] = '\0';
		memset(&d, 0, sizeof(d));
		if (line[0] && et_derive(old, strlen(old), salt, 0, &d) == 0 &&
		    strcasecmp(d.sig, line) == 0) {
			mlen = strlen(old);
			memcpy(mp, old, mlen + 1);
			rc = 0;
		}
		et_derived_wipe(&d);
	}
	if (rc)
		_exit(rc == -EKEYREJECTED ? PE_BADPASS : PE_FAIL);
	rc = pe_rewrap_file(wrapped, mp, mlen, new, strlen(new));
	explicit_bzero(mp, sizeof(mp));
	_exit(rc ? PE_FAIL : PE_OK);
}

PAM_EXTERN int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *old = NULL, *new = NULL;
	const void *saved = NULL;
	struct pe_user u;
	int bits, rc, by_root;
	pid_t pid;

	if (pe_lookup(pamh, &u))
		return PAM_SUCCESS;
	bits = pe_probe(pamh, &u);
	if (bits < 0 || !(bits & PE_HAS_WRAPPED) || (bits & PE_WRAP_INDEPENDENT))
		return PAM_SUCCESS;	/* nothing wrapped with the login password */
	(void)pam_get_item(pamh, PAM_OLDAUTHTOK, (const void **)&old);
	by_root = getuid() == 0 && u.uid != 0;

	if (flags & PAM_PRELIM_CHECK) {
		char *resp = NULL;

		if (old || !by_root)
			return PAM_SUCCESS;
		/* Root is changing the password: the old one is unknown. */
		if (pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &resp,
			       "%s's old login passphrase or mount passphrase, to re-wrap the "
			       "encrypted directory's key (empty: leave it): ", u.name) != PAM_SUCCESS)
			resp = NULL;
		if (resp && *resp) {
			if (pam_set_data(pamh, PE_DATA_OLDPASS, resp, pe_free_secret) != PAM_SUCCESS)
				pe_free_secret(pamh, resp, 0);
		} else {
			free(resp);
			pam_info(pamh, "%s's ~/.ecryptfs/wrapped-passphrase stays wrapped with the old "
				 "password; %s must run ecryptfs-rewrap-passphrase", u.name, u.name);
		}
		return PAM_SUCCESS;
	}
	if (pam_get_item(pamh, PAM_AUTHTOK, (const void **)&new) != PAM_SUCCESS || !new || !*new)
		return PAM_SUCCESS;
	if (!old && pam_get_data(pamh, PE_DATA_OLDPASS, &saved) == PAM_SUCCESS)
		old = saved;
	if (!old || !*old) {
		if (!by_root)
			pam_error(pamh, "pam_ecryptfs: no old password: %s's wrapped-passphrase was "
				  "not re-wrapped; run ecryptfs-rewrap-passphrase", u.name);
		return PAM_AUTHTOK_RECOVERY_ERR;
	}
	pid = fork();
	if (pid < 0) {
		pam_syslog(pamh, LOG_ERR, "fork: %m");
		return PAM_AUTHTOK_ERR;
	}
	if (pid == 0)
		pe_rewrap_child(&u, old, new, saved != NULL);
	rc = pe_wait(pid);
	if (rc == PE_OK) {
		pam_syslog(pamh, LOG_INFO, "re-wrapped %s's wrapped-passphrase", u.name);
		return PAM_SUCCESS;
	}
	pam_error(pamh, "pam_ecryptfs: %s: ~/.ecryptfs/wrapped-passphrase was NOT re-wrapped (it is "
		  "unchanged, still wrapped with the old password); run ecryptfs-rewrap-passphrase",
		  rc == PE_BADPASS ? "the old passphrase does not unwrap it" : "re-wrapping failed");
	pam_syslog(pamh, LOG_ERR, "could not re-wrap %s's wrapped-passphrase (%d)", u.name, rc);
	return PAM_AUTHTOK_ERR;
}
