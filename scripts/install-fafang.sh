#!/bin/sh
# Installs the release build of fafang and what it needs, under DESTDIR: the steps the .deb
# (debian/rules, into debian/fafang) and `make install` (into /) share.
#   PREFIX/bin/fafang                      the binary (BINARY, default .build/release/fafang)
#   PREFIX/share/fafang/templates/         the message templates
#   PREFIX/share/doc/fafang/README.md
#   PREFIX/libexec/fafang/create-secrets   scripts/create-secrets.sh (the .deb's postinst runs it)
#   UNITDIR/fafang.service                 systemd/fafang.service, /usr/local replaced by PREFIX
#   UNITDIR/fafang-backup.{service,timer}  the daily backup (likewise)
#   TMPFILESDIR/fafang.conf                systemd/fafang.tmpfiles: /var/backups/fafang
#   SYSUSERSDIR/fafang.conf                systemd/fafang.sysusers (skipped when SYSUSERSDIR is empty)
#   /etc/fafang/                           Config/ without its demo secrets, unless fafang.toml is
#                                          already there: state in /var/lib/fafang, templates from
#                                          PREFIX, the secrets as systemd credentials
# Secrets are not installed: scripts/create-secrets.sh makes them on the machine itself.
set -eu
cd "$(dirname "$0")/.."
: "${DESTDIR:=}" "${PREFIX:=/usr/local}" "${UNITDIR:=/etc/systemd/system}" "${TMPFILESDIR:=/etc/tmpfiles.d}"
SYSUSERSDIR=${SYSUSERSDIR-/etc/sysusers.d}
BINARY=${BINARY:-.build/release/fafang}

install -D -m 0755 "$BINARY" "$DESTDIR$PREFIX/bin/fafang"
install -d "$DESTDIR$PREFIX/share/fafang/templates" "$DESTDIR$PREFIX/share/doc/fafang"
install -m 0644 Templates/*.mustache "$DESTDIR$PREFIX/share/fafang/templates/"
install -m 0644 README.md "$DESTDIR$PREFIX/share/doc/fafang/README.md"
install -D -m 0755 scripts/create-secrets.sh "$DESTDIR$PREFIX/libexec/fafang/create-secrets"
for unit in fafang.service fafang-backup.service fafang-backup.timer; do
    sed "s#/usr/local#$PREFIX#g" "systemd/$unit" | install -D -m 0644 /dev/stdin "$DESTDIR$UNITDIR/$unit"
done
install -D -m 0644 systemd/fafang.tmpfiles "$DESTDIR$TMPFILESDIR/fafang.conf"
if [ -n "$SYSUSERSDIR" ]; then
    install -D -m 0644 systemd/fafang.sysusers "$DESTDIR$SYSUSERSDIR/fafang.conf"
fi

config=$DESTDIR/etc/fafang
if [ -e "$config/fafang.toml" ]; then
    echo "install-fafang: $config exists: configuration left as it is"
    exit 0
fi
install -d -m 0755 "$config"
for entry in Config/*; do
    [ "$entry" = Config/secrets ] || cp -R "$entry" "$config/"
done
sed -i -e 's#^state_directory = .*#state_directory = "/var/lib/fafang"#' \
       -e 's|^backup_directory = .*|backup_directory = "/var/backups/fafang"  # fafang backup --keep N and fafang-backup.timer|' \
       -e "s#^templates_directory = .*#templates_directory = \"$PREFIX/share/fafang/templates\"#" \
       -e 's|^password_file = "secrets/kannel-password".*|password_credential = "kannel-password"  # LoadCredential in fafang.service|' \
       -e 's|^token_file = "secrets/admin-token".*|token_credential = "admin-token"  # LoadCredential in fafang.service|' \
       -e 's|^receipt_token_file = "secrets/admin-token".*|receipt_token_credential = "admin-token"|' \
       "$config/fafang.toml"
