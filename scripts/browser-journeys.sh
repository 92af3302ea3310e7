#!/usr/bin/env bash
# Browser journeys (issue #8): scripted walks through the web UI in headless Chromium against a server on a fresh
# SQLite file — what a person sees (text, numbers, states), a screenshot per step, no console error, no serious or
# critical axe-core finding. Builds nothing: uses the built .build/debug/lvyue (run `swift build` first).
#   scripts/browser-journeys.sh [journey …]      e.g. scripts/browser-journeys.sh a c
# Needs Chromium + chromedriver and a Python with selenium and axe-selenium-python (PYTHON=/path/to/venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${LVYUE_BIN:-.build/debug/lvyue}"
[ -x "$bin" ] || { echo "no $bin: run swift build first"; exit 1; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
server=0
trap 'if [ "$server" != 0 ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

export LVYUE_DB="$work/lvyue.sqlite" LVYUE_DATA_DIR="$work/data" LVYUE_ADMIN_PASSWORD="journey-admin-2026"
# a free port unless one is given: another server may be running on the usual ones
port="${LVYUE_JOURNEY_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
export LVYUE_BASE_URL="http://127.0.0.1:$port"
if curl -s -o /dev/null "$LVYUE_BASE_URL/"; then echo "port $port is already taken"; exit 1; fi
(cd "$work" && exec "$bin" serve --port "$port" > "$work/serve.log" 2>&1) & server=$!
for _ in $(seq 1 60); do curl -sf "$LVYUE_BASE_URL/api/v1/openapi.json" >/dev/null && break; sleep 1; done
if ! kill -0 "$server" 2>/dev/null || ! curl -sf "$LVYUE_BASE_URL/api/v1/openapi.json" >/dev/null; then
  cat "$work/serve.log"; echo "server did not start"; exit 1
fi

shots="${LVYUE_JOURNEY_SHOTS:-$PWD/screenshots/browser-journeys}"
mkdir -p "$shots"; find "$shots" -name "*.png" -delete  # the previous run's screenshots
echo "browser journeys: server $LVYUE_BASE_URL, screenshots in $shots"
status=0
PYTHONDONTWRITEBYTECODE=1 LVYUE_JOURNEY_URL="$LVYUE_BASE_URL" LVYUE_JOURNEY_SHOTS="$shots" "$python" scripts/browser/run.py "$@" || status=$?
if [ "$status" != 0 ]; then echo "--- server log (last 40 lines)"; tail -40 "$work/serve.log"; fi
exit "$status"
