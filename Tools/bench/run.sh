#!/usr/bin/env bash
# Session benchmarks of the engine next to QuickFIX C++ (Debian's libquickfix-dev): the same two
# scenarios on each, an initiator session and an acceptor session in one process over loopback
# TCP, each with a file store (no fsync), no message log and data-dictionary validation:
#
#   throughput  NewOrderSingle one way, in batches of 1000 (the next batch once the acceptor has
#               counted the last), 10 warm-up batches, 300 measured; median of the batches' rates
#   round trip  NewOrderSingle -> ExecutionReport echo, one at a time, 1000 warm-up, 100,000
#               measured (the engine's benchmark stops earlier only after 30 s); p50, p90, p99, max
#
#   Tools/bench/run.sh [--rounds N] [--quickfix-only | --engine-only]
#
# It installs libquickfix-dev and g++ when missing (apt-get, as root or with sudo), builds
# Tools/bench/.build/quickfix_loopback from quickfix_loopback.cpp, runs it, runs the engine's
# benchmarks (`swift package benchmark --filter "Session.*"` in Benchmarks/, target
# SessionLoopback), N rounds of both (default 3; QuickFIX then the engine in each), and prints
# each round's figures, then the median of the rounds for each figure with the two engines'
# ratios: throughput engine/QuickFIX, latency QuickFIX/engine, so a ratio above 1 means the engine
# does better. Several rounds because on a small virtual machine one run's latency can land in a
# fast or a slow mode (see Tools/bench/README.md). It exits non-zero when a build, a run or the
# reading of a figure fails.
#
# Environment: BENCH_CONNECTORS          QuickFIX connectors, threaded (default) or polled
#              SESSION_LOOPBACK_THREADS  the engine's event loop threads, 1 or 2 (default 2)
#              CXX                       C++ compiler (default g++)
#
# Outputs go to Tools/bench/.build/results/ (wiped at each run): figures.tsv (one line per round)
# and round-N/ with quickfix.txt, engine.log and the engine's percentile tables engine/*.tsv.
#
# This product includes software developed by quickfixengine.org (http://www.quickfixengine.org/).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build_dir="$here/.build"
program="$build_dir/quickfix_loopback"
results="$build_dir/results"
cxx="${CXX:-g++}"
connectors="${BENCH_CONNECTORS:-threaded}"
dictionary="$repo/Specs/FIX44.xml"

die() { echo "run.sh: $*" >&2; exit 2; }

run_quickfix=1
run_engine=1
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds)
      [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] || die "--rounds needs a positive number"
      rounds="$2"
      shift
      ;;
    --quickfix-only) run_engine=0 ;;
    --engine-only) run_quickfix=0 ;;
    -h|--help) sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (--rounds N, --quickfix-only, --engine-only)" ;;
  esac
  shift
done
[ $((run_quickfix + run_engine)) -gt 0 ] || die "--quickfix-only and --engine-only exclude each other"
case "$connectors" in threaded|polled) ;; *) die "BENCH_CONNECTORS must be threaded or polled" ;; esac
[ -f "$dictionary" ] || die "data dictionary not found: $dictionary"

rm -rf "$results"
mkdir -p "$results"

# MARK: building

started=$SECONDS
if [ "$run_quickfix" -eq 1 ]; then
  # shellcheck source=../interop/install-quickfix.sh
  . "$repo/Tools/interop/install-quickfix.sh"
  install_missing
  mkdir -p "$build_dir"
  if [ ! -x "$program" ] || [ "$here/quickfix_loopback.cpp" -nt "$program" ] || [ "$here/../interop/tool_support.hpp" -nt "$program" ]; then
    echo "run.sh: building $program"
    # -Wno-deprecated: QuickFIX 1.15's interface uses dynamic exception specifications.
    "$cxx" -std=c++14 -O2 -Wall -Wno-deprecated "$here/quickfix_loopback.cpp" -o "$program" -lquickfix -lpthread
  fi
fi
if [ "$run_engine" -eq 1 ]; then
  command -v swift >/dev/null 2>&1 || die "swift not found"
fi

# MARK: reading the figures

# percentile_of FILE PERCENTILE: the value at PERCENTILE in a package-benchmark percentile table.
percentile_of() {
  awk -F '\t' -v p="$2" 'NR > 1 && $1 == p { print $2; found = 1 } END { exit !found }' "$1" \
    || die "no percentile $2 in $1"
}

# engine_table DIR BENCHMARK METRIC: the file of that table (the tool writes spaces as underscores).
engine_table() {
  local file
  file="$(find "$1" -name "*.SessionLoopback.$2*.$3.histogram.percentiles.tsv" | head -n 1)"
  [ -n "$file" ] || die "no $3 table for $2 in $1"
  echo "$file"
}

# quickfix_field FILE LINE_NAME FIELD: the number after FIELD on the line that starts with LINE_NAME.
quickfix_field() {
  awk -v name="$2" -v field="$3" '$1 == name { for (i = 2; i < NF; i++) if ($i == field) { print $(i + 1); found = 1 } }
                                   END { exit !found }' "$1" || die "no $3 on $2 in $1"
}

# MARK: the rounds

