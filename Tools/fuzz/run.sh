#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a bounded time:
#
#   Tools/fuzz/run.sh [SECONDS] [frame] [session]      (default: 60 seconds each, both targets)
#
# SECONDS (or FUZZ_SECONDS) is each target's time. Seeds are made afresh from Specs/examples
# and, when present, the conformance scripts in ../shared/quickfix-at (make_corpus.py); the
# corpus each run grows is kept in Tools/fuzz/.build/corpus/TARGET and used again by the next.
# A crash, a trap, a hang (over FUZZ_TIMEOUT seconds for one input) or a run out of memory
# stops the target; its reproducer goes to Tools/fuzz/crashes/TARGET/ and the libFuzzer log
# to Tools/fuzz/.build/logs/TARGET.log. Each target's executions per second are printed.
# Exits 1 when any target found something, 2 when the build or the set-up fails.
#
# Environment: FUZZ_SECONDS     time per target (default 60)
#              FUZZ_TIMEOUT     seconds one input may take before it counts as a hang (default 10)
#              FUZZ_RSS_MB      memory limit in MiB (default 2048)
#              FUZZ_MAX_LEN     largest input in bytes (default 4096)
#              FUZZ_KEEP_GOING  1: go on after a crash (libFuzzer's fork mode), collecting them all
#              FUZZ_JOBS        with FUZZ_KEEP_GOING, parallel workers (default 1)
#              FUZZ_ARGS        more libFuzzer arguments
#
# Reproduce a crash:  Tools/fuzz/.build/bin/fuzz-TARGET Tools/fuzz/crashes/TARGET/crash-...
#
# Seeds come in part from the QuickFIX acceptance scripts. This product includes software
# developed by quickfixengine.org (http://www.quickfixengine.org/).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$here/.build"

seconds="${FUZZ_SECONDS:-60}"
targets=()
for arg in "$@"; do
  case "$arg" in
    frame|session) targets+=("$arg") ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *)
      if [[ "$arg" =~ ^[0-9]+$ ]]; then seconds="$arg"
      else echo "run.sh: unknown argument $arg (SECONDS, frame, session)" >&2; exit 2; fi
      ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(frame session)
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] || { echo "run.sh: SECONDS must be a positive integer" >&2; exit 2; }

"$here/build.sh" "${targets[@]}" || { echo "run.sh: build failed" >&2; exit 2; }

# Seeds, made afresh.
rm -rf "$out/seeds"
mkdir -p "$out/seeds"
if ! command -v python3 >/dev/null 2>&1; then
  echo "run.sh: python3 not found: running without seeds" >&2
  mkdir -p "$out/seeds/frame" "$out/seeds/session"
  : >"$out/seeds/frame.dict"
elif ! python3 "$here/make_corpus.py" "$repo" "$out/seeds"; then
  echo "run.sh: making the seeds failed" >&2
  exit 2
fi

# Swift's own backtracer would run before the sanitizer's report, slowly: the report suffices.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-handle_abort=1:handle_sigill=1:detect_leaks=1:symbolize=1}"
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
  for s in llvm-symbolizer "$(dirname "$(command -v swiftc)")/llvm-symbolizer"; do
    if command -v "$s" >/dev/null 2>&1; then export ASAN_SYMBOLIZER_PATH="$(command -v "$s")"; break; fi
  done
fi

status=0
summary=()
for t in "${targets[@]}"; do
  corpus="$out/corpus/$t"
  crashes="$here/crashes/$t"
  log="$out/logs/$t.log"
  mkdir -p "$corpus" "$crashes" "$out/logs"
  args=(-max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}"
        -max_len="${FUZZ_MAX_LEN:-4096}" -artifact_prefix="$crashes/" -print_final_stats=1)
  if [ "$t" = frame ] && [ -s "$out/seeds/frame.dict" ]; then args+=(-dict="$out/seeds/frame.dict"); fi
  if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
    args+=(-fork="${FUZZ_JOBS:-1}" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  # shellcheck disable=SC2206
  args+=(${FUZZ_ARGS:-})
  before="$(ls "$crashes" | wc -l)"
  echo "run.sh: fuzzing $t for $seconds s (corpus $corpus, crashes to $crashes)"
  "$out/bin/fuzz-$t" "${args[@]}" "$corpus" "$out/seeds/$t" >"$log" 2>&1
  code=$?
  after="$(ls "$crashes" | wc -l)"
  # Demangled Swift names in the log, for reading.
  if command -v swift-demangle >/dev/null 2>&1; then
    swift-demangle --simplified <"$log" >"$log.demangled" 2>/dev/null || true
  fi
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')"
  rate="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')"
  if [ -z "$rate" ]; then
    # Fork mode prints no final stats: the last status line says it.
    runs="$(grep -o '#[0-9]*' "$log" | tail -1 | tr -d '#')"
    rate="$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')"
  fi
  line="$t: ${runs:-?} runs, ${rate:-?} exec/s, $seconds s"
  if [ "$code" -ne 0 ] || [ "$after" -gt "$before" ]; then
    status=1
    line="$line, FOUND $((after - before)) new reproducer(s) in $crashes (exit $code)"
    echo "run.sh: $t stopped (exit $code); the end of its log ($log):" >&2
    shown="$log"
    [ -s "$log.demangled" ] && shown="$log.demangled"
    sed -n '/Fatal error\|ERROR: \|fuzz property failed/,$p' "$shown" | grep -v '^0x\|^Base64\|^\\' | head -40 >&2
  else
    line="$line, nothing found"
  fi
  summary+=("$line")
done

echo "run.sh: summary"
for line in "${summary[@]}"; do echo "  $line"; done
exit "$status"
