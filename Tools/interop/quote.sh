#!/usr/bin/env bash
# The market maker (`mm quote`, a FIX initiator) against an independent FIX engine: the QuickFIX
# C++ program `quote_peer` (Tools/interop/quote_peer.cpp) is a minimal venue for BTCUSDT (acceptor
# EXCH for MAKER) that answers the maker's market-data request with a snapshot and a market moving
# every 50 ms, fills the maker's orders the market moves through, answers orders, replaces and
# cancels, validates every message of the maker with the repository's Specs/FIX44.xml, and checks
# what the maker does (ladder shape, replaces rather than cancel + new, limits, clean end). The
# market moves for 4 s, pauses for 1 s (the ladder is checked), then moves on until the maker has
# logged out, as a live market would while the maker stops (6 s after it started).
#
#   Tools/interop/quote.sh [-c release|debug]
#
# It installs libquickfix-dev and g++ when missing (apt-get, as root or with sudo), builds
# Tools/interop/.build/quote_peer and `swift build -c CONFIG --product mm` (default release), starts
# quote_peer on a free local port, writes a settings file for the maker (initiator MAKER -> EXCH on
# that port, memory store, ReconnectInterval=1, FIX logs in .build/quote/log), runs
#   mm quote --config .build/quote/maker.cfg --symbol BTCUSDT --duration 6 --json
# and checks the maker's exit status and JSON summary (ordersSent >= 10, replacesSent > 0,
# venueRejects == 0, and its counts of orders, replaces, cancels, fills and position the same as
# the venue's). It prints PASS or FAIL for quote_peer's checks and its own, then
# `N passed, N failed`. Exit status 0 only when all pass; on a failure both programs' output is
# printed too.
#
# Environment: QUOTE_TIMEOUT        seconds quote_peer waits for the maker's Logout (default 60)
#              QUOTE_MARKET_SECONDS how long the market moves before the pause (default 4; keep it
#                                   below 5: the maker stops after 6 s)
#              QUOTE_INTERVAL_MS    milliseconds between market moves (default 50)
#              QUOTE_RACE_PERCENT   share of the moves whose X goes out before the fills (30)
#              QUOTE_CLOSING_MARKET on (default) or off: whether the market moves on after the pause,
#                                   while the maker cancels its orders and logs out
#              QUOTE_SEED           quote_peer's random seed (default: from the clock; printed)
#              QUOTE_MAKER_ARGS     more options for mm quote (e.g. "--stop-limit 5"; not --levels
#                                   or --lots, which quote_peer expects at 5 and 1)
#              CXX                  C++ compiler (default g++)
#
# Everything (the maker's settings, output and FIX logs; quote_peer's settings, output and
# QuickFIX logs in peer/) stays in Tools/interop/.build/quote/ until the next run.
#
# This product includes software developed by quickfixengine.org (http://www.quickfixengine.org/).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build_dir="$here/.build"
peer="$build_dir/quote_peer"
work="$build_dir/quote"
cxx="${CXX:-g++}"
timeout_seconds="${QUOTE_TIMEOUT:-60}"
market_seconds="${QUOTE_MARKET_SECONDS:-4}"
interval_ms="${QUOTE_INTERVAL_MS:-50}"
race_percent="${QUOTE_RACE_PERCENT:-30}"
closing_market="${QUOTE_CLOSING_MARKET:-on}"
seed="${QUOTE_SEED:-}"
maker_args="${QUOTE_MAKER_ARGS:-}"
duration=6
dictionary="$repo/Specs/FIX44.xml"

die() { echo "quote.sh: $*" >&2; exit 2; }

configuration=release
if [ "${1:-}" = "-c" ]; then
  [ $# -ge 2 ] || die "-c needs release or debug"
  configuration="$2"
  shift 2
fi
case "$configuration" in release|debug) ;; *) die "bad configuration: $configuration (release or debug)" ;; esac
case "${1:-}" in
  -h|--help) sed -n '2,38p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) die "unexpected argument: $1 (see --help)" ;;
esac
for n in "$timeout_seconds" "$market_seconds" "$interval_ms"; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] ||
    die "QUOTE_TIMEOUT, QUOTE_MARKET_SECONDS and QUOTE_INTERVAL_MS must be positive integers"
