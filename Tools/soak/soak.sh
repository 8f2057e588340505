#!/usr/bin/env bash
# Soak test of memory: `mm exchange --format synthetic --speed max --lockstep` and `mm quote`
# trade over a FIX session on 127.0.0.1 (file stores, gzip message logs) at full speed for
# SOAK_MINUTES, while the resident memory (VmRSS in /proc/PID/status) of each process is
# sampled every SOAK_INTERVAL seconds into a CSV. Memory must stay flat: for each process the
# highest sample of the last 30 s may exceed the highest of the 30 s up to SOAK_BASELINE seconds
# by at most 10%, else FAIL. (Peaks, not single samples: resident memory swings by a few MB as
# the allocator returns pages and takes them again, and one sample at a trough against one at a
# crest would read as growth.)
#
#   Tools/soak/soak.sh [-c release|debug] [--short]
#
# Full mode (default): 10 minutes, a sample every 10 s, the last 30 s against the 30 s up to
# 2 minutes. --short (for CI): 2 minutes, a sample every 5 s, against the 30 s up to 1 minute;
# the output says SHORT MODE.
#
# Environment: SOAK_MINUTES           how long both run (default 10; 2 with --short)
#              SOAK_INTERVAL          seconds between samples (default 10; 5 with --short)
#              SOAK_BASELINE          seconds into the run of the sample compared with the
#                                     last (default 120; 60 with --short)
#              SOAK_RECENT_ORDERS     the exchange's --recent-orders (done orders it
#                                     remembers a participant; default 10000, so that the
#                                     window is full well before the baseline; the
#                                     exchange's own default is 100000)
#              SOAK_FREE_RUNNING      1: the market runs ahead of the market maker instead of
#                                     waiting for it (no --lockstep)
#              SOAK_KEEP              1: keep the stores and logs (they take some 250 MB a
#                                     minute) instead of removing them at the end
#
# The CSV (seconds, then VmRSS in kB of each process, then the exchange's orders and fills so
# far), the settings files and the outputs stay in Tools/soak/.build/<full|short>/ until the
# next run. Prints the curve, PASS or FAIL per process and `N passed, N failed`; exits 0 when
# all pass.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
script=soak.sh
# shellcheck source=../lib/script-support.sh
. "$repo/Tools/lib/script-support.sh"

parse_configuration "$@"
short=0
for a in "${arguments[@]}"; do
  case "$a" in
    --short) short=1 ;;
    -h|--help) show_help 30; exit 0 ;;
    *) die "unknown argument: $a (see --help)" ;;
  esac
done
if [ "$short" = 1 ]; then
  mode=short minutes="${SOAK_MINUTES:-2}" interval="${SOAK_INTERVAL:-5}" baseline="${SOAK_BASELINE:-60}"
else
  mode=full minutes="${SOAK_MINUTES:-10}" interval="${SOAK_INTERVAL:-10}" baseline="${SOAK_BASELINE:-120}"
fi
recent="${SOAK_RECENT_ORDERS:-10000}"
free_running="${SOAK_FREE_RUNNING:-0}"
keep="${SOAK_KEEP:-0}"
require_positive "SOAK_MINUTES, SOAK_INTERVAL, SOAK_BASELINE and SOAK_RECENT_ORDERS" "$minutes" "$interval" "$baseline" "$recent"
duration=$((minutes * 60))
[ "$baseline" -lt "$duration" ] || die "SOAK_BASELINE ($baseline s) must come before the end ($duration s)"
command -v python3 >/dev/null 2>&1 || die "needs python3 (free port, curve)"
[ -r /proc/self/status ] || die "needs /proc (Linux) to read the processes' resident memory"

work="$here/.build/$mode"
rm -rf "$work"
mkdir -p "$work"
build_swift_product mm "$work/mm-build.log"
mm="$product_path"

kill_on_exit

port="$(free_port)"
cat >"$work/exchange.cfg" <<EOF
# The exchange of the soak test: acceptor EXCH for MAKER, written by soak.sh.
[DEFAULT]
ConnectionType=acceptor
SenderCompID=EXCH
SocketAcceptAddress=127.0.0.1
SocketAcceptPort=$port
FileStorePath=exchange/store
FileLogPath=exchange/log
FileLogCompression=gzip
# Durability is not what is measured: the operating system writes back when it likes.
FileStoreSync=never

[SESSION]
TargetCompID=MAKER
EOF
cat >"$work/maker.cfg" <<EOF
# The market maker of the soak test: initiator MAKER to EXCH, written by soak.sh.
[DEFAULT]
ConnectionType=initiator
SocketConnectHost=127.0.0.1
SocketConnectPort=$port
ReconnectInterval=1
FileStorePath=maker/store
FileLogPath=maker/log
FileLogCompression=gzip
FileStoreSync=never

[SESSION]
SenderCompID=MAKER
TargetCompID=EXCH
EOF

pace=(--lockstep)
[ "$free_running" = 1 ] && pace=()
[ "$short" = 1 ] && echo "$script: SHORT MODE (for CI): $minutes minutes, a sample every $interval s, the last against the one at $baseline s"
echo "$script: $mode run of $minutes minutes on port $port: mm exchange --speed max ${pace[*]:-(free-running)} --recent-orders $recent, and mm quote"

