#!/usr/bin/env bash
# Checks systemd/fafang.service (or UNIT, e.g. the one the .deb installed: scripts/check-deb.sh)
# without a running systemd: `systemd-analyze verify` must be clean and
# `systemd-analyze security --offline=yes` must rate it at most 1.5 ("OK").
# verify needs the ExecStart binary to exist, so a copy of the unit points at the built one.
# Usage: check-unit.sh [BINARY [UNIT]]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-$(pwd)/.build/debug/fafang}
unit=${2:-systemd/fafang.service}
[ -x "$binary" ] || { echo "check-unit: no fafang binary at $binary (build first)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s#/usr/local/bin/fafang#$binary#g" "$unit" > "$work/fafang.service"
systemd-analyze verify "$work/fafang.service"
report=$(systemd-analyze security --offline=yes --threshold=15 "$work/fafang.service")
echo "$report" | tail -n 1
exposure=$(echo "$report" | sed -n 's/.*exposure level for fafang.service: \([0-9.]*\).*/\1/p')
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.5) }' || { echo "check-unit: exposure $exposure > 1.5" >&2; exit 1; }
echo "check-unit: $unit: verify clean, exposure $exposure (≤ 1.5)"
