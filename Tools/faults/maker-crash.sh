#!/usr/bin/env bash
# Crash test of the market maker against the simulated exchange: `mm quote` quotes SYNTH on
# `mm exchange --format synthetic` over a FIX session with file stores while one of the two is
# killed with SIGKILL at chosen instants and restarted on the same stores. At the end the
# market maker's position and volume must be the venue's, no order of its may be left working
# at the venue, no ClOrdID of its may have been used twice or refused as a duplicate, and each
# reconciliation after a logon must have ended at the venue's position.
#
#   Tools/faults/maker-crash.sh [-c release|debug] [SCENARIO...]
#
# Scenarios (both by default), each on a free local port:
#   maker     the exchange runs throughout; `mm quote` is killed MAKER_CRASH_ROUNDS times and
#             restarted on its store (its journal recovers its state), then runs once more
#             with --duration and stops cleanly (cancels, logs out, prints its summary)
#   exchange  one `mm quote` runs throughout (it reconnects by itself); `mm exchange` is killed
#             MAKER_CRASH_ROUNDS times and restarted on its stores; then the market maker is
#             stopped with SIGTERM (it prints its summary) and the exchange after it
#
# The kills cycle through: in a burst of fills (3 fills to MAKER within 0.25 s in the log of
# the side killed: the market maker's in `maker`, the exchange's in `exchange`), as the market
# maker's reconciliation after its logon starts (0-5 ms after its event log says so), and at a
# random instant 0.3-1.5 s after the start of the process killed.
#
# Checks (PASS or FAIL each, per scenario; Tools/faults/maker_crash.py reads the logs):
#   clean stop        the last `mm quote` exits 0 with its JSON summary, the exchange exits 0
#   ClOrdIDs          no request of the market maker reuses a ClOrdID (its message log) and
#                     the exchange refused none as a duplicate (OrdRejReason 6, CxlRejReason 6
#                     or "Duplicate ClOrdID" in its message log)
#   position, volume  the summary's finalPosition and volumeLots against MAKER's position and
#                     bought + sold in `mm replay --json` of the exchange's logs
#   orders at the end no order chain of MAKER in that replay ends working
#   reconciliations   each "Reconciled with the venue ...: position N" of the market maker's
#                     event log against the position of the fills the exchange had reported
#                     up to the last message the market maker had received by then; "position
#                     differs" and "unknown to the market maker" differences fail (the journal
#                     should have avoided them) unless the journal was deleted on purpose;
#                     other differences are counted and shown
#
# Environment: MAKER_CRASH_ROUNDS         kills per scenario (default 5)
#              MAKER_CRASH_SPEED          the synthetic market's pace (default 20 times the
#                                         recorded one: some 40 fills a second)
#              MAKER_CRASH_DURATION       seconds of the market maker's last, clean run
#                                         (default 8)
#              MAKER_CRASH_SEED           seed of the kill instants (default: random; printed)
#              MAKER_CRASH_LOSE_JOURNAL   1: delete the market maker's journal after each kill
#                                         (scenario maker): ClOrdIDs must still be
#                                         unique and the end agree with the venue (the
#                                         summary's volume may then fall short of it)
#
# Stores, logs, settings files and outputs stay in Tools/faults/.build/maker-crash/<scenario>/
# until the next run. Prints PASS or FAIL per check and `N passed, N failed`; exits 0 when all
# pass.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$here/.build/maker-crash"
rounds="${MAKER_CRASH_ROUNDS:-5}"
speed="${MAKER_CRASH_SPEED:-20}"
final_duration="${MAKER_CRASH_DURATION:-8}"
seed="${MAKER_CRASH_SEED:-$((RANDOM * 32768 + RANDOM))}"
lose_journal="${MAKER_CRASH_LOSE_JOURNAL:-0}"

script=maker-crash.sh
# shellcheck source=../lib/script-support.sh
. "$repo/Tools/lib/script-support.sh"

parse_configuration "$@"
case "${arguments[0]:-}" in -h|--help) show_help 50; exit 0 ;; esac
scenarios=("${arguments[@]}")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(maker exchange)
for s in "${scenarios[@]}"; do
  case "$s" in maker|exchange) ;; *) die "unknown scenario: $s (maker or exchange)" ;; esac
done
require_positive "MAKER_CRASH_* values" "$rounds" "$speed" "$final_duration"
[[ "$seed" =~ ^[0-9]+$ ]] || die "MAKER_CRASH_SEED must be a whole number"
case "$lose_journal" in 0|1) ;; *) die "MAKER_CRASH_LOSE_JOURNAL must be 0 or 1" ;; esac
command -v python3 >/dev/null 2>&1 || die "needs python3 (free ports, kill instants, checks)"
helper="$here/maker_crash.py"

