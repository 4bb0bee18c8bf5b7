#!/usr/bin/env bash
# bench-desktop.sh — measure the real desktop app on a real X display: time
# from start to the first window painted, CPU over an idle stretch, memory.
#
# Usage (on an X display, inside a D-Bus session with a keychain):
#   DISPLAY=:N scripts/with-keyring.sh scripts/bench-desktop.sh start DATA_DIR [RUNS]
#   DISPLAY=:N scripts/with-keyring.sh scripts/bench-desktop.sh idle DATA_DIR [SECONDS] [APP_FLAG...]
#   DISPLAY=:N scripts/with-keyring.sh scripts/bench-desktop.sh thread DATA_DIR [ROUNDS]
#   DISPLAY=:N scripts/with-keyring.sh scripts/bench-desktop.sh latency DATA_DIR [SAMPLES]
#
# With DEMO=1, each measurement runs on the demo instead: the sandbox of
# `make demo` (bin/merchant-inbox-demo -no-app, without its live customer)
# is set up on DATA_DIR and stays up while the app is measured against it,
# its Pages and shop connected. The first start of a new DATA_DIR then polls
# the sandbox (26 conversations, 40 products) before the list shows.
#
# start  starts the app RUNS times (default 7) on DATA_DIR and prints, per
#        run, the milliseconds from just before exec to
#          mapped: the first MapNotify of a top-level window on the display
#                  (watched with xev on the root window);
#          list:   the first "conversation list shown" debug line, logged
#                  when the first list is applied on the UI goroutine; the
#                  frame that paints it follows within one tick (16 ms).
#                  An empty store logs no such line (it has no rows).
#        then the median and range of each, and when the first log line
#        came (the tray host check, once the store is open and the engine
#        set up). The app is stopped (SIGTERM) and waited for after each
#        run. With COLD=1 the database file's pages are dropped from the
#        page cache before each run (that file's only: dd iflag=nocache),
#        and how much of it the run read back is printed (fincore).
# idle   starts the app once, waits until its catch-up poll has finished and
#        SETTLE seconds more (default 10), then reads utime+stime from
#        /proc/PID/stat, waits SECONDS (default 60) and reads again. Prints
#        the CPU used as a share of one core, the context switches per
#        second, whether the window is mapped, and the memory. APP_FLAGs
#        (e.g. --hidden) go to `merchant-inbox app`.
# thread brings one long conversation (PAGE, PSID: by default the store
#        benchmarks' 5,000-message one) to the top of the list with a signed
#        webhook, clicks the first row to open it, then scrolls the thread
#        up ROUNDS times (default 5; each scrolls to the top, which loads
#        older messages, 50 at a time), printing the memory after each
#        step. It stores a throw-away app secret and verify token, so it
#        runs only under scripts/with-keyring.sh. SHOT=FILE saves a
#        screenshot at the end. The window must be 1100x720 at the top left
#        (no window manager, as under Xvfb).
#
# latency starts the app once, waits until its first list is shown and
#        SETTLE seconds more, then SAMPLES times (default 30), a second
#        apart: posts a signed webhook with a new message in an existing
#        conversation (in turn five of them, far down the list), and times
#        from just before the POST to the first "conversation list shown"
#        line logged after it with that conversation on top: the row moved
#        to the top of the window, the frame that paints it following
#        within one 16 ms tick. The signature is computed before the clock
#        starts. Prints each sample, then the median and range. On the big
#        store it stores a throw-away app secret and verify token as thread
#        does (so only under with-keyring.sh); with DEMO=1 it signs with the
#        demo's (fake) app secret.
#
# The app runs as `bin/merchant-inbox app --no-tunnel --listen 127.0.0.1:0` (or $BIN)
# with MERCHANT_INBOX_LOG=debug; its log is kept in $OUT (default a
# temporary directory). Needs: xev, xwininfo, GNU date and dd, fincore
# (COLD=1), bash 5 (EPOCHREALTIME); for thread also xdotool, curl, openssl
# and ImageMagick's import (SHOT); for latency curl and openssl; for DEMO=1
# bin/merchant-inbox-demo (make demo builds it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly root
readonly bin=${BIN:-$root/bin/merchant-inbox}
readonly settle=${SETTLE:-10}
readonly wait_limit=120 # seconds to wait for any one condition
# The window's title: the demo's says so.
title="Merchant Inbox"
[ "${DEMO:-}" = 1 ] && title="Merchant Inbox — Demo"
readonly title
out=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/bench-desktop.XXXXXXXX")}
mkdir -p "$out"