done
[[ "$race_percent" =~ ^[0-9]+$ ]] && [ "$race_percent" -le 100 ] || die "QUOTE_RACE_PERCENT must be 0 to 100"
[ -z "$seed" ] || [[ "$seed" =~ ^[0-9]+$ ]] || die "QUOTE_SEED must be a whole number"
case "$closing_market" in on|off) ;; *) die "QUOTE_CLOSING_MARKET must be on or off" ;; esac
[ -f "$dictionary" ] || die "data dictionary not found: $dictionary"

# MARK: build

# shellcheck source=install-quickfix.sh
. "$here/install-quickfix.sh"

started=$SECONDS
install_missing
mkdir -p "$build_dir"
if [ ! -x "$peer" ] || [ "$here/quote_peer.cpp" -nt "$peer" ]; then
  echo "quote.sh: building $peer"
  # -Wno-deprecated: QuickFIX 1.15's interface uses dynamic exception specifications.
  "$cxx" -std=c++14 -O2 -Wall -Wno-deprecated "$here/quote_peer.cpp" -o "$peer" -lquickfix -lpthread
fi
echo "quote.sh: building mm ($configuration)"
(cd "$repo" && swift build -c "$configuration" --product mm) >"$build_dir/mm-quote-build.log" 2>&1 || {
  tail -30 "$build_dir/mm-quote-build.log" >&2
  die "swift build failed (log: $build_dir/mm-quote-build.log)"
}
mm="$(cd "$repo" && swift build -c "$configuration" --show-bin-path)/mm"
[ -x "$mm" ] || die "mm not found at $mm"
echo "quote.sh: built in $((SECONDS - started)) s"

# MARK: run

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    echo $((20000 + RANDOM % 30000))
  fi
}

rm -rf "$work"
mkdir -p "$work"
port="$(free_port)"
cat >"$work/maker.cfg" <<EOF
# Generated by Tools/interop/quote.sh: the market maker against quote_peer.
# Memory store (no FileStorePath); FIX logs in log/ beside this file.
[DEFAULT]
ConnectionType=initiator
BeginString=FIX.4.4
SocketConnectHost=127.0.0.1
SocketConnectPort=$port
HeartBtInt=30
ReconnectInterval=1
ResetOnLogon=Y
FileLogPath=log

[SESSION]
SenderCompID=MAKER
TargetCompID=EXCH
EOF

