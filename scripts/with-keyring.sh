#!/usr/bin/env bash
# with-keyring.sh — run a command against a private, unlocked Secret Service.
#
# Usage: scripts/with-keyring.sh CMD [ARG...]
#   e.g. scripts/with-keyring.sh go test -race ./...
#
# CMD runs inside a fresh D-Bus session bus (dbus-run-session) on which a
# private gnome-keyring-daemon provides org.freedesktop.secrets with an
# unlocked "login" collection, which is where go-keyring reads and writes.
# CMD gets MERCHANT_INBOX_TEST_KEYRING=require, so the real-keychain tests
# in sync/secrets fail rather than skip if this setup is broken.
#
# The daemon keeps its keyring files in a temporary directory (its own
# HOME, XDG_DATA_HOME, XDG_RUNTIME_DIR), so the user's real keyring is never
# read, unlocked or written, even on a desktop where one is running. CMD
# itself keeps the caller's environment (HOME, Go caches) apart from the
# session bus address. The daemon is stopped and the directory removed when
# CMD ends; the script exits with CMD's exit status (128+n if CMD was killed
# by signal n, or if the setup was interrupted by one). SIGINT, SIGTERM and SIGHUP sent to this script alone are
# passed on to CMD, so `kill` of a `make run` stops the server cleanly.
#
# Needs: dbus-run-session, dbus-send, gnome-keyring-daemon, GNU env
# (scripts/deps.sh test installs them).
# Functions run from traps look unreachable to shellcheck.
# shellcheck disable=SC2317
set -euo pipefail

# The keyring password only protects a throwaway keyring under a temp dir.
readonly keyring_password=merchant-inbox-test-keyring
readonly ready_timeout_tenths=100 # 10 s for the daemon to come up
readonly stop_timeout_tenths=50   # 5 s for it to exit on SIGTERM

die() {
	echo "with-keyring.sh: $*" >&2
	exit 1
}

# run_child starts "$@" in the background with stdin kept and SIGINT/SIGQUIT
# at their defaults (bash would otherwise give a background job /dev/null
# and ignored SIGINT), so Ctrl-C still reaches it, and sets child_pid.
run_child() {
	env --default-signal=INT,QUIT "$@" <&0 &
	child_pid=$!
}

# wait_child waits for child_pid and sets child_rc to its exit status. A
# trapped signal interrupts `wait` (the trap passes the signal on, sets
# interrupted and last_sig), so wait again until the child has really ended.
wait_child() {
	local was_interrupted=0
	while :; do
		interrupted=0
		child_rc=0
		wait "$child_pid" 2>/dev/null || child_rc=$?
		[ "$interrupted" = 1 ] || break
		was_interrupted=1
	done
	# Bash 5.2 can lose the status of a child that exits while a trap runs
	# (the next wait gives -1 or 127). The child was signalled: say so.
	if [ "$was_interrupted" = 1 ] && { [ "$child_rc" -lt 0 ] || [ "$child_rc" -eq 127 ]; }; then
		child_rc=$((128 + $(kill -l "$last_sig")))
	fi
}

# ---- inside the private session bus -----------------------------------

# inside_session starts the daemon, waits until the login collection is
# unlocked, runs CMD, and stops the daemon.
inside_session() {
	local dir=$1
	shift
	echo "$$" >"$dir/inner.pid"

	# Unset anything that would point gnome-keyring at the user's real
	# daemon: with --unlock it would otherwise unlock *that* one.
	printf '%s' "$keyring_password" |
		env -u GNOME_KEYRING_CONTROL -u SSH_AUTH_SOCK \
			HOME="$dir/home" \
			XDG_DATA_HOME="$dir/data" \
			XDG_CONFIG_HOME="$dir/config" \
			XDG_CACHE_HOME="$dir/cache" \
			XDG_RUNTIME_DIR="$dir/run" \
			gnome-keyring-daemon --foreground --unlock --components=secrets \
			>"$dir/daemon.out" 2>"$dir/daemon.err" &
	daemon_pid=$!
	child_pid=
	trap stop_daemon EXIT
	for sig in INT TERM HUP; do
		# shellcheck disable=SC2064 # expand $sig now
		trap "on_signal $sig" "$sig"
	done

	wait_ready "$dir"
	# Remember the bus daemon so the outer script can stop it should
	# dbus-run-session die first (dbus-daemon takes SIGHUP as "reload").
	bus_call --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetConnectionUnixProcessID \
		string:org.freedesktop.DBus | awk '{print $2}' >"$dir/bus.pid" || true

	export MERCHANT_INBOX_TEST_KEYRING=require
	run_child "$@"
	wait_child
	# For the outer script: dbus-run-session's own status is 128+n when a
	# signal to the whole process group killed it, not CMD's.
	echo "$child_rc" >"$dir/inner.rc"
	stop_daemon
	trap - EXIT
	return "$child_rc"
}