started=$SECONDS
mkdir -p "$work"
build_swift_product mm "$work/mm-build.log"
mm="$product_path"

kill_on_exit

passed=0
failed=0

# result OK TEXT: one PASS or FAIL line.
result() {
  if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "PASS $2"; else failed=$((failed + 1)); echo "FAIL $2"; fi
}

size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }
now() { date +%s.%N; }

# wait_for FILE TEXT SECONDS [OFFSET]: until TEXT appears in FILE after OFFSET bytes; 1 on timeout.
wait_for() {
  local file="$1" text="$2" limit="$3" offset="${4:-0}" i
  for i in $(seq 1 $((limit * 10))); do
    tail -c +"$((offset + 1))" "$file" 2>/dev/null | grep -qF "$text" && return 0
    sleep 0.1
  done
  return 1
}

write_settings() {  # DIR PORT
  cat >"$1/exchange.cfg" <<EOF
# The exchange of the crash test: acceptor EXCH for MAKER, written by maker-crash.sh.
[DEFAULT]
ConnectionType=acceptor
SenderCompID=EXCH
SocketAcceptAddress=127.0.0.1
SocketAcceptPort=$2
FileStorePath=exchange/store
FileLogPath=exchange/log
# A SIGKILL loses nothing the kernel has: no fdatasync needed (and the run stays fast).
FileStoreSync=never

[SESSION]
TargetCompID=MAKER
EOF
  cat >"$1/maker.cfg" <<EOF
# The market maker of the crash test: initiator MAKER to EXCH, written by maker-crash.sh.
[DEFAULT]
ConnectionType=initiator
SocketConnectHost=127.0.0.1
SocketConnectPort=$2
HeartBtInt=2
ReconnectInterval=1
FileStorePath=maker/store
FileLogPath=maker/log
FileStoreSync=never

[SESSION]
SenderCompID=MAKER
TargetCompID=EXCH
EOF
}

kind_of_round() {  # ROUND: burst, reconciling, burst, early, burst, ...
  case $((($1 - 1) % 4)) in 0|2) echo burst ;; 1) echo reconciling ;; 3) echo early ;; esac
}

