#!/usr/bin/env bash
# package-linux.sh — the Linux package: Fyne's packaging tool run over a
# binary built by the Makefile (with the version linked in).
#
# Usage: scripts/package-linux.sh FYNE BINARY OUT.tar.xz
#   FYNE     the fyne command (fyne.io/tools/cmd/fyne)
#   BINARY   the merchant-inbox binary to package
#   OUT      where the tarball goes
#
# The tarball holds merchant-inbox/Makefile and merchant-inbox/usr/local/
# {bin/merchant-inbox, share/applications/com.merchantinbox.app.desktop,
# share/pixmaps/com.merchantinbox.app.png}; its Makefile installs them
# (make user-install: ~/.local; make install: PREFIX, default /usr/local).
#
# fyne package rewrites the FyneApp.toml it reads (it counts Build up), so
# it runs on a copy of the inputs in a temporary folder and the repository
# is left as it was. It refuses a folder without Go code, hence go.mod and
# main.go in the copy; with --executable it builds nothing.
set -euo pipefail

[ "$#" -eq 3 ] || { echo "usage: $0 FYNE BINARY OUT.tar.xz" >&2; exit 2; }
fyne=$(realpath "$1")
binary=$(realpath "$2")
out=$3
root=$(cd "$(dirname "$0")/.." && pwd)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/src/assets" "$stage/out"
cp "$root/FyneApp.toml" "$root/go.mod" "$root/main.go" "$stage/src/"
cp "$root/assets/icon.png" "$stage/src/assets/"

(cd "$stage/out" && "$fyne" package -os linux --src "$stage/src" --executable "$binary")

made=("$stage"/out/*.tar.xz)
if [ "${#made[@]}" -ne 1 ] || [ ! -f "${made[0]}" ]; then
	echo "$0: fyne package made no tarball" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
mv "${made[0]}" "$out"
echo "package: $out"