on_signal() {
	interrupted=1
	last_sig=$1
	if [ -n "${child_pid:-}" ]; then
		kill -s "$1" "$child_pid" 2>/dev/null || true
	else
		# Still starting up: nothing to pass the signal to.
		exit $((128 + $(kill -l "$1")))
	fi
}

bus_call() {
	dbus-send --session --print-reply=literal "$@" 2>/dev/null
}

wait_ready() {
	local dir=$1 i
	# First wait for the bus name, asking the bus (not the name) so that
	# D-Bus activation cannot start a second, unconfigured daemon.
	for ((i = 0; i < ready_timeout_tenths; i++)); do
		if ! kill -0 "$daemon_pid" 2>/dev/null; then
			cat "$dir/daemon.err" >&2 || true
			die "gnome-keyring-daemon exited during startup"
		fi
		if bus_call --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
			string:org.freedesktop.secrets | grep -q true; then
			break
		fi
		sleep 0.1
	done
	# Then for the login collection to exist and be unlocked.
	for (( ; i < ready_timeout_tenths; i++)); do
		if bus_call --dest=org.freedesktop.secrets /org/freedesktop/secrets/collection/login \
			org.freedesktop.DBus.Properties.Get \
			string:org.freedesktop.Secret.Collection string:Locked | grep -q 'boolean false'; then
			return 0
		fi
		sleep 0.1
	done
	cat "$dir/daemon.err" >&2 || true
	die "the Secret Service did not come up with an unlocked login collection within $((ready_timeout_tenths / 10))s"
}

stop_daemon() {
	[ -n "${daemon_pid:-}" ] || return 0
	local pid=$daemon_pid i
	daemon_pid=
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < stop_timeout_tenths; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "with-keyring.sh: gnome-keyring-daemon ($pid) ignored SIGTERM; killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

if [ "${1-}" = "--inside-session" ]; then
	shift
	inside_session "$@"
	exit $?
fi

# ---- outside: set up, run the session, clean up -----------------------

[ "$#" -ge 1 ] || {
	echo "usage: $0 CMD [ARG...]" >&2
	exit 2
}

for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found; run scripts/deps.sh test first"
done

self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
dir=$(mktemp -d "${TMPDIR:-/tmp}/merchant-inbox-keyring.XXXXXXXX")
mkdir -m 700 "$dir/home" "$dir/data" "$dir/config" "$dir/cache" "$dir/run"

# Pass a signal to the inner shell, which passes it to CMD: dbus-run-session
# itself would just die and leave CMD and the daemon running.
forward() {
	interrupted=1
	last_sig=$1
	local pid
	pid=$(cat "$dir/inner.pid" 2>/dev/null) || pid=
	if [ -n "$pid" ]; then
		kill -s "$1" "$pid" 2>/dev/null || true
	elif [ -n "$child_pid" ]; then
		kill -s "$1" "$child_pid" 2>/dev/null || true
	else
		exit $((128 + $(kill -l "$1")))
	fi
}

# wait_inner waits (bounded) until the inner shell has stopped the daemon.
wait_inner() {
	local pid i
	pid=$(cat "$dir/inner.pid" 2>/dev/null) || return 0
	for ((i = 0; i < stop_timeout_tenths + 20; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
}

# stop_bus stops the session's dbus-daemon if dbus-run-session did not
# (it was killed by a signal to the whole process group).
stop_bus() {
	local pid
	pid=$(cat "$dir/bus.pid" 2>/dev/null) || return 0
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dbus-daemon ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
}

cleanup() {
	wait_inner
	stop_bus
	rm -rf "$dir"
}

child_pid=
trap cleanup EXIT
for sig in INT TERM HUP; do
	# shellcheck disable=SC2064 # expand $sig now
	trap "forward $sig" "$sig"
done

run_child dbus-run-session -- bash "$self" --inside-session "$dir" "$@"
wait_child
wait_inner
if [ -s "$dir/inner.rc" ]; then
	child_rc=$(cat "$dir/inner.rc")
fi
exit "$child_rc"