na="-"
figures="$results/figures.tsv"
printf "round\tengine_msgs_per_s\tengine_p50_ns\tengine_p90_ns\tengine_p99_ns\tengine_max_ns\tquickfix_msgs_per_s\tquickfix_p50_ns\tquickfix_p90_ns\tquickfix_p99_ns\tquickfix_max_ns\n" >"$figures"
quickfix_samples=$na
echo "run.sh: $rounds round(s); QuickFIX with $connectors connectors, the engine with ${SESSION_LOOPBACK_THREADS:-2} event loop thread(s)"
for round in $(seq 1 "$rounds"); do
  dir="$results/round-$round"
  mkdir -p "$dir"
  e_tp=$na e_p50=$na e_p90=$na e_p99=$na e_max=$na
  q_tp=$na q_p50=$na q_p90=$na q_p99=$na q_max=$na

  if [ "$run_quickfix" -eq 1 ]; then
    "$program" --dictionary "$dictionary" --connectors "$connectors" >"$dir/quickfix.txt" 2>&1 || {
      cat "$dir/quickfix.txt" >&2
      die "quickfix_loopback failed in round $round"
    }
    q_tp=$(quickfix_field "$dir/quickfix.txt" throughput_batch_msgs_per_s p50)
    q_p50=$(quickfix_field "$dir/quickfix.txt" roundtrip_ns p50)
    q_p90=$(quickfix_field "$dir/quickfix.txt" roundtrip_ns p90)
    q_p99=$(quickfix_field "$dir/quickfix.txt" roundtrip_ns p99)
    q_max=$(quickfix_field "$dir/quickfix.txt" roundtrip_ns max)
    quickfix_samples=$(quickfix_field "$dir/quickfix.txt" roundtrip_ns samples)
  fi

  if [ "$run_engine" -eq 1 ]; then
    # The benchmark plugin builds the benchmark targets first, in release. The first build takes
    # minutes; its output is in round 1's engine.log.
    (cd "$repo/Benchmarks" && swift package --disable-sandbox benchmark --filter "Session.*" \
      --format histogramPercentiles --path "$dir/engine" --no-progress) >"$dir/engine.log" 2>&1 || {
      tail -40 "$dir/engine.log" >&2
      die "the engine's benchmarks failed in round $round (log: $dir/engine.log)"
    }
    # A benchmark that reports a failure (a lost, repeated or rejected message, a timeout) does
    # not always make the tool exit non-zero.
    if grep -q "failed with\|benchmarks failed" "$dir/engine.log"; then
      grep "failed with" "$dir/engine.log" >&2 || tail -20 "$dir/engine.log" >&2
      die "the engine's benchmarks failed in round $round (log: $dir/engine.log)"
    fi
    # Wall clock per message (scaled) of the median batch, in ns; its inverse is the median rate.
    tp_ns=$(percentile_of "$(engine_table "$dir/engine" Session_throughput wallClock)" 50)
    e_tp=$(awk -v ns="$tp_ns" 'BEGIN { printf "%d", 1e9 / ns }')
    rt_table="$(engine_table "$dir/engine" Session_round_trip wallClock)"
    e_p50=$(percentile_of "$rt_table" 50)
    e_p90=$(percentile_of "$rt_table" 90)
    e_p99=$(percentile_of "$rt_table" 99)
    e_max=$(percentile_of "$rt_table" 100)
  fi

  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$round" "$e_tp" "$e_p50" "$e_p90" "$e_p99" "$e_max" \
    "$q_tp" "$q_p50" "$q_p90" "$q_p99" "$q_max" >>"$figures"
  echo "round $round: throughput engine $e_tp, QuickFIX $q_tp msgs/s; round trip p50 engine $e_p50, QuickFIX $q_p50 ns"
done

# MARK: the table

# column N: "median min max" of column N of figures.tsv over the rounds, or "- - -".
column() {
  awk -F '\t' -v n="$1" 'NR > 1 && $n != "-" { v[++k] = $n }
    END {
      if (k == 0) { print "- - -"; exit }
      for (i = 2; i <= k; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
      median = k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
      print median, v[1], v[k]
    }' "$figures"
}

# row LABEL ENGINE_COLUMN QUICKFIX_COLUMN KIND: KIND "rate" (msgs/s, ratio engine/QuickFIX) or
# "ns" (shown in µs, ratio QuickFIX/engine). The unit comes last: "µs" is two bytes, which awk's
# widths would count as two characters.
row() {
  local e q
  e="$(column "$2")"
  q="$(column "$3")"
  awk -v label="$1" -v e="$e" -v q="$q" -v kind="$4" 'BEGIN {
    split(e, ev, " "); split(q, qv, " ")
    ratio = "-"
    if (ev[1] != "-" && qv[1] != "-" && ev[1] > 0 && qv[1] > 0) ratio = sprintf("%.2f", kind == "rate" ? ev[1] / qv[1] : qv[1] / ev[1])
    for (i = 1; i <= 3; i++) {
      if (ev[i] != "-") ev[i] = kind == "ns" ? sprintf("%.1f", ev[i] / 1000) : sprintf("%d", ev[i])
      if (qv[i] != "-") qv[i] = kind == "ns" ? sprintf("%.1f", qv[i] / 1000) : sprintf("%d", qv[i])
    }
    printf "%-16s %9s %-17s %9s %-17s %6s  %s\n", label, ev[1], "(" ev[2] "-" ev[3] ")", qv[1], "(" qv[2] "-" qv[3] ")", \
      ratio, kind == "ns" ? "\xc2\xb5s" : "msgs/s"
  }'
}

echo
echo "Median of $rounds round(s), with the range over the rounds:"
printf "%-16s %27s %27s %6s  %s\n" "" "engine            " "QuickFIX C++      " "ratio" "unit"
row "throughput" 2 7 rate
row "round trip p50" 3 8 ns
row "round trip p90" 4 9 ns
row "round trip p99" 5 10 ns
row "round trip max" 6 11 ns
echo "Throughput: the median batch's rate (1000 NewOrderSingle a batch, 300 batches). Round trips:"
echo "100000 a round (QuickFIX: $quickfix_samples; the engine's benchmark stops earlier only after 30 s)."
echo "Ratios: throughput engine/QuickFIX, latency QuickFIX/engine; above 1 the engine does better."
echo "run.sh: done in $((SECONDS - started)) s; figures of each round in $figures"
