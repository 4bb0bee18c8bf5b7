#!/usr/bin/env bash
# deps.sh — install the Debian packages a make target needs, idempotently.
#
# Usage: scripts/deps.sh GROUP...
#   test   packages for `make test`: a private D-Bus session bus and
#          gnome-keyring, so the real-keyring tests in sync/secrets run
#          against a real Secret Service (see scripts/with-keyring.sh),
#          Debian's chromium for the browser sign-in tests, and
#          desktop-file-validate for the desktop entries
#   run    packages for `make run` (the keyring set)
#   bench  packages for `make bench` (currently the same keyring set)
#   package  what `make package` and its test need: xz for the tarball,
#          make for its Makefile, desktop-file-validate
#   ui     build packages for the Fyne UI (cgo + OpenGL/X11/Wayland) and
#          Xvfb for a headless window in tests and screenshots
#   demo   a Japanese font: the demo's customers write in Japanese too, and
#          a bare machine has no font with those glyphs
#   shots  for `make screenshots`: xdotool (clicks a conversation open),
#          ImageMagick's import (takes the picture), xwininfo (finds the
#          window), plus the demo's font
#
# When every package is already installed this only asks dpkg and returns
# at once: no apt call, no network. Otherwise it runs `apt-get update` once
# and installs the missing packages (sudo only when not root).
set -euo pipefail

# dbus-daemon: /usr/bin/dbus-run-session and dbus-daemon (bookworm splits
#              these out of the "dbus" package).
# dbus-bin:    /usr/bin/dbus-send, used by with-keyring.sh to find the
#              keyring daemon's pid on the private bus.
# gnome-keyring: gnome-keyring-daemon, the Secret Service implementation.
# dbus-x11 is deliberately NOT installed: nothing here needs dbus-launch, and
# with it present godbus would "autolaunch" a stray session bus (that never
# exits) whenever a process has no DBUS_SESSION_BUS_ADDRESS.
keyring_pkgs=(dbus-daemon dbus-bin gnome-keyring)
# chromium: the sign-in tests drive Facebook's and Shopify's consent pages
#           (served by the fakes) in a real headless browser.
# x11-utils: xwininfo, with which the desktop test finds the real window on
#           its Xvfb display.
browser_pkgs=(chromium x11-utils)
# desktop-file-utils: desktop-file-validate, which checks the autostart
#           entry and the packaged .desktop file in the tests.
tools_pkgs=(desktop-file-utils)
package_pkgs=(xz-utils make desktop-file-utils)
# ui: what Fyne's GLFW driver needs to build with cgo (gcc, libc6-dev, and
# the GL, X11, Wayland and xkbcommon headers) plus xvfb for a headless window
# in tests and screenshots.
ui_pkgs=(gcc libc6-dev pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libxkbcommon-dev libwayland-dev xvfb)
demo_pkgs=(fonts-ipafont-gothic)
shots_pkgs=(xvfb xdotool imagemagick x11-utils "${demo_pkgs[@]}")

usage() {
	echo "usage: $0 {test|run|bench|ui|package|demo|shots}..." >&2
	exit 2
}

[ "$#" -ge 1 ] || usage

want=()
for group in "$@"; do
	case "$group" in
	test) want+=("${keyring_pkgs[@]}" "${browser_pkgs[@]}" "${tools_pkgs[@]}") ;;
	run | bench) want+=("${keyring_pkgs[@]}") ;;
	ui) want+=("${ui_pkgs[@]}") ;;
	package) want+=("${package_pkgs[@]}") ;;
	demo) want+=("${demo_pkgs[@]}") ;;
	shots) want+=("${shots_pkgs[@]}") ;;
	-h | --help) usage ;;
	*)
		echo "$0: unknown group '$group'" >&2
		usage
		;;
	esac
done

installed() {
	# "install ok installed" is the only status that means the package is
	# fully configured; half-installed or removed-but-config packages count
	# as missing so apt repairs them.
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for pkg in "${want[@]}"; do
	case " ${missing[*]-} " in *" $pkg "*) continue ;; esac
	installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	as_root=()
elif command -v sudo >/dev/null 2>&1; then
	as_root=(sudo)
else
	echo "$0: missing Debian packages: ${missing[*]}" >&2
	echo "$0: not root and no sudo; install them with: apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "deps.sh: installing missing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Wait for a concurrent apt/dpkg (another make, unattended-upgrades) instead
# of failing on the lock at once.
apt_opts=(-o DPkg::Lock::Timeout=300)
# A failed update (one unreachable third-party source, a concurrent update
# holding the lists lock) is not fatal: the install below says whether the
# packages could be had.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update -q ||
	echo "deps.sh: apt-get update failed; trying the install anyway" >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -q --no-install-recommends "${missing[@]}"

still=()
for pkg in "${missing[@]}"; do
	installed "$pkg" || still+=("$pkg")
done
if [ "${#still[@]}" -ne 0 ]; then
	echo "$0: still missing after apt-get install: ${still[*]}" >&2
	exit 1
fi
