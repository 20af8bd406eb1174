#!/usr/bin/env bash
# Checks the .deb that `make deb` built, on this machine, as root, with or without a running
# systemd (a container has none): lintian; what the packages hold (a stripped binary, its DWARF
# in fafang-dbgsym, conffiles, no secrets, computed Depends); then dpkg -i and `fafang check`,
# the installed unit through systemd/check-unit.sh, a reinstall and an upgrade (a repacked
# package of a higher version whose fafang.toml changed too) that keep an edited
# /etc/fafang/fafang.toml, and a purge that leaves nothing: state, secrets, user. Whatever
# happens, the packages are purged at the end. Refuses to run where Fafang is already installed.
# Usage: scripts/check-deb.sh [DEB_DIR]   (default .build/deb, as `make deb`)
set -euo pipefail
cd "$(dirname "$0")/.."
deb_dir=${1:-.build/deb}
version=$(dpkg-parsechangelog -SVersion)
arch=$(dpkg --print-architecture)
deb=$deb_dir/fafang_${version}_${arch}.deb
dbgsym=$deb_dir/fafang-dbgsym_${version}_${arch}.deb
changes=$deb_dir/fafang_${version}_${arch}.changes

say() { echo "check-deb: $*"; }
fail() { echo "check-deb: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (dpkg -i)"
for file in "$deb" "$dbgsym" "$changes"; do
    [ -f "$file" ] || fail "no $file: run make deb first"
done
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -qv 'not-installed'; }
if installed fafang || installed fafang-dbgsym; then
    fail "fafang is installed here already; not touching it"
fi
for path in /etc/fafang /var/lib/fafang /var/backups/fafang /usr/bin/fafang; do
    [ ! -e "$path" ] || fail "$path exists (make install?); not touching it"
done
! getent passwd fafang >/dev/null || fail "a user fafang exists already; not touching it"

