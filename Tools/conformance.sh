#!/usr/bin/env bash
# Runs the FIX 4.4 acceptor conformance scripts (../shared/quickfix-at, beside the repository)
# against `fix-at`: builds it, starts it on a free local port, runs Tools/conformance/run.py,
# stops it. Exit status: the runner's (0 when every script passes). Skips, with a message and
# status 0, when the scripts are absent.
# Usage: Tools/conformance.sh [-c release|debug] [run.py options...]
set -euo pipefail
cd "$(dirname "$0")/.."

configuration=debug
if [ "${1:-}" = "-c" ]; then configuration="$2"; shift 2; fi

scripts=../shared/quickfix-at/definitions/server/fix44
if [ ! -d "$scripts" ]; then
    echo "conformance: skipped: the conformance scripts are absent ($scripts)"
    exit 0
fi
command -v python3 >/dev/null || { echo "conformance: python3 is needed to run the scripts" >&2; exit 2; }

swift build -c "$configuration" --product fix-at
bin="$(swift build -c "$configuration" --show-bin-path)/fix-at"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

log=$(mktemp)
"$bin" --port "$port" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 50); do
    grep -q listening "$log" && break
    sleep 0.1
done
grep -q listening "$log" || { echo "conformance: fix-at did not start:" >&2; cat "$log" >&2; exit 2; }

python3 Tools/conformance/run.py --port "$port" "$@"