run_scenario() {
  local scenario="$1"
  local dir="$work/$scenario"
  rm -rf "$dir"
  mkdir -p "$dir"
  local port
  port="$(free_port)"
  write_settings "$dir" "$port"
  local exchange_cmd=("$mm" exchange --config "$dir/exchange.cfg" --format synthetic --speed "$speed" --status-interval 3600)
  local maker_cmd=("$mm" quote --config "$dir/maker.cfg" --symbol SYNTH --tick-size 0.01 --status-interval 3600)
  local maker_messages="$dir/maker/log/FIX.4.4-MAKER-EXCH.messages.log"
  local maker_events="$dir/maker/log/FIX.4.4-MAKER-EXCH.event.log"
  local exchange_messages="$dir/exchange/log/FIX.4.4-EXCH-MAKER.messages.log"
  local journal="$dir/maker/store/FIX.4.4-MAKER-EXCH.maker"
  local start_ns
  start_ns=$(date +%s%N)
  echo "$scenario: port $port, $rounds kills, market at $speed times its pace, seed $seed"

  local exchange_pid maker_pid ex_run=0 mk_run=0 k mode line begin journal_lost=0 note=""
  "${exchange_cmd[@]}" >"$dir/exchange.out.$ex_run" 2>"$dir/exchange.err.$ex_run" &
  exchange_pid=$!
  pids+=("$exchange_pid")
  wait_for "$dir/exchange.out.$ex_run" listening 20 || note="; the exchange did not say it was listening"

  local maker_status=0 exchange_status=0 maker_out
  if [ "$scenario" = maker ]; then
    for k in $(seq 1 "$rounds"); do
      mode="$(kind_of_round "$k")"
      local fills_offset events_offset
      fills_offset="$(size_of "$maker_messages")"
      events_offset="$(size_of "$maker_events")"
      begin="$(now)"
      "${maker_cmd[@]}" >"$dir/maker.out.$mk_run" 2>"$dir/maker.err.$mk_run" &
      maker_pid=$!
      pids+=("$maker_pid")
      line="$(python3 "$helper" kill --pid "$maker_pid" --mode "$mode" --start "$begin" --fills "$maker_messages" \
              --fills-offset "$fills_offset" --events "$maker_events" --events-offset "$events_offset" \
              --timeout 15 --seed "$((seed + k))")" || true
      wait "$maker_pid" 2>/dev/null || true
      echo "  kill $k ($mode): market maker $line" | tee -a "$dir/kills.txt"
      mk_run=$((mk_run + 1))
      if [ "$lose_journal" = 1 ] && [ -f "$journal" ]; then
        rm -f "$journal"
        journal_lost=$((journal_lost + 1))
        echo "  journal deleted after kill $k" | tee -a "$dir/kills.txt"
      fi
    done
    maker_out="$dir/maker.out.$mk_run"
    "${maker_cmd[@]}" --duration "$final_duration" --json >"$maker_out" 2>"$dir/maker.err.$mk_run" &
    maker_pid=$!
    pids+=("$maker_pid")
    wait "$maker_pid" || maker_status=$?
    kill -TERM "$exchange_pid" 2>/dev/null || true
    wait "$exchange_pid" || exchange_status=$?
  else
    maker_out="$dir/maker.out.$mk_run"
    "${maker_cmd[@]}" --json >"$maker_out" 2>"$dir/maker.err.$mk_run" &
    maker_pid=$!
    pids+=("$maker_pid")
    wait_for "$maker_events" "Reconciled with the venue" 20 || note="$note; the market maker did not start quoting in 20 s"
    local ex_begin fills_offset events_offset
    ex_begin="$(now)"
    fills_offset="$(size_of "$exchange_messages")"
    events_offset="$(size_of "$maker_events")"
    for k in $(seq 1 "$rounds"); do
      mode="$(kind_of_round "$k")"
      line="$(python3 "$helper" kill --pid "$exchange_pid" --mode "$mode" --start "$ex_begin" --fills "$exchange_messages" \
              --fills-offset "$fills_offset" --events "$maker_events" --events-offset "$events_offset" \
              --timeout 25 --seed "$((seed + k))")" || true
      wait "$exchange_pid" 2>/dev/null || true
      echo "  kill $k ($mode): exchange $line" | tee -a "$dir/kills.txt"
      ex_run=$((ex_run + 1))
      fills_offset="$(size_of "$exchange_messages")"
      events_offset="$(size_of "$maker_events")"
      ex_begin="$(now)"
      "${exchange_cmd[@]}" >"$dir/exchange.out.$ex_run" 2>"$dir/exchange.err.$ex_run" &
      exchange_pid=$!
      pids+=("$exchange_pid")
    done
    # The market maker back and quoting, a little trading, then a clean stop of both.
    wait_for "$maker_events" "Reconciled with the venue" 30 "$events_offset" \
      || note="$note; the market maker had not reconciled 30 s after the last restart"
    sleep 2
    kill -TERM "$maker_pid" 2>/dev/null || true
    wait "$maker_pid" || maker_status=$?
    kill -TERM "$exchange_pid" 2>/dev/null || true
    wait "$exchange_pid" || exchange_status=$?
  fi

  local summary_found=1
  grep -q '^{' "$maker_out" && summary_found=0
  result "$(( maker_status == 0 && exchange_status == 0 && summary_found == 0 ? 0 : 1 ))" \
    "$scenario: clean stop: market maker exit $maker_status$([ $summary_found = 0 ] && echo " with its summary" || echo ", no summary"), exchange exit $exchange_status$note"
  [ "$summary_found" = 0 ] || tail -n 5 "$dir/maker.err.$mk_run" | sed 's/^/  /'

  local replay="$dir/replay.json"
  "$mm" replay "$dir/exchange/log" --json --timeline-limit 1 >"$replay" 2>"$dir/replay.err" || true
  local checks
  checks="$(python3 "$helper" check --exchange-log "$dir/exchange/log" --maker-log "$dir/maker/log" --replay "$replay" \
            --summary "$maker_out" --journal-lost "$journal_lost" 2>&1)" || true
  echo "$checks" >"$dir/checks.txt"
  while IFS= read -r line; do
    case "$line" in
      "PASS "*) passed=$((passed + 1)); echo "PASS $scenario: ${line#PASS }" ;;
      "FAIL "*) failed=$((failed + 1)); echo "FAIL $scenario: ${line#FAIL }" ;;
      *) echo "$line" ;;
    esac
  done <<<"$checks"
  grep -h "state recovered" "$dir"/maker.out.* 2>/dev/null | sed 's/^/  /' || true
  local elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
  echo "  $scenario: $((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000))) s; logs: $dir"
}

for s in "${scenarios[@]}"; do run_scenario "$s"; done
echo "$passed passed, $failed failed ($((SECONDS - started)) s in all)"
[ "$failed" -eq 0 ]
