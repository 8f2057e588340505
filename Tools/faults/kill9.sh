#!/usr/bin/env bash
# Crash test: one side of a FIX session is killed with SIGKILL at random instants while both
# sides stream application messages, and restarted on the same store each time. At the end
# each side must have received every one of the other side's messages exactly once, and the
# session must log out cleanly.
#
#   Tools/faults/kill9.sh [-c release|debug] [SCENARIO...]
#
# Scenarios (both by default), two `fix-peer`s (Tools/fix-peer) on a free local port:
#   initiator  the initiator is killed and restarted
#   acceptor   the acceptor is killed and restarted (the initiator reconnects by itself)
#
# Each fix-peer keeps a FileStore (fsync never: a killed process loses nothing the kernel has)
# and a journal of the messages its application received (see the top of
# Tools/fix-peer/main.swift). A restarted fix-peer resumes sending after the highest message
# in its store and counts as received what its journal holds; the session layer delivers at
# least once, so a message delivered just before the kill may come again, with the MsgSeqNum
# it had, and the journal tells it apart. Lost messages show as `missing`, messages delivered
# twice under different sequence numbers as `duplicates`: both must be 0.
#
# Environment: KILL9_MESSAGES  messages each way (default 10000)
#              KILL9_RATE      messages a second each side sends (default 2000, so that the
#                              stream lasts long enough for the kills)
#              KILL9_KILLS     kills per scenario (default 3)
#              KILL9_TIMEOUT   seconds per scenario (default 90)
#
# Stores, journals, logs and outputs stay in Tools/faults/.build/kill9/<scenario>/ until the
# next run. Prints PASS or FAIL per scenario and `N passed, N failed`; exits 0 when all pass.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$here/.build/kill9"
messages="${KILL9_MESSAGES:-10000}"
rate="${KILL9_RATE:-2000}"
kills="${KILL9_KILLS:-3}"
timeout_seconds="${KILL9_TIMEOUT:-90}"

script=kill9.sh
# shellcheck source=../lib/script-support.sh
. "$repo/Tools/lib/script-support.sh"

parse_configuration "$@"
case "${arguments[0]:-}" in -h|--help) show_help 28; exit 0 ;; esac
scenarios=("${arguments[@]}")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(initiator acceptor)
for s in "${scenarios[@]}"; do
  case "$s" in initiator|acceptor) ;; *) die "unknown scenario: $s (initiator or acceptor)" ;; esac
done
require_positive "KILL9_* values" "$messages" "$rate" "$kills" "$timeout_seconds"
command -v python3 >/dev/null 2>&1 || die "needs python3 (free ports, random delays)"

started=$SECONDS
mkdir -p "$work"
build_swift_product fix-peer "$work/fix-peer-build.log"
fix_peer="$product_path"

kill_on_exit

summary_ok() {  # FILE: its last line must be the summary of a complete exchange
  tail -n 1 "$1" 2>/dev/null | grep -qx "sent $messages received $messages duplicates 0 missing 0"
}

passed=0
failed=0

run_scenario() {
  local victim="$1"
  local dir="$work/$victim"
  rm -rf "$dir"
  mkdir -p "$dir"
  local port
  port="$(free_port)"
  local start_ns
  start_ns=$(date +%s%N)
  local acceptor_cmd=("$fix_peer" --role acceptor --port "$port" --sender ACC --target INI --messages "$messages"
                      --rate "$rate" --store "$dir/acceptor/store" --journal "$dir/acceptor.journal"
                      --log "$dir/acceptor/log" --timeout "$timeout_seconds")
  local initiator_cmd=("$fix_peer" --role initiator --port "$port" --sender INI --target ACC --messages "$messages"
                       --rate "$rate" --store "$dir/initiator/store" --journal "$dir/initiator.journal"
                       --log "$dir/initiator/log" --timeout "$timeout_seconds")
  local acceptor_pid initiator_pid run=0
  "${acceptor_cmd[@]}" >"$dir/acceptor.out.$run" 2>&1 &
  acceptor_pid=$!
  pids+=("$acceptor_pid")
  for _ in $(seq 1 100); do
    grep -q listening "$dir/acceptor.out.$run" 2>/dev/null && break
    sleep 0.1
  done
  "${initiator_cmd[@]}" >"$dir/initiator.out.$run" 2>&1 &
  initiator_pid=$!
  pids+=("$initiator_pid")

  local k delay victim_pid note=""
  for k in $(seq 1 "$kills"); do
    delay="$(python3 -c 'import random; print(round(random.uniform(0.4, 1.2), 2))')"
    sleep "$delay"
    if [ "$victim" = initiator ]; then victim_pid=$initiator_pid; else victim_pid=$acceptor_pid; fi
    if ! kill -0 "$victim_pid" 2>/dev/null; then
      note=" (the $victim had already ended before kill $k)"
      break
    fi
    kill -9 "$victim_pid"
    wait "$victim_pid" 2>/dev/null || true
    run=$((run + 1))
    echo "  kill $k: $victim killed after ${delay} s, restarting" >>"$dir/kills.txt"
    if [ "$victim" = initiator ]; then
      "${initiator_cmd[@]}" >"$dir/initiator.out.$run" 2>&1 &
      initiator_pid=$!
      pids+=("$initiator_pid")
    else
      "${acceptor_cmd[@]}" >"$dir/acceptor.out.$run" 2>&1 &
      acceptor_pid=$!
      pids+=("$acceptor_pid")
    fi
  done

  local initiator_status=0 acceptor_status=0
  wait "$initiator_pid" || initiator_status=$?
  wait "$acceptor_pid" || acceptor_status=$?
  local acceptor_out initiator_out
  acceptor_out="$(ls -1 "$dir"/acceptor.out.* | sort -t. -k3 -n | tail -n 1)"
  initiator_out="$(ls -1 "$dir"/initiator.out.* | sort -t. -k3 -n | tail -n 1)"
  local elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
  local elapsed="$((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000))) s"
  local description="the $victim killed with SIGKILL $run times and restarted$note"

  if [ "$run" -eq "$kills" ] && [ "$initiator_status" -eq 0 ] && [ "$acceptor_status" -eq 0 ] \
     && summary_ok "$acceptor_out" && summary_ok "$initiator_out"; then
    passed=$((passed + 1))
    echo "PASS $victim: $description ($elapsed)"
  else
    failed=$((failed + 1))
    echo "FAIL $victim: $description ($elapsed; initiator exit $initiator_status, acceptor exit $acceptor_status)"
    echo "  --- initiator ($initiator_out):"
    tail -n 12 "$initiator_out" | sed 's/^/  /'
    echo "  --- acceptor ($acceptor_out):"
    tail -n 12 "$acceptor_out" | sed 's/^/  /'
    echo "  logs: $dir"
  fi
  grep -h "recovered\|delivered again" "$dir"/"$victim".out.* | sed 's/^/  /' || true
  echo "  initiator: $(tail -n 1 "$initiator_out" 2>/dev/null)"
  echo "  acceptor:  $(tail -n 1 "$acceptor_out" 2>/dev/null)"
}

echo "kill9.sh: $messages messages each way at $rate a second, $kills kills per scenario"
for s in "${scenarios[@]}"; do run_scenario "$s"; done
echo "$passed passed, $failed failed ($((SECONDS - started)) s in all)"
[ "$failed" -eq 0 ]