# A market far longer than the run (the synthetic market is generated as it is replayed).
(cd "$work" && exec "$mm" exchange --config exchange.cfg --format synthetic --days 100000 --speed max "${pace[@]}" \
   --recent-orders "$recent" --status-interval "$interval" >exchange.out 2>exchange.err) &
exchange_pid=$!
pids+=("$exchange_pid")
for _ in $(seq 1 200); do grep -q listening "$work/exchange.out" 2>/dev/null && break; sleep 0.1; done
(cd "$work" && exec "$mm" quote --config maker.cfg --symbol SYNTH --tick-size 0.01 --status-interval "$interval" --json \
   >quote.out 2>quote.err) &
quote_pid=$!
pids+=("$quote_pid")

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# The exchange's orders and fills so far, from its last status line.
progress() {
  { grep -o 'orders [0-9]*, fills [0-9]*' "$work/exchange.out" 2>/dev/null || true; } | tail -n 1 \
    | awk '{ gsub(",", "", $2); print $2 "," $4 }'
}

csv="$work/rss.csv"
echo "seconds,exchange_kb,quote_kb,orders,fills" >"$csv"
start=$SECONDS
next=$interval
died=""
while [ $((SECONDS - start)) -lt "$duration" ]; do
  sleep $((start + next - SECONDS > 0 ? start + next - SECONDS : 0))
  kill -0 "$exchange_pid" 2>/dev/null || died="$died exchange"
  kill -0 "$quote_pid" 2>/dev/null || died="$died quote"
  [ -z "$died" ] || break
  p="$(progress)"
  echo "$next,$(rss "$exchange_pid"),$(rss "$quote_pid"),${p:-0,0}" >>"$csv"
  next=$((next + interval))
done

# A clean stop: the market maker cancels and logs out, then the exchange.
quote_status=0 exchange_status=0
kill -TERM "$quote_pid" 2>/dev/null || true
wait "$quote_pid" || quote_status=$?
kill -TERM "$exchange_pid" 2>/dev/null || true
wait "$exchange_pid" || exchange_status=$?
pids=()
disk="$(du -sh "$work/exchange" "$work/maker" 2>/dev/null | awk '{ printf "%s%s %s", sep, $2, $1; sep = ", " }' | sed "s|$work/||g")"
[ "$keep" = 1 ] || rm -rf "$work/exchange" "$work/maker"

checks="$(python3 - "$csv" "$baseline" <<'EOF' || true

import csv, sys

path, baseline = sys.argv[1], int(sys.argv[2])
rows = list(csv.DictReader(open(path)))
if not rows:
    print("FAIL no sample taken")
    sys.exit(1)
processes = [("exchange", "exchange_kb"), ("quote", "quote_kb")]
top = max(int(r[k]) for r in rows for _, k in processes) or 1
print("Resident memory (VmRSS, MB) and the exchange's orders so far")
print("    time   exchange      quote     orders")
for r in rows:
    t = int(r["seconds"])
    ex, q = int(r["exchange_kb"]) / 1024, int(r["quote_kb"]) / 1024
    bar = "#" * round(40 * int(r["exchange_kb"]) / top)
    mark = "  <- baseline" if t == baseline else ""
    print(f"  {t // 60:3d}:{t % 60:02d} {ex:9.1f} {q:10.1f} {int(r['orders']):10d}  {bar}{mark}")
base = next((r for r in rows if int(r["seconds"]) >= baseline), None)
last = rows[-1]
failures = 0
for name, key in processes:
    if base is None or base is last:
        print(f"FAIL {name}: the run ended before the baseline at {baseline} s")
        failures += 1
        continue
    # The peaks of the 30 s up to the baseline and of the last 30 s.
    bt, lt = int(base["seconds"]), int(last["seconds"])
    b = max(int(r[key]) for r in rows if bt - 30 <= int(r["seconds"]) <= bt)
    l = max(int(r[key]) for r in rows if int(r["seconds"]) > bt and int(r["seconds"]) >= lt - 30)
    change = (l - b) / b * 100 if b else float("inf")
    ok = l <= b * 1.10
    failures += 0 if ok else 1
    print(f"{'PASS' if ok else 'FAIL'} {name}: peak {l / 1024:.1f} MB in the last 30 s (to {lt} s), "
          f"{b / 1024:.1f} MB in the 30 s to {bt} s ({change:+.1f}%; at most +10%)")
if int(last["orders"]) == 0:
    print("FAIL trading: the exchange reported no order")
    failures += 1
sys.exit(failures)
EOF
)"
echo "$checks"
[ -z "$died" ] || checks="$checks
FAIL processes: ended before the time was up:$died (see $work/*.err)"
if [ "$quote_status" = 0 ] && [ "$exchange_status" = 0 ]; then
  line="PASS clean stop: mm quote and mm exchange exit 0"
else
  line="FAIL clean stop: mm quote exit $quote_status, mm exchange exit $exchange_status"
fi
echo "$line"
checks="$checks
$line"
passed=$(grep -c '^PASS' <<<"$checks" || true)
failed=$(grep -c '^FAIL' <<<"$checks" || true)
echo "$script: stores and logs came to $disk$([ "$keep" = 1 ] && echo " (kept)" || echo " (removed)"); samples in $csv"
[ "$short" = 1 ] && echo "$script: SHORT MODE: a bounded check for CI; Tools/soak/soak.sh without --short runs the 10-minute soak"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
