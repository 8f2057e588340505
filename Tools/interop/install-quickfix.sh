# Sourced by build.sh and run.sh: installs what building against QuickFIX C++ needs, when missing.
# Expects `cxx` (the C++ compiler command) and `die` (report and exit) to be defined.

install_missing() {
  local packages=()
  [ -f /usr/include/quickfix/Session.h ] || packages+=(libquickfix-dev)
  command -v "$cxx" >/dev/null 2>&1 || packages+=(g++)
  [ ${#packages[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need ${packages[*]}; run as root or install them"
    sudo="sudo"
  fi
  command -v apt-get >/dev/null 2>&1 || die "need ${packages[*]} (no apt-get here; install them)"
  echo "$(basename "$0"): installing ${packages[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
}
