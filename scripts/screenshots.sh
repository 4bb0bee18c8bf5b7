#!/usr/bin/env bash
# screenshots.sh — run the demo (the real app against the sandbox) on a
# private Xvfb display and write the README's pictures to docs/screenshots/.
#
# Usage: scripts/with-keyring.sh scripts/screenshots.sh [OUT_DIR]
#   (`make screenshots` installs what it needs, builds, and runs this.)
#
# The demo runs without its live customer (-live=false), so the pictures
# show the seeded sample data only; times in them are relative to the run
# ("4 min", "Yesterday"). Each picture is the app's window alone, taken
# with ImageMagick's import; conversations are opened by clicking their
# row with xdotool, as a merchant would. There is no window manager, so
# the window sits at the top left of the screen at its default size.
#
# The tray menu is not pictured: Xvfb has no tray host to draw it (the
# app then has no tray at all, and says so in its log).
#
# Needs: Xvfb, xdotool, import, xwininfo (scripts/deps.sh shots), a D-Bus
# session with a keychain (with-keyring.sh), bin/merchant-inbox and
# bin/merchant-inbox-demo.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly root
readonly out=${1:-$root/docs/screenshots}
readonly title="Merchant Inbox — Demo"
readonly wait_limit=120 # seconds for any one condition
work=$(mktemp -d "${TMPDIR:-/tmp}/screenshots.XXXXXXXX")
readonly work log=$work/demo.log

die() {
	echo "screenshots.sh: $*" >&2
	[ -f "$log" ] && tail -n 20 "$log" >&2
	exit 1
}

[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || die "no D-Bus session: run under scripts/with-keyring.sh"
for tool in Xvfb xdotool import xwininfo; do
	command -v "$tool" >/dev/null || die "$tool not found: run scripts/deps.sh shots"
done
for b in merchant-inbox merchant-inbox-demo; do
	[ -x "$root/bin/$b" ] || die "bin/$b not built"
done
mkdir -p "$out"

xvfb_pid= demo_pid=
stop_all() {
	if [ -n "$demo_pid" ]; then
		kill -TERM "$demo_pid" 2>/dev/null || true
		wait "$demo_pid" 2>/dev/null || true
	fi
	if [ -n "$xvfb_pid" ]; then
		kill -TERM "$xvfb_pid" 2>/dev/null || true
		wait "$xvfb_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap stop_all EXIT

# A display of our own: Xvfb picks a free number and writes it to fd 3.
exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
exec 3>&-
for ((i = 0; i < 100; i++)); do
	[ -s "$work/display" ] && break
	sleep 0.1
done
[ -s "$work/display" ] || die "Xvfb did not start"
export DISPLAY=:$(cat "$work/display")

# start_demo [FLAG...] starts the demo with its live customer off and waits
# for its window; stop_demo ends it.
start_demo() {
	: >"$log"
	# A home of its own, so the pictures never depend on this machine's
	# Fyne preferences (the products panel's last state, the theme).
	mkdir -p "$work/home"
	HOME=$work/home XDG_CONFIG_HOME=$work/home/.config MERCHANT_INBOX_LOG=debug \
		"$root/bin/merchant-inbox-demo" -live=false "$@" >"$work/demo.out" 2>"$log" &
	demo_pid=$!
	wait_for "window" window
	wid=$(xwininfo -name "$title" | awk '/Window id:/ {print $4}')
}

stop_demo() {
	kill -TERM "$demo_pid" 2>/dev/null || true
	wait "$demo_pid" 2>/dev/null || true
	demo_pid=
}

# wait_for DESCRIPTION COMMAND... retries COMMAND until it succeeds.
wait_for() {
	local what=$1 deadline=$((SECONDS + wait_limit))
	shift
	until "$@"; do
		kill -0 "$demo_pid" 2>/dev/null || die "the demo exited while waiting for $what"
		((SECONDS < deadline)) || die "no $what within ${wait_limit}s"
		sleep 0.1
	done
}

lists_shown() { grep -c 'conversation list shown' "$log" || true; }
newest_on_top() { grep -q 'conversation list shown.*top_psid=7310000000000001' "$log"; }
catalogue() { grep -q 'polled catalogue' "$log"; }
window() { xwininfo -name "$title" >/dev/null 2>&1; }
list_read_since() { (($(lists_shown) > $1)); }

# shot NAME takes the window, once the frames after the last change are
# painted (Fyne repaints on its next tick; pictures arrive off the UI
# goroutine).
shot() {
	sleep 2
	import -window "$wid" "$out/$1.png"
	echo "screenshots.sh: $out/$1.png"
}

# open_row N clicks the Nth conversation of the list (58 px rows below the
# page filter and the search box) and waits for the list to be read again,
# which marking it read does.
open_row() {
	local n
	n=$(lists_shown)
	xdotool mousemove --window "$wid" 170 $((117 + 58 * ($1 - 1))) click 1
	wait_for "list read again after opening row $1" list_read_since "$n"
}

# Connected: the sample shop.
start_demo
wait_for "the sample conversations in the list" newest_on_top
wait_for "catalogue" catalogue
# The second row: a customer's photo of a chipped mug, in German, inside
# the 24-hour window.
open_row 2
shot main-window
# The same thread with a reply being written (the window's countdown says
# how long Messenger still allows one) and the products panel open
# (its button at the thread's top right).
xdotool mousemove --window "$wid" 515 630 click 1
xdotool type --delay 20 "Nein, behalten Sie sie! Ersatz ist unterwegs."
xdotool mousemove --window "$wid" 1038 35 click 1
shot reply-products
stop_demo

# Nothing connected: what a merchant sees on the first start.
start_demo -connect=false
shot first-run
# Its Settings button (top right) opens the settings screen.
xdotool mousemove --window "$wid" 1048 22 click 1
shot settings
stop_demo