die() {
	echo "bench-desktop.sh: $*" >&2
	exit 1
}

[ -n "${DISPLAY:-}" ] || die "DISPLAY is not set"
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || die "no D-Bus session: run under scripts/with-keyring.sh"
[ -x "$bin" ] || die "$bin not built"

app_pid=
watch_pids=()
demo_pid=
# stop_demo stops the demo's sandbox (DEMO=1) at the end.
stop_demo() {
	stop_all
	if [ -n "$demo_pid" ]; then
		kill -TERM "$demo_pid" 2>/dev/null || true
		wait "$demo_pid" 2>/dev/null || true
	fi
}
stop_all() {
	if [ -n "$app_pid" ]; then
		kill -TERM "$app_pid" 2>/dev/null || true
		wait "$app_pid" 2>/dev/null || true
		app_pid=
	fi
	local p
	for p in "${watch_pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	watch_pids=()
}
trap stop_demo EXIT

# start_demo DATA_DIR sets the demo's sandbox up on DATA_DIR and exports
# the environment that points the app at it.
start_demo() {
	local data=$1 env=$out/demo.env i
	[ -x "$root/bin/merchant-inbox-demo" ] || die "bin/merchant-inbox-demo not built (make demo builds it)"
	mkdir -p "$data"
	"$root/bin/merchant-inbox-demo" -app "$bin" -no-app -live=false -data "$data" >"$env" 2>"$out/demo.log" &
	demo_pid=$!
	for ((i = 0; i < wait_limit * 10; i++)); do
		grep -qs '^# the sandbox is ready' "$env" && break
		kill -0 "$demo_pid" 2>/dev/null || die "the demo's sandbox exited: $(cat "$out/demo.log")"
		sleep 0.1
	done
	# shellcheck disable=SC1090 # written just above by the demo
	source "$env"
	echo "demo sandbox: $MERCHANT_INBOX_GRAPH_URL (Graph), $MERCHANT_INBOX_SHOPIFY_URL (Shopify)"
}

