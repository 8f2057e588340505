#!/usr/bin/env bash
# A desk under one firm limit: one redis-server, one `mm exchange` (synthetic market, three
# acceptor sessions with CancelOnDisconnect=Y), three `mm quote` engines (MAKER1..3) sharing the
# firm's limit of 30 lots on SYNTH through Redis leases (--firm-limits, --firm-share 12), with
# redis-server and the engines killed and restarted mid-run. Tools/desk/desk.py describes the
# phases and the checks: the live engines' worst-case positions never add up to more than the
# cap, nor the leases in Redis; a Redis restarted at once loses no share; a restarted engine
# gets its share back; a dead engine's lease ends and goes to another; Redis lost past a lease
# leaves every engine reducing only; every engine ends as documented.
#
#   Tools/desk/desk.sh [-c release|debug]
#
# Needs redis-server (Debian: apt-get install redis-server) and python3. Builds
# `swift build -c CONFIG --product mm` (default release). Everything (Redis's append-only file,
# each process's settings, output, FIX logs and stores, the monitor's samples) stays in
# Tools/desk/.build/run until the next run.
#
# Environment: DESK_PHASE_SECONDS  seconds of each phase (default 6)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
script=desk.sh
# shellcheck source=../lib/script-support.sh
. "$repo/Tools/lib/script-support.sh"

parse_configuration "$@"
case "${arguments[0]:-}" in
  -h|--help) show_help 19; exit 0 ;;
  "") ;;
  *) die "unexpected argument: ${arguments[0]} (see --help)" ;;
esac
phase="${DESK_PHASE_SECONDS:-6}"
require_positive DESK_PHASE_SECONDS "$phase"
command -v redis-server >/dev/null 2>&1 || die "needs redis-server (apt-get install redis-server)"
command -v python3 >/dev/null 2>&1 || die "needs python3"

work="$here/.build/run"
rm -rf "$work"
mkdir -p "$work"
build_swift_product mm "$here/.build/mm-build.log"
exec python3 "$here/desk.py" --mm "$product_path" --work "$work" --seconds-per-phase "$phase"
