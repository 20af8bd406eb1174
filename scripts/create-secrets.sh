#!/bin/sh
# Creates the secrets fafang.service loads as credentials (LoadCredential=), each one that is
# absent: 32 random bytes as 64 hex digits (safe in a URL: the admin token travels in Kannel's
# dlr-url), mode 0600 in a folder of mode 0700, owned by whoever runs this (root: systemd reads
# them before dropping to the fafang user). An existing secret is never changed.
# Run by the .deb's postinst (as /usr/libexec/fafang/create-secrets) and by `make install`.
# Usage: create-secrets.sh [DIR]   (default /etc/fafang/secrets)
set -eu
dir=${1:-/etc/fafang/secrets}
umask 077
mkdir -p "$dir"
chmod 0700 "$dir"
for name in kannel-password admin-token; do
    [ -e "$dir/$name" ] && continue
    od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$dir/$name.new"
    echo >> "$dir/$name.new"
    chmod 0600 "$dir/$name.new"
    mv "$dir/$name.new" "$dir/$name"
    echo "fafang: created $dir/$name (random; see README \"Running as a service\")"
done