peer_out="$work/quote_peer.out"
maker_out="$work/mm-quote.out"
maker_err="$work/mm-quote.err"
peer_pid=""
maker_pid=""
cleanup() {
  if [ -n "$maker_pid" ]; then kill "$maker_pid" 2>/dev/null || true; fi
  if [ -n "$peer_pid" ]; then kill "$peer_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

peer_args=("$port" --dictionary "$dictionary" --work "$work/peer" --timeout "$timeout_seconds"
           --market-seconds "$market_seconds" --interval-ms "$interval_ms" --race-percent "$race_percent"
           --closing-market "$closing_market")
[ -z "$seed" ] || peer_args+=(--seed "$seed")
: >"$peer_out"
timeout -k 5 $((timeout_seconds + 30)) "$peer" "${peer_args[@]}" >"$peer_out" 2>&1 &
peer_pid=$!

listening=no
for _ in $(seq 1 100); do
  if grep -q "listening" "$peer_out" 2>/dev/null; then listening=yes; break; fi
  kill -0 "$peer_pid" 2>/dev/null || break
  sleep 0.1
done

maker_status=""
peer_status=""
if [ "$listening" = yes ]; then
  head -1 "$peer_out"
  # shellcheck disable=SC2206
  extra=($maker_args)
  echo "quote.sh: mm quote --symbol BTCUSDT --duration $duration --json ${extra[*]:-} against 127.0.0.1:$port"
  maker_status=0
  timeout -k 5 $((timeout_seconds + 30)) "$mm" quote --config "$work/maker.cfg" --symbol BTCUSDT \
    --duration "$duration" --json ${extra[@]+"${extra[@]}"} >"$maker_out" 2>"$maker_err" || maker_status=$?
  maker_pid=""
  peer_status=0
  wait "$peer_pid" || peer_status=$?
  peer_pid=""
  # quote_peer's checks, without its own summary (ours follows).
  grep -E '^(PASS|FAIL|  )' "$peer_out" || true
  peer_passed=$(grep -c '^PASS ' "$peer_out" || true)
  peer_failed=$(grep -c '^FAIL ' "$peer_out" || true)
  passed=$((passed + peer_passed))
  failed=$((failed + peer_failed))
  if [ "$peer_status" -eq 124 ] || [ "$peer_status" -eq 137 ]; then
    fail "quote_peer timed out"
  elif [ "$peer_status" -ne 0 ] && [ "$peer_failed" -eq 0 ]; then
    fail "quote_peer exited with status $peer_status"
  fi

  # The maker's exit status and summary.
  if [ "$maker_status" -eq 0 ]; then
    pass "mm quote ran for $duration s and exited 0"
  else
    fail "mm quote exited with status $maker_status"
  fi
  summary="$(grep -E '^\{' "$maker_out" | tail -1 || true)"
  number() { # the integer value of "KEY" in the summary, or empty
    printf '%s' "$summary" | grep -oE "\"$1\":-?[0-9]+" | head -1 | sed 's/.*://'
  }
  counted() { # the value after NAME in quote_peer's `counts` line, or empty
    grep -E '^counts ' "$peer_out" | tail -1 | grep -oE "(^| )$1 [^ ]+" | awk '{print $2}'
  }
  # The other half of the Logout handshake: the venue's Logout reached the maker (its message log
  # holds the messages both ways; 49=EXCH marks the received ones).
  maker_log="$work/log/FIX.4.4-MAKER-EXCH.messages.log"
  if [ -f "$maker_log" ] && tr '\001' '|' <"$maker_log" | grep -qE '\|35=5\|.*\|49=EXCH\|'; then
    pass "the maker received the venue's Logout (its FIX log)"
  else
    fail "no Logout from EXCH in the maker's FIX log ($maker_log)"
  fi
  if [ -z "$summary" ]; then
    fail "mm quote printed no JSON summary"
  else
    orders="$(number ordersSent)"
    replaces="$(number replacesSent)"
    cancels="$(number cancelsSent)"
    rejects="$(number venueRejects)"
    fills="$(number fills)"
    flatten="$(number flattenOrders)"
    position="$(number finalPosition)"
    if [ -n "$orders" ] && [ "$orders" -ge 10 ] && [ -n "$replaces" ] && [ "$replaces" -gt 0 ] &&
       [ "$rejects" = 0 ]; then
      pass "summary: ordersSent $orders >= 10, replacesSent $replaces > 0, venueRejects 0"
    else
      fail "summary: ordersSent ${orders:-?} (>= 10), replacesSent ${replaces:-?} (> 0)," \
        "venueRejects ${rejects:-?} (0): $summary"
    fi
    # The maker's counts against what the venue received and did.
    venue_position="$(counted position)"
    side="$(grep -E '^counts ' "$peer_out" | tail -1 | grep -oE ' (short|long)$' | tr -d ' ' || true)"
    lots=""
    if [ -n "$venue_position" ]; then
      lots=$((10#${venue_position/./}))  # 0.010 -> 10 lots of 0.001
      [ "$side" = short ] && lots=$((-lots))
    fi
    mine="news $orders, flatten $flatten, replaces $replaces, cancels $cancels, fills $fills, position $position"
    theirs="news $(counted news), market $(counted market), replaces $(counted replaces),"
    theirs+=" cancels $(counted cancels), fills $(counted fills), position $lots"
    if [ "$orders" = "$(counted news)" ] && [ "$flatten" = "$(counted market)" ] &&
       [ "$replaces" = "$(counted replaces)" ] && [ "$cancels" = "$(counted cancels)" ] &&
       [ "$fills" = "$(counted fills)" ] && [ "$position" = "$lots" ]; then
      pass "the maker's summary matches the venue ($mine)"
    else
      fail "the maker's summary ($mine) differs from the venue's counts ($theirs)"
    fi
  fi
else
  fail "quote_peer did not report listening"
fi

if [ "$failed" -gt 0 ]; then
  echo "  --- quote_peer output ($peer_out), but for its checks (above):"
  grep -vE '^(PASS|FAIL|  )' "$peer_out" | sed 's/^/  /' || true
  echo "  --- mm quote output ($maker_out, $maker_err):"
  sed 's/^/  /' "$maker_out" "$maker_err" 2>/dev/null || true
  echo "  FIX logs: $work/log (mm quote), $work/peer/log (quote_peer)"
else
  grep -E '^counts ' "$peer_out" | sed 's/^/quote.sh: venue /' || true
fi
echo "$passed passed, $failed failed ($((SECONDS - started)) s in all)"
[ "$failed" -eq 0 ]
