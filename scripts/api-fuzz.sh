#!/usr/bin/env bash
# API fuzzing (issue #5): schemathesis against every operation of /api/v1/openapi.json on a fresh SQLite database
# with demo data, authenticated as the administrator. Fails on any 5xx, any response that does not match the
# document, or a crash. Bounded: 20 examples per operation, a fixed seed, one worker, a hard time limit.
# Usage: scripts/api-fuzz.sh [schemathesis binary]   (SCHEMATHESIS=…, FUZZ_PORT=…, FUZZ_TIME_LIMIT=seconds)
set -euo pipefail
cd "$(dirname "$0")/.."
st="${1:-${SCHEMATHESIS:-schemathesis}}"
bin="${LVYUE_BIN:-$(swift build --show-bin-path)/lvyue}"
[ -x "$bin" ] || swift build --product lvyue
work="$(mktemp -d)"
trap 'if [ "${server:-0}" != 0 ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
# A free port (another server may be running on the usual ones).
port="${FUZZ_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
export LVYUE_DB="$work/fuzz.sqlite" LVYUE_DATA_DIR="$work/data" LVYUE_ADMIN_PASSWORD="fuzz-admin-password-1" LOG_LEVEL=warning
(cd "$work" && exec "$bin" serve --demo --port "$port" > "$work/serve.log" 2>&1) & server=$!
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" >/dev/null && break; sleep 1; done
kill -0 "$server" 2>/dev/null || { echo "FAIL: the server did not start"; tail -20 "$work/serve.log"; exit 1; }
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"fuzz-admin-password-1","name":"fuzz"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
status=0
SCHEMATHESIS_HOOKS=fuzz_hooks PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}" \
timeout "${FUZZ_TIME_LIMIT:-900}" "$st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --url "http://127.0.0.1:$port/api/v1" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples 20 --seed 20260305 --workers 1 --request-timeout 20 \
  --phases examples,coverage,fuzzing \
  --suppress-health-check all \
  --report junit --report-dir "${FUZZ_REPORT_DIR:-$work/report}" ${FUZZ_EXTRA_ARGS:-} || status=$?
if ! kill -0 "$server" 2>/dev/null; then echo "FAIL: the server died during fuzzing"; tail -50 "$work/serve.log"; exit 1; fi
if grep -q "critical" "$work/serve.log"; then echo "server logged critical errors:"; grep -A3 critical "$work/serve.log" | head -60; fi
exit $status
