#!/usr/bin/env bash
# Interoperability test against QuickFIX C++ (Debian's libquickfix-dev): the engine's `fix-peer`
# (Tools/fix-peer) and the QuickFIX program `peer` (Tools/interop/peer.cpp) log on, exchange N
# NewOrderSingle messages each way (default 10,000), survive one forced disconnect (no Logout)
# whose gaps are recovered by ResendRequest, and log out cleanly; each side checks that it
# received every one of the other's messages exactly once.
#
#   Tools/interop/run.sh [-c release|debug] [SCENARIO...]
#
# Scenarios (all by default):
#   a  QuickFIX initiator -> fix-peer acceptor; fix-peer drops the connection
#   b  fix-peer initiator -> QuickFIX acceptor; QuickFIX drops the connection
#   c  QuickFIX initiator -> fix-peer acceptor; QuickFIX drops the connection
#   d  fix-peer initiator -> QuickFIX acceptor; fix-peer drops the connection
#
# It installs libquickfix-dev and g++ when missing (apt-get, as root or with sudo), builds
# Tools/interop/.build/peer and `swift build -c CONFIG --product fix-peer` (default release),
# runs each scenario on a free local port with a timeout, prints PASS or FAIL for each and
# `N passed, N failed`, and exits 0 only when all pass.
#
# Environment: INTEROP_MESSAGES          messages each way (default 10000)
#              INTEROP_DISCONNECT_AFTER  the forced disconnect comes after this many sent (default 3000)
#              INTEROP_TIMEOUT           seconds per scenario (default 90)
#              INTEROP_ATTEMPTS          attempts per scenario (default 2): a scenario that fails is
#                                        run again from scratch; the failed attempt is printed in
#                                        full, its logs kept in <scenario>.attempt<N>/, and the
#                                        scenario's line says "PASS on attempt 2"
#              CXX                       C++ compiler (default g++)
#
# Stores, logs and outputs go to Tools/interop/.build/interop/<scenario>/ (kept for inspection,
# wiped at the next run).
#
# This product includes software developed by quickfixengine.org (http://www.quickfixengine.org/).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build_dir="$here/.build"
peer="$build_dir/peer"
work="$build_dir/interop"
cxx="${CXX:-g++}"
messages="${INTEROP_MESSAGES:-10000}"
disconnect_after="${INTEROP_DISCONNECT_AFTER:-3000}"
timeout_seconds="${INTEROP_TIMEOUT:-90}"
attempts="${INTEROP_ATTEMPTS:-2}"
dictionary="$repo/Specs/FIX44.xml"

script=run.sh
# shellcheck source=../lib/script-support.sh
. "$repo/Tools/lib/script-support.sh"

parse_configuration "$@"
case "${arguments[0]:-}" in -h|--help) show_help 33; exit 0 ;; esac
scenarios=("${arguments[@]}")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(a b c d)
for s in "${scenarios[@]}"; do
  case "$s" in a|b|c|d) ;; *) die "unknown scenario: $s (a, b, c or d)" ;; esac
done
require_positive "INTEROP_* values" "$messages" "$disconnect_after" "$timeout_seconds" "$attempts"
[ -f "$dictionary" ] || die "data dictionary not found: $dictionary"

# MARK: build

# shellcheck source=install-quickfix.sh
. "$here/install-quickfix.sh"

started=$SECONDS
install_missing
build_quickfix_program "$here/peer.cpp" "$peer"
build_swift_product fix-peer "$build_dir/fix-peer-build.log"
fix_peer="$product_path"
echo "run.sh: built in $((SECONDS - started)) s"

