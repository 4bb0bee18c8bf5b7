#!/usr/bin/env bash
# package-test.sh — installs the Linux package the way a merchant would, into
# a temporary home and prefix, and checks what lands where.
#
# Usage: scripts/package-test.sh PACKAGE.tar.xz
set -euo pipefail

[ "$#" -eq 1 ] || { echo "usage: $0 PACKAGE.tar.xz" >&2; exit 2; }
pkg=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' "$root/FyneApp.toml")
id=$(sed -n 's/^[[:space:]]*ID[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' "$root/FyneApp.toml")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "package-test: $*" >&2; exit 1; }

# The tarball: one folder with the Makefile, the binary, the entry, the icon.
tar -xJf "$pkg" -C "$tmp"
top="$tmp/merchant-inbox"
for f in Makefile usr/local/bin/merchant-inbox "usr/local/share/applications/$id.desktop" "usr/local/share/pixmaps/$id.png"; do
	[ -f "$top/$f" ] || fail "the tarball has no $f"
done
desktop-file-validate "$top/usr/local/share/applications/$id.desktop" || fail "the .desktop file is not valid"
cmp -s "$top/usr/local/share/pixmaps/$id.png" "$root/assets/icon.png" || fail "the icon is not assets/icon.png"
grep -qx "Name=Merchant Inbox" "$top/usr/local/share/applications/$id.desktop" || fail "the entry is not named Merchant Inbox"
grep -qx "Icon=$id" "$top/usr/local/share/applications/$id.desktop" || fail "the entry's icon is not $id"

# make user-install: into ~/.local, the entry's Exec made absolute.
home="$tmp/home"
mkdir -p "$home"
(cd "$top" && make -s user-install HOME="$home")
bin="$home/.local/bin/merchant-inbox"
entry="$home/.local/share/applications/$id.desktop"
[ -x "$bin" ] || fail "user-install: no $bin"
[ -f "$home/.local/share/icons/$id.png" ] || fail "user-install: no icon"
grep -qx "Exec=$bin" "$entry" || fail "user-install: Exec is not $bin: $(grep ^Exec= "$entry")"
desktop-file-validate "$entry" || fail "user-install: the installed entry is not valid"
got=$("$bin" version)
[ "$got" = "merchant-inbox $version" ] || fail "the installed binary says '$got', want 'merchant-inbox $version'"
(cd "$top" && make -s user-uninstall HOME="$home") >/dev/null 2>&1
[ -z "$(find "$home/.local" -type f)" ] || fail "user-uninstall left: $(find "$home/.local" -type f)"

# make install: into PREFIX (here under DESTDIR, as a distribution would).
dest="$tmp/dest"
(cd "$top" && make -s install DESTDIR="$dest" PREFIX=/opt/merchant-inbox)
for f in bin/merchant-inbox "share/applications/$id.desktop" "share/pixmaps/$id.png"; do
	[ -f "$dest/opt/merchant-inbox/$f" ] || fail "install: no PREFIX/$f"
done
echo "package-test: $(basename "$pkg") installs and runs (version $version)"