# mem LABEL prints the app's resident memory: VmRSS, its peak VmHWM, the
# anonymous (heap, stacks) and file-backed (libraries, the database's
# mmap) parts, and the database's share of the latter.
mem() {
	local db
	db=$(awk '/inbox\.db$/ {on = 1; next} /^[0-9a-f]+-[0-9a-f]+ / {on = 0}
		on && /^Rss:/ {kb += $2} END {print kb + 0}' "/proc/$app_pid/smaps")
	printf '%-28s %s inbox.db mapped: %d kB\n' "$1:" \
		"$(grep -E '^(VmRSS|VmHWM|RssAnon|RssFile)' "/proc/$app_pid/status" | tr -s ' \t\n' ' ')" "$db"
}

# now_ms prints the wall clock in milliseconds.
now_ms() {
	local t=$EPOCHREALTIME
	echo $((${t/./} / 1000))
}

# start_app DATA_DIR LOG [FLAG...] starts the app in the background.
start_app() {
	local data=$1 log=$2
	shift 2
	MERCHANT_INBOX_DATA_DIR=$data MERCHANT_INBOX_LOG=debug \
		"$bin" app --no-tunnel --listen 127.0.0.1:0 "$@" >"$log.out" 2>"$log" &
	app_pid=$!
}

# wait_line FILE PATTERN waits until FILE has a line matching PATTERN and
# prints the first one.
wait_line() {
	local file=$1 pat=$2 deadline=$((SECONDS + wait_limit)) line
	while ((SECONDS < deadline)); do
		if line=$(grep -m1 -E -- "$pat" "$file" 2>/dev/null); then
			echo "$line"
			return 0
		fi
		kill -0 "$app_pid" 2>/dev/null || die "the app exited; its log: $file"
		sleep 0.05
	done
	die "no line matching '$pat' in $file within ${wait_limit}s"
}

# log_ms LINE prints the time= of a slog text line in milliseconds.
log_ms() {
	local ts=${1#time=}
	date -d "${ts%% *}" +%s%3N
}

# watch_maps FILE writes a timestamped line (ms) per root-window event.
watch_maps() {
	local fifo=$out/xev.fifo
	rm -f "$fifo"
	mkfifo "$fifo"
	stdbuf -oL xev -root -event substructure >"$fifo" &
	watch_pids+=($!)
	local l t
	while IFS= read -r l; do
		t=$EPOCHREALTIME # no fork: stamped as xev prints it
		case $l in MapNotify*) echo "$((${t/./} / 1000)) $l" ;; esac
	done <"$fifo" >"$1" &
	watch_pids+=($!)
	sleep 0.3 # let xev select the events before the app starts
}

# stats prints median, min and max of its arguments.
stats() {
	printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {
		m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
		printf "median %g ms, range %g – %g ms (%d runs)\n", m, v[1], v[NR], NR }'
}

cmd_start() {
	local data=$1 runs=${2:-7} i t0 mapped list maps=() lists=() line
	for ((i = 1; i <= runs; i++)); do
		local log=$out/start-$i.log
		if [ "${COLD:-}" = 1 ]; then
			dd if="$data/inbox.db" iflag=nocache count=0 status=none
		fi
		watch_maps "$out/start-$i.maps"
		t0=$(now_ms)
		start_app "$data" "$log"
		line=$(wait_line "$out/start-$i.maps" 'MapNotify')
		mapped=$((${line%% *} - t0))
		maps+=("$mapped")
		list=-
		# The list comes with the first batch the loop applies; give it
		# a few seconds, then call the store empty.
		if line=$(wait_list "$log"); then
			list=$(($(log_ms "$line") - t0))
			lists+=("$list")
		fi
		line=$(head -n1 "$log")
		echo "run $i: first log line $(($(log_ms "$line") - t0)) ms, mapped $mapped ms, list shown $list ms"
		if [ "${COLD:-}" = 1 ]; then
			echo "  database pages in the cache after the first list: $(fincore -n -o RES "$data/inbox.db")"
		fi
		stop_all
		sleep 2
	done
	echo "mapped: $(stats "${maps[@]}")"
	if ((${#lists[@]} > 0)); then
		echo "list shown: $(stats "${lists[@]}")"
	fi
	if grep -l 'building the search index' "$out"/start-*.log >/dev/null 2>&1; then
		echo "note: the search index was (re)built at start; see $out"
	fi
}

# wait_list LOG prints the first "conversation list shown" line, waiting
# up to 5 s after the window is mapped (an empty store never logs one).
wait_list() {
	local log=$1 deadline=$((SECONDS + 5)) line
	while ((SECONDS < deadline)); do
		if line=$(grep -m1 'conversation list shown' "$log"); then
			echo "$line"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# switches prints the context switches of all the app's threads so far:
# how often it wakes up.
switches() {
	cat "/proc/$app_pid"/task/*/status 2>/dev/null |
		awk '/^(non)?voluntary_ctxt_switches:/ {n += $2} END {print n + 0}'
}

cmd_idle() {
	local data=$1 secs=${2:-60}
	shift 2 || shift $#
	local log=$out/idle.log ticks a b sa sb hz
	hz=$(getconf CLK_TCK)
	start_app "$data" "$log" "$@"
	# A catch-up poll at start ends with its report, except on a store
	# without pages, which it leaves at once without one.
	wait_line "$log" 'daily poll scheduled' >/dev/null
	if grep -q 'last poll is overdue' "$log"; then
		local deadline=$((SECONDS + 10))
		until grep -qE 'scheduled poll|polled page|poll did not run' "$log" || ((SECONDS >= deadline)); do
			sleep 0.05
		done
	fi
	sleep "$settle"
	a=$(awk '{print $14 + $15}' "/proc/$app_pid/stat")
	sa=$(switches)
	sleep "$secs"
	b=$(awk '{print $14 + $15}' "/proc/$app_pid/stat")
	sb=$(switches)
	ticks=$((b - a))
	awk -v t="$ticks" -v hz="$hz" -v s="$secs" -v cs=$((sb - sa)) 'BEGIN {
		printf "CPU over %d s: %.2f s = %.3f %% of one core; %.0f context switches/s\n",
			s, t / hz, 100 * t / hz / s, cs / s }'
	local win
	if win=$(xwininfo -name "$title" 2>/dev/null); then
		echo "window: $(grep -o 'Map State: .*' <<<"$win")"
	else
		echo "window: none on the display"
	fi
	mem "memory at the end"
	grep -E 'tray host' "$log" | sed 's/^/log: /'
}

# The throw-away webhook credentials of `thread`: constants of this script,
# stored only in with-keyring.sh's temporary keyring, so not secrets (which
# is why the app secret may pass through openssl's argv).
readonly bench_app_secret=bench-app-secret-not-real
readonly bench_verify_token=bench-verify-token-not-real

# demo_app_secret is internal/demo's fake app secret, known to its fakes.
readonly demo_app_secret=demo-app-secret-not-a-real-one

# sign_message PAGE PSID sets body and sig: a webhook carrying one incoming
# message, as Meta delivers it, and its signature.
sign_message() {
	local page=$1 psid=$2 t secret=$bench_app_secret
	[ "${DEMO:-}" = 1 ] && secret=$demo_app_secret
	t=$(now_ms)
	body=$(printf '{"object":"page","entry":[{"id":"%s","time":%d,"messaging":[{"sender":{"id":"%s"},"recipient":{"id":"%s"},"timestamp":%d,"message":{"mid":"m_bench_%d_%s","text":"is my order on its way?"}}]}]}' \
		"$page" "$t" "$psid" "$page" "$t" "$t" "$psid")
	sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}')
}

# post_signed URL posts body with sig.
post_signed() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$sig" --data-binary "$body" "$1")
	[ "$code" = 200 ] || die "webhook answered HTTP $code"
}

# post_message URL PAGE PSID posts a signed webhook carrying one incoming
# message.
post_message() {
	local body sig
	sign_message "$2" "$3"
	post_signed "$1"
}

# store_bench_secrets stores the throw-away webhook credentials.
store_bench_secrets() {
	local data=$1
	[ "${MERCHANT_INBOX_TEST_KEYRING:-}" = require ] ||
		die "this stores webhook credentials in the keychain: run it under scripts/with-keyring.sh"
	printf '%s\n' "$bench_app_secret" | MERCHANT_INBOX_DATA_DIR=$data "$bin" secrets set facebook-app-secret >/dev/null
	printf '%s\n' "$bench_verify_token" | MERCHANT_INBOX_DATA_DIR=$data "$bin" secrets set facebook-verify-token >/dev/null
}

# latency_targets prints "PAGE PSID" of the conversations latency posts to:
# on the big store, fixture conversations 1,000 to 99,000 (see
# sync/store/fixture_bench_test.go); on the demo, five sample customers
# from the middle and the end of its list.
latency_targets() {
	if [ "${DEMO:-}" = 1 ]; then
		printf '%s\n' '104857600000001 7310000000000010' '104857600000002 7310000000000012' \
			'104857600000001 7310000000000017' '104857600000001 7310000000000023' '104857600000002 7310000000000025'
	else
		local i
		for i in 1000 30000 55000 80000 99000; do
			printf '1000000000%d 2%015d\n' $((i / 25000)) "$i"
		done
	fi
}

cmd_latency() {
	local data=$1 samples=${2:-30} log=$out/latency.log url i n line t0 ms targets=() all=()
	[ "${DEMO:-}" = 1 ] || store_bench_secrets "$data"
	mapfile -t targets < <(latency_targets)
	start_app "$data" "$log"
	wait_line "$log" 'conversation list shown' >/dev/null
	url=$(wait_line "$log.out" '^listening on ')
	url=${url#listening on }/webhooks/facebook
	sleep "$settle"
	for ((i = 0; i < samples; i++)); do
		local target=${targets[i % ${#targets[@]}]} body sig
		sign_message "${target% *}" "${target#* }"
		n=$(grep -c 'conversation list shown' "$log")
		t0=$(now_ms)
		post_signed "$url"
		line=$(wait_new_line "$log" "$n" "conversation list shown.* top_psid=${target#* }\$")
		ms=$(($(log_ms "$line") - t0))
		all+=("$ms")
		echo "sample $((i + 1)): ${target#* } on top after $ms ms"
		sleep 1
	done
	echo "webhook to window: $(stats "${all[@]}")"
	mem "memory at the end"
}

# wait_new_line FILE N PATTERN prints the first line matching PATTERN among
# the "conversation list shown" lines after the first N.
wait_new_line() {
	local file=$1 n=$2 pat=$3 deadline=$((SECONDS + wait_limit)) line
	while ((SECONDS < deadline)); do
		if line=$(grep 'conversation list shown' "$file" | tail -n +$((n + 1)) | grep -m1 -E -- "$pat"); then
			echo "$line"
			return 0
		fi
		sleep 0.01
	done
	die "no line matching '$pat' in $file within ${wait_limit}s"
}

cmd_thread() {
	local data=$1 rounds=${2:-5} page=${PAGE:-10000000000} psid=${PSID:-2000000000000000}
	local log=$out/thread.log url n r
	store_bench_secrets "$data"
	start_app "$data" "$log"
	wait_line "$log" 'conversation list shown' >/dev/null
	url=$(wait_line "$log.out" '^listening on ')
	url=${url#listening on }/webhooks/facebook
	sleep 2
	mem "list shown"
	post_message "$url" "$page" "$psid"
	wait_line "$log" "conversation list shown.* top_psid=$psid\$" >/dev/null
	sleep 2
	mem "after the webhook"
	n=$(grep -c 'conversation list shown' "$log")
	xdotool mousemove 150 117 click 1
	# Opening it marks it read, and the list is read again.
	local deadline=$((SECONDS + wait_limit))
	while (($(grep -c 'conversation list shown' "$log") <= n)); do
		((SECONDS < deadline)) || die "the list was not read again after the click"
		sleep 0.05
	done
	sleep 2
	mem "thread open (50 messages)"
	xdotool mousemove 720 300
	for ((r = 1; r <= rounds; r++)); do
		xdotool click --repeat 150 --delay 10 4
		sleep 2
		mem "scrolled up $r time(s)"
	done
	if [ -n "${SHOT:-}" ]; then
		import -window root "$SHOT"
		echo "screenshot: $SHOT"
	fi
}

[ "$#" -ge 2 ] || die "usage: $0 start DATA_DIR [RUNS] | idle DATA_DIR [SECONDS] [APP_FLAG...] | thread DATA_DIR [ROUNDS] | latency DATA_DIR [SAMPLES]"
what=$1
shift
if [ "${DEMO:-}" = 1 ]; then
	start_demo "$1"
fi
case $what in
start) cmd_start "$@" ;;
idle) cmd_idle "$@" ;;
thread) cmd_thread "$@" ;;
latency) cmd_latency "$@" ;;
*) die "unknown measurement $what: want start, idle, thread or latency" ;;
esac
echo "logs: $out"
