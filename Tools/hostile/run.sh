#!/usr/bin/env bash
# Hostile-peer checks of `mm exchange`: builds the release `mm` (or takes the one given), then
# runs Tools/hostile/hostile.py, which starts `mm exchange` on free ports of 127.0.0.1 and checks
# how it copes with peers that misbehave (see Tools/hostile/README.md).
#
#   Tools/hostile/run.sh [-c release|debug] [--no-build] [hostile.py options...]
#
#   -c CONFIGURATION  the build configuration of mm (default release)
#   --no-build        do not build: use the mm already built for that configuration
#   HOSTILE_MM=PATH   (environment) use this mm, without building
#
# hostile.py options: --case NAME... (a subset, by name or letter), --quick (bounded sizes for
# CI), --flood-orders N (15000 for a long flood), --sync always|interval|never..., --verbose;
# `hostile.py --help` lists them all. Settings, stores and logs stay in Tools/hostile/.build/run
# until the next run. Prints PASS or FAIL per check and `N passed, N failed`; exits 0 when all
# pass.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
script=run.sh
# shellcheck source=../lib/script-support.sh
. "$repo/Tools/lib/script-support.sh"

parse_configuration "$@"
case "${arguments[0]:-}" in -h|--help) show_help 16; exit 0 ;; esac
build=1
if [ "${arguments[0]:-}" = "--no-build" ]; then
  build=0
  arguments=("${arguments[@]:1}")
fi
command -v python3 >/dev/null 2>&1 || die "needs python3"

if [ -n "${HOSTILE_MM:-}" ]; then
  mm="$HOSTILE_MM"
elif [ "$build" -eq 1 ]; then
  mkdir -p "$here/.build"
  build_swift_product mm "$here/.build/mm-build.log"
  mm="$product_path"
else
  mm="$(cd "$repo" && swift build -c "$configuration" --show-bin-path)/mm"
fi
[ -x "$mm" ] || die "mm not found at $mm"

# hostile.py kills every process it starts when it ends, whichever way it ends.
exec python3 "$here/hostile.py" --mm "$mm" "${arguments[@]}"