work=$(mktemp -d)
cleanup() {
    status=$?
    if installed fafang || installed fafang-dbgsym; then
        DEBIAN_FRONTEND=noninteractive dpkg --purge fafang-dbgsym fafang >/dev/null 2>&1 ||
            echo "check-deb: the purge at exit failed: see dpkg -l 'fafang*'" >&2
    fi
    rm -rf "$work"
    [ "$status" = 0 ] || echo "check-deb: failed (status $status); packages purged" >&2
}
trap cleanup EXIT
dpkg_i() { DEBIAN_FRONTEND=noninteractive dpkg --force-confdef --force-confold -i "$@"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- the packages as built
say "lintian $changes"
lintian --fail-on error,warning --display-info "$changes" | tee "$work/lintian.txt"
say "lintian: no errors or warnings ($(grep -c '^I:' "$work/lintian.txt" || true) info tags, listed above)"
dpkg-deb -c "$deb" > "$work/contents"
if grep -q 'secrets/' "$work/contents"; then fail "the package ships secrets"; fi
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles > "$work/conffiles"
grep -qx /etc/fafang/fafang.toml "$work/conffiles" || fail "/etc/fafang/fafang.toml is not a conffile"
say "$(wc -l < "$work/conffiles") conffiles, all under /etc/fafang: $(grep -cv '^/etc/fafang/' "$work/conffiles" || true) elsewhere"
depends=$(dpkg-deb -f "$deb" Depends)
for library in libc6 libcurl4 libsqlite3-0; do
    [[ "$depends" == *"$library"* ]] || fail "Depends lacks $library (shlibs): $depends"
done
say "Depends: $depends"
dpkg-deb -c "$dbgsym" > "$work/dbgsym-contents"
grep -q '/usr/lib/debug/.build-id/.*\.debug' "$work/dbgsym-contents" || fail "fafang-dbgsym holds no .debug file"
say "sizes: $(stat -c '%n %s bytes' "$deb" "$dbgsym" | tr '\n' ' ')"

# --- install
say "dpkg -i"
dpkg_i "$deb" "$dbgsym"
[ "$(fafang --version)" = "$version" ] || fail "fafang --version says $(fafang --version), the package $version"
has_dwarf() { readelf -S "$1" > "$work/sections" 2> "$work/readelf.err" && grep -q '\.debug_info' "$work/sections"; }
! has_dwarf /usr/bin/fafang || fail "/usr/bin/fafang is not stripped"
debug_file=$(dpkg -L fafang-dbgsym | grep '\.debug$' | head -n 1)
has_dwarf "$debug_file" || fail "$debug_file has no DWARF (.debug_info)"
getent passwd fafang >/dev/null || fail "no fafang user after install (sysusers.d)"
for name in kannel-password admin-token; do
    secret=/etc/fafang/secrets/$name
    [ "$(stat -c '%a %U' "$secret")" = "600 root" ] || fail "$secret: $(stat -c '%a %U' "$secret"), want 600 root"
    grep -Eqx '[0-9a-f]{64}' "$secret" || fail "$secret does not hold 64 random hex digits"
done
[ "$(stat -c '%a' /etc/fafang/secrets)" = 700 ] || fail "/etc/fafang/secrets is not mode 0700"
[ "$(cat /etc/fafang/secrets/admin-token)" != "$(cat /etc/fafang/secrets/kannel-password)" ] || fail "two secrets alike"
fafang check --config /etc/fafang
unit=$(dpkg -L fafang | grep '/systemd/system/fafang.service$')
[ -L /etc/systemd/system/multi-user.target.wants/fafang.service ] || fail "fafang.service is not enabled"
[ ! -e /etc/fafang/configured ] || fail "/etc/fafang/configured exists: the operator makes it"
systemd/check-unit.sh /usr/bin/fafang "$unit"
backup_unit=$(dpkg -L fafang | grep '/systemd/system/fafang-backup.service$')
systemd/check-unit.sh /usr/bin/fafang "$backup_unit"
systemd-analyze verify "${backup_unit%.service}.timer"
[ -L /etc/systemd/system/timers.target.wants/fafang-backup.timer ] || fail "fafang-backup.timer is not enabled"
[ "$(stat -c '%a %U' /var/backups/fafang)" = "700 fafang" ] || fail "/var/backups/fafang: $(stat -c '%a %U' /var/backups/fafang), want 700 fafang (tmpfiles.d)"
# fafang-dbgsym depends on this very version: out of the way of the upgrade below.
dpkg --purge fafang-dbgsym
admin_token=$(sha /etc/fafang/secrets/admin-token)

# --- the operator edits a conffile; a reinstall keeps it
sed -i 's/^hotline = .*/hotline = "0315-7654321"  # edited by check-deb/' /etc/fafang/fafang.toml
edited=$(sha /etc/fafang/fafang.toml)
say "dpkg -i again (same version)"
dpkg_i "$deb"
[ "$(sha /etc/fafang/fafang.toml)" = "$edited" ] || fail "a reinstall lost the edit of /etc/fafang/fafang.toml"

# --- an upgrade: the same package repacked as a higher version, with fafang.toml changed as well
# (dpkg's conffile question, answered "keep mine" by --force-confold) and operators.toml changed
# (not edited here: dpkg installs the new one)
next=$version+check1
dpkg --compare-versions "$next" gt "$version" || fail "$next does not sort after $version"
dpkg-deb -R "$deb" "$work/next"
sed -i "s/^Version: .*/Version: $next/" "$work/next/DEBIAN/control"
echo "# changed in $next" >> "$work/next/etc/fafang/fafang.toml"
echo "# changed in $next" >> "$work/next/etc/fafang/operators.toml"
(cd "$work/next" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
dpkg-deb --root-owner-group -Zxz -b "$work/next" "$work/fafang_${next}_$arch.deb" >/dev/null
say "dpkg -i $next (upgrade from $version)"
dpkg_i "$work/fafang_${next}_$arch.deb"
[ "$(dpkg-query -W -f='${Version}' fafang)" = "$next" ] || fail "not upgraded to $next"
[ "$(sha /etc/fafang/fafang.toml)" = "$edited" ] || fail "the upgrade lost the edit of /etc/fafang/fafang.toml"
[ -f /etc/fafang/fafang.toml.dpkg-dist ] || fail "no fafang.toml.dpkg-dist: dpkg did not see a conffile conflict"
grep -qx "# changed in $next" /etc/fafang/operators.toml || fail "the upgrade did not install the new operators.toml"
[ "$(sha /etc/fafang/secrets/admin-token)" = "$admin_token" ] || fail "the upgrade changed a secret"
fafang check --config /etc/fafang
say "upgrade kept the edited fafang.toml (the package's is fafang.toml.dpkg-dist), the secrets and the user"

# --- state as the service makes it (StateDirectory=fafang: /var/lib/fafang, 0700, the user's),
# a store in it written by the fafang user, and the operator's marker; then purge
install -d -o fafang -g fafang -m 0700 /var/lib/fafang
runuser -u fafang -- fafang status --config /etc/fafang >/dev/null
[ -n "$(ls -A /var/lib/fafang)" ] || fail "fafang status as the fafang user wrote no store in /var/lib/fafang"
# What fafang-backup.service runs, as its user: a checked copy in /var/backups/fafang.
runuser -u fafang -- fafang backup --config /etc/fafang --keep 14
ls /var/backups/fafang/fafang-*Z.sqlite >/dev/null || fail "fafang backup as the fafang user wrote nothing in /var/backups/fafang"
touch /etc/fafang/configured
say "dpkg --purge"
DEBIAN_FRONTEND=noninteractive dpkg --purge fafang
for path in /etc/fafang /var/lib/fafang /var/backups/fafang /usr/bin/fafang /usr/libexec/fafang /usr/share/fafang "$unit" \
    /etc/systemd/system/multi-user.target.wants/fafang.service /usr/lib/sysusers.d/fafang.conf; do
    [ ! -e "$path" ] && [ ! -L "$path" ] || fail "$path is left after the purge"
done
! getent passwd fafang >/dev/null || fail "the fafang user is left after the purge"
! getent group fafang >/dev/null || fail "the fafang group is left after the purge"
say "ok: installed, checked, reinstalled, upgraded to $next and purged"
