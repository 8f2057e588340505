# Sourced by the test scripts of Tools/ (interop, faults): what they share. Each script sets
# `script` (its name, for messages) and `repo` (the repository root) before sourcing this file.

die() { echo "$script: $*" >&2; exit 2; }

# parse_configuration ARGS...: reads an optional leading `-c release|debug` into
# `configuration` (default release) and leaves the other arguments in `arguments`.
parse_configuration() {
  configuration=release
  arguments=("$@")
  if [ "${arguments[0]:-}" = "-c" ]; then
    [ ${#arguments[@]} -ge 2 ] || die "-c needs release or debug"
    configuration="${arguments[1]}"
    arguments=("${arguments[@]:2}")
  fi
  case "$configuration" in release|debug) ;; *) die "bad configuration: $configuration (release or debug)" ;; esac
}

# show_help LAST_LINE: prints the script's header comment, lines 2 to LAST_LINE.
show_help() {
  sed -n "2,${1}p" "$0" | sed 's/^# \{0,1\}//'
}

# require_positive WHAT VALUE...: each VALUE must be a whole number of at least 1.
require_positive() {
  local what="$1" n
  shift
  for n in "$@"; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || die "$what must be positive integers"
  done
}

# free_port: a free TCP port on 127.0.0.1.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    echo $((20000 + RANDOM % 30000))
  fi
}

# build_swift_product PRODUCT LOG: `swift build -c $configuration --product PRODUCT`, its output
# in LOG; sets `product_path` to the executable.
build_swift_product() {
  local product="$1" log="$2"
  echo "$script: building $product ($configuration)"
  (cd "$repo" && swift build -c "$configuration" --product "$product") >"$log" 2>&1 || {
    tail -30 "$log" >&2
    die "swift build failed (log: $log)"
  }
  product_path="$(cd "$repo" && swift build -c "$configuration" --show-bin-path)/$product"
  [ -x "$product_path" ] || die "$product not found at $product_path"
}

# build_quickfix_program SOURCE OUTPUT: compiles a QuickFIX C++ program when OUTPUT is missing or
# older than SOURCE (with `cxx`, after install_missing from install-quickfix.sh).
build_quickfix_program() {
  local source="$1" output="$2"
  mkdir -p "$(dirname "$output")"
  local support="$repo/Tools/interop/tool_support.hpp"
  if [ ! -x "$output" ] || [ "$source" -nt "$output" ] || [ "$support" -nt "$output" ]; then
    echo "$script: building $output"
    # -Wno-deprecated: QuickFIX 1.15's interface uses dynamic exception specifications.
    "$cxx" -std=c++14 -O2 -Wall -Wno-deprecated "$source" -o "$output" -lquickfix -lpthread
  fi
}

# kill_on_exit: starts an empty `pids`; every process whose pid the script adds to it is killed
# (SIGKILL) when the script exits, however it exits.
kill_on_exit() {
  pids=()
  trap 'for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done' EXIT
}
