#!/usr/bin/env bash
# Build (and optionally run) at_acceptor, the QuickFIX C++ acceptor that plays the system under
# test of the FIX 4.4 conformance scripts (see Tools/conformance/README.md).
#
#   Tools/interop/build.sh                 install libquickfix-dev and g++ if missing, build
#                                          Tools/interop/.build/at_acceptor (when out of date)
#   Tools/interop/build.sh run [PORT]      build, then run the acceptor in the foreground
#                                          (Ctrl-C stops it); PORT defaults to 19880
#   Tools/interop/build.sh check [PORT] [RUNNER OPTIONS...]
#                                          build, start the acceptor, run the conformance suite
#                                          against it, stop it; exits with the runner's status
#
# Environment: AT_DICTIONARY  data dictionary (default ../shared/quickfix-at/spec/FIX44.xml
#                             beside the repository)
#              CXX            compiler (default g++)
#
# The generated settings, message store and logs go to Tools/interop/.build/run/.
#
# This product includes software developed by quickfixengine.org (http://www.quickfixengine.org/).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build_dir="$here/.build"
binary="$build_dir/at_acceptor"
work_dir="$build_dir/run"
dictionary="${AT_DICTIONARY:-$repo/../shared/quickfix-at/spec/FIX44.xml}"
cxx="${CXX:-g++}"
default_port=19880

die() { echo "build.sh: $*" >&2; exit 2; }

# shellcheck source=install-quickfix.sh
. "$here/install-quickfix.sh"

build() {
  install_missing
  mkdir -p "$build_dir"
  if [ ! -x "$binary" ] || [ "$here/at_acceptor.cpp" -nt "$binary" ] || [ "$here/tool_support.hpp" -nt "$binary" ]; then
    echo "build.sh: building $binary" >&2
    # -Wno-deprecated: QuickFIX 1.15's interface uses dynamic exception specifications.
    "$cxx" -std=c++14 -O2 -Wall -Wno-deprecated "$here/at_acceptor.cpp" -o "$binary" \
      -lquickfix -lpthread
  fi
}

check_port() {
  [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ] || die "bad port: $1"
}

command="${1:-build}"
[ $# -gt 0 ] && shift
case "$command" in
  build)
    build
    ;;
  run)
    port="${1:-$default_port}"
    check_port "$port"
    [ -f "$dictionary" ] || die "data dictionary not found: $dictionary (set AT_DICTIONARY)"
    build
    exec "$binary" "$port" "$dictionary" "$work_dir"
    ;;
  check)
    port="$default_port"
    if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then port="$1"; shift; fi
    check_port "$port"
    [ -f "$dictionary" ] || die "data dictionary not found: $dictionary (set AT_DICTIONARY)"
    build
    mkdir -p "$work_dir"
    "$binary" "$port" "$dictionary" "$work_dir" >"$work_dir/at_acceptor.out" 2>&1 &
    acceptor=$!
    trap 'kill "$acceptor" 2>/dev/null || true; wait "$acceptor" 2>/dev/null || true' EXIT
    for _ in $(seq 1 100); do
      grep -q "listening" "$work_dir/at_acceptor.out" 2>/dev/null && break
      kill -0 "$acceptor" 2>/dev/null || { cat "$work_dir/at_acceptor.out" >&2; die "at_acceptor did not start"; }
      sleep 0.1
    done
    grep -q "listening" "$work_dir/at_acceptor.out" || die "at_acceptor did not start listening"
    status=0
    python3 "$repo/Tools/conformance/run.py" --port "$port" "$@" || status=$?
    exit "$status"
    ;;
  -h|--help|help)
    sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    ;;
  *)
    die "unknown command: $command (build, run or check)"
    ;;
esac