# MARK: scenarios

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# Waits until FILE says "listening" or PID has ended.
wait_listening() {
  local file="$1" pid="$2"
  for _ in $(seq 1 100); do
    grep -q "listening" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

summary_ok() {  # FILE: its last line must be the summary of a complete exchange
  tail -n 1 "$1" 2>/dev/null | grep -qx "sent $messages received $messages duplicates 0 missing 0"
}

passed=0
failed=0

# attempt_scenario NAME DESCRIPTION OUR_ROLE WHO_DISCONNECTS(ours|theirs) ATTEMPT: one run of a
# scenario; prints PASS or FAIL with the details and returns 0 on PASS.
attempt_scenario() {
  local name="$1" description="$2" our_role="$3" who="$4" attempt="$5"
  local dir="$work/$name"
  local label=""
  [ "$attempt" -eq 1 ] || label=" on attempt $attempt"
  rm -rf "$dir"
  mkdir -p "$dir"
  local port
  port="$(free_port)"
  local ours_disconnect=() theirs_disconnect=()
  if [ "$who" = ours ]; then ours_disconnect=(--disconnect-after "$disconnect_after"); else theirs_disconnect=("$disconnect_after"); fi
  local kill_after=$((timeout_seconds + 10))
  local fix_peer_cmd peer_cmd
  local start_ns
  start_ns=$(date +%s%N)

  if [ "$our_role" = acceptor ]; then
    fix_peer_cmd=("$fix_peer" --role acceptor --port "$port" --sender ACC --target INI --messages "$messages"
                  --store "$dir/fix-peer/store" --log "$dir/fix-peer/log" --timeout "$timeout_seconds"
                  "${ours_disconnect[@]}")
    peer_cmd=("$peer" initiator "$port" INI ACC "$messages" "${theirs_disconnect[@]}")
  else
    fix_peer_cmd=("$fix_peer" --role initiator --port "$port" --sender INI --target ACC --messages "$messages"
                  --store "$dir/fix-peer/store" --log "$dir/fix-peer/log" --timeout "$timeout_seconds"
                  "${ours_disconnect[@]}")
    peer_cmd=("$peer" acceptor "$port" ACC INI "$messages" "${theirs_disconnect[@]}")
  fi

  local acceptor_pid initiator_pid acceptor_out initiator_out
  if [ "$our_role" = acceptor ]; then
    acceptor_out="$dir/fix-peer.out"; initiator_out="$dir/peer.out"
    timeout -k 5 "$kill_after" "${fix_peer_cmd[@]}" >"$acceptor_out" 2>&1 &
    acceptor_pid=$!
  else
    acceptor_out="$dir/peer.out"; initiator_out="$dir/fix-peer.out"
    PEER_WORK_DIR="$dir/peer" PEER_DICTIONARY="$dictionary" PEER_TIMEOUT="$timeout_seconds" \
      timeout -k 5 "$kill_after" "${peer_cmd[@]}" >"$acceptor_out" 2>&1 &
    acceptor_pid=$!
  fi
  pids+=("$acceptor_pid")
  wait_listening "$acceptor_out" "$acceptor_pid" || echo "run.sh: $name: the acceptor did not report listening" >>"$acceptor_out"
  if [ "$our_role" = acceptor ]; then
    PEER_WORK_DIR="$dir/peer" PEER_DICTIONARY="$dictionary" PEER_TIMEOUT="$timeout_seconds" \
      timeout -k 5 "$kill_after" "${peer_cmd[@]}" >"$initiator_out" 2>&1 &
    initiator_pid=$!
  else
    timeout -k 5 "$kill_after" "${fix_peer_cmd[@]}" >"$initiator_out" 2>&1 &
    initiator_pid=$!
  fi
  pids+=("$initiator_pid")

  local initiator_status=0 acceptor_status=0
  wait "$initiator_pid" || initiator_status=$?
  wait "$acceptor_pid" || acceptor_status=$?
  local elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
  local elapsed
  elapsed="$((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000))) s"

  local status=0
  if [ "$initiator_status" -eq 0 ] && [ "$acceptor_status" -eq 0 ] && summary_ok "$acceptor_out" && summary_ok "$initiator_out"; then
    echo "PASS $name$label: $description ($elapsed)"
  else
    status=1
    echo "FAIL $name$label: $description ($elapsed; initiator exit $initiator_status, acceptor exit $acceptor_status)"
    echo "  --- initiator ($initiator_out):"
    tail -n 12 "$initiator_out" | sed 's/^/  /'
    echo "  --- acceptor ($acceptor_out):"
    tail -n 12 "$acceptor_out" | sed 's/^/  /'
    # The last session events of both engines show which side stopped sending or reading.
    local events
    for events in "$dir"/fix-peer/log/*.event.log "$dir"/peer/log/FIX.4.4-*.event*.log; do
      [ -f "$events" ] || continue
      echo "  --- last events ($events):"
      tail -n 8 "$events" | sed 's/^/  /'
    done
    echo "  logs: $dir"
  fi
  echo "  initiator: $(tail -n 1 "$initiator_out" 2>/dev/null)"
  echo "  acceptor:  $(tail -n 1 "$acceptor_out" 2>/dev/null)"
  return "$status"
}

retried=0
# run_scenario NAME DESCRIPTION OUR_ROLE WHO_DISCONNECTS: up to INTEROP_ATTEMPTS attempts; a failed
# attempt's directory is kept as NAME.attemptN.
run_scenario() {
  local name="$1" attempt
  rm -rf "$work/$name".attempt*
  for attempt in $(seq 1 "$attempts"); do
    if attempt_scenario "$@" "$attempt"; then
      passed=$((passed + 1))
      [ "$attempt" -eq 1 ] || retried=$((retried + 1))
      return
    fi
    if [ "$attempt" -lt "$attempts" ]; then
      mv "$work/$name" "$work/$name.attempt$attempt"
      echo "  (kept as $work/$name.attempt$attempt; trying again)"
    fi
  done
  failed=$((failed + 1))
}

echo "run.sh: $messages messages each way, forced disconnect after $disconnect_after sent, timeout ${timeout_seconds} s"
for s in "${scenarios[@]}"; do
  case "$s" in
    a) run_scenario a "QuickFIX initiator -> fix-peer acceptor, fix-peer drops the connection" acceptor ours ;;
    b) run_scenario b "fix-peer initiator -> QuickFIX acceptor, QuickFIX drops the connection" initiator theirs ;;
    c) run_scenario c "QuickFIX initiator -> fix-peer acceptor, QuickFIX drops the connection" acceptor theirs ;;
    d) run_scenario d "fix-peer initiator -> QuickFIX acceptor, fix-peer drops the connection" initiator ours ;;
  esac
done
echo "$passed passed ($retried of them on a later attempt), $failed failed ($((SECONDS - started)) s in all)"
[ "$failed" -eq 0 ]
