#!/usr/bin/env bash
# End-to-end checks of the lvyue executable: migrate, demo, audit verify (intact, then tampered),
# and the server answering on a port. Uses a throw-away SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product lvyue
bin="$(swift build --show-bin-path)/lvyue"
work="$(mktemp -d)"
trap 'if [ "${server:-0}" != 0 ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
export LVYUE_DB="$work/lvyue.sqlite" LVYUE_ADMIN_PASSWORD="ci-admin-password"

fail() { echo "FAIL: $*"; exit 1; }

"$bin" migrate
"$bin" user create --username ci.legal --name "法务测试" --role legal --department legal --password "ci-password-1"
"$bin" audit verify || fail "fresh chain should verify"

# serve --demo loads demo data and answers the API
# a free port: another server may be running on the usual ones
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$work" && exec "$bin" serve --demo --port $port > "$work/serve.log" 2>&1) & server=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" >/dev/null && break; sleep 1; done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"ci-admin-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
count=$(curl -sf "http://127.0.0.1:$port/api/v1/contracts?limit=200" -H "Authorization: Bearer $token" \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
[ "$count" = "8" ] || fail "demo should have 8 contracts, got $count"
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/login")
[ "$status" = "200" ] || fail "login page answered $status"
kill $server; wait $server 2>/dev/null || true; server=0

# a second start with --demo must not load it twice
(cd "$work" && exec "$bin" serve --demo --port $port > "$work/serve2.log" 2>&1) & server=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" >/dev/null && break; sleep 1; done
kill $server; wait $server 2>/dev/null || true; server=0
contracts=$(sqlite3 -cmd ".timeout 10000" "$LVYUE_DB" 'SELECT count(*) FROM contracts')
[ "$contracts" = "8" ] || fail "demo loaded twice? $contracts contracts"

"$bin" sweep || fail "sweep should exit 0"
"$bin" audit verify || fail "chain after demo should verify"
sqlite3 -cmd ".timeout 10000" "$LVYUE_DB" "UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 5"
if "$bin" audit verify 2> "$work/verify.err"; then fail "tampered chain verified"; fi
grep -q "event 5" "$work/verify.err" || { cat "$work/verify.err"; fail "verify did not name event 5"; }
# calendar arithmetic against an independent reference implementation
python3 scripts/calendar_reference.py "$bin" 2000 || fail "calendar reference disagrees"
[ "$("$bin" calendar deadline --calendar cn-workday --from 2026-02-13T16:00:00+08:00 --minutes 240)" = "2026-02-14T11:00:00+08:00" ] \
  || fail "make-up Saturday deadline"
if "$bin" calendar deadline --calendar nope --from 2026-02-13T16:00:00+08:00 --minutes 1 2>/dev/null; then fail "unknown calendar accepted"; fi
echo "cli-checks: 10 passed, 0 failed"
