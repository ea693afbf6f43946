#!/bin/bash
# The bash completions offer what the programs accept: runs each completion
# function on command lines as bash would and checks the candidates.
# Skipped (77) without the bash-completion package.
set -u
src=${TOP_SRCDIR:-.}
bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || { echo "bash-completion is not installed"; exit 77; }
# shellcheck disable=SC1090
. "$bc"
# The key-module list comes from the built ecryptfs-manager.
PATH=$(pwd):$PATH
ECFS_KEYMOD_DIR=$(pwd)/keymods/.libs
export ECFS_KEYMOD_DIR
for f in mount.ecryptfs umount.ecryptfs ecryptfsd ecryptfs-decrypt ecryptfs-generate-key \
	ecryptfs-generate-tpm-key; do
	# shellcheck disable=SC1090
	. "$src/completion/$f" || { echo "cannot source completion/$f"; exit 1; }
done
fails=0 n=0

# comp LINE: complete at the end of LINE (words split on blanks only, as
# bash-completion's _get_comp_words_by_ref reassembles them).
comp() {
	local line=$1 cmd fn
	read -r -a COMP_WORDS <<< "$line"
	[[ $line == *' ' ]] && COMP_WORDS+=('')
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	cmd=${COMP_WORDS[0]}
	fn=$(complete -p "$cmd" 2>/dev/null | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
	[ -n "$fn" ] || { echo "no completion registered for $cmd"; return 1; }
	"$fn" "$cmd" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

# expect LINE WORD...: each WORD is among the candidates.
expect() {
	local line=$1 got w
	shift
	n=$((n + 1))
	got=$(comp "$line")
	for w in "$@"; do
		if ! grep -qxF -- "$w" <<< "$got"; then
			echo "FAIL: '$line' should offer '$w'; got: $(tr '\n' ' ' <<< "$got")"
			fails=$((fails + 1))
			return
		fi
	done
}
# expect_only LINE WORD...: exactly these candidates.
expect_only() {
	local line=$1 got want
	shift
	n=$((n + 1))
	got=$(comp "$line" | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || { echo "FAIL: '$line' should offer '$want'; got '$got'"; fails=$((fails + 1)); }
}

expect 'mount.ecryptfs -o ' key= ecryptfs_cipher= ecryptfs_unlink_sigs, passphrase_passwd_file=
expect_only 'mount.ecryptfs -o ecryptfs_ci' ecryptfs_cipher=
expect_only 'mount.ecryptfs -o ecryptfs_cipher=a' ecryptfs_cipher=aes,
expect_only 'mount.ecryptfs -o key=passphrase:passphrase_passwd_file=/x,ecryptfs_passthrough=' \
	'key=passphrase:passphrase_passwd_file=/x,ecryptfs_passthrough=y,' \
	'key=passphrase:passphrase_passwd_file=/x,ecryptfs_passthrough=n,'
expect 'mount.ecryptfs -o key=' key=passphrase: key=openssl:
expect_only 'mount.ecryptfs -o key=openssl:key' key=openssl:keyfile=
expect 'mount.ecryptfs -o ecryptfs_key_bytes=' ecryptfs_key_bytes=16, ecryptfs_key_bytes=32,
expect_only 'mount.ecryptfs -o no_s' no_sig_cache,
expect 'mount.ecryptfs -' -o -f -v
expect 'ecryptfsd -' -f --foreground -p --pidfile -j --workers -V
expect_only 'ecryptfsd --work' --workers
expect 'ecryptfs-decrypt --' --passphrase-file --wrapped-passphrase --login-passphrase-file --fnek --jobs --salt
expect_only 'ecryptfs-decrypt --sa' --salt
expect_only 'ecryptfs-manager ' add-passphrase add-key generate list
expect_only 'ecryptfs-manager add-key ' openssl
expect_only 'ecryptfs-manager generate openssl --b' --bits
expect_only 'ecryptfs-manager add-passphrase ' --fnek -
expect 'ecryptfs-generate-key ' openssl --list
expect_only 'ecryptfs-generate-key openssl --bits 30' 3072
expect_only 'umount.ecryptfs -' -f -l -n -r -v
expect_only 'ecryptfs-generate-tpm-key --' --pcr --quiet --list --help
expect_only 'ecryptfs-generate-tpm-key -p 2' 2 20 21 22 23

# Every option the helper's parser knows is offered (tools/lib/et_opts.c).
opts=$(comp 'mount.ecryptfs -o ' | tr -d '=,')
for o in key passphrase_passwd_file passphrase_passwd_fd passphrase_salt ecryptfs_sig \
	ecryptfs_cipher ecryptfs_key_bytes ecryptfs_passthrough ecryptfs_xattr_metadata \
	ecryptfs_encrypted_view ecryptfs_enable_filename_crypto ecryptfs_fnek_sig \
	ecryptfs_fn_cipher ecryptfs_fn_key_bytes ecryptfs_unlink_sigs \
	ecryptfs_mount_auth_tok_only ecryptfs_check_dev_ruid no_sig_cache; do
	n=$((n + 1))
	grep -qx "$o" <<< "$opts" || { echo "FAIL: -o does not offer $o"; fails=$((fails + 1)); }
done

echo "$n completion checks, $fails failed"
[ $fails -eq 0 ]
