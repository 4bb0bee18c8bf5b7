#!/usr/bin/env bash
# has-secret-service.sh — exit 0 when the session bus has a Secret Service
# (org.freedesktop.secrets) running, 1 otherwise (no session bus at all, or
# no keyring daemon on it). A service the bus could only start on demand
# does not count: started that way, gnome-keyring has no unlocked login
# collection and would ask for a password no one is there to type.
#
# `make demo` asks this to choose between the desktop's keychain (under the
# demo's own service name) and a private one (scripts/with-keyring.sh).
# Needs dbus-send (scripts/deps.sh run).
set -euo pipefail

[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || exit 1
command -v dbus-send >/dev/null 2>&1 || exit 1

ask() {
	timeout 5 dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus / "$@" 2>/dev/null
}
ask org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q true
