#!/usr/bin/env bash
# Calendar feeds against an independent iCalendar parser: starts the built server with --demo on a free port, creates a
# feed link through the API (as the demo's project manager, who owns the demo contracts), loads it and the demo feeds with Python's `icalendar`, checks that every event has a unique
# UID, DTSTAMP and DTSTART, that the demo's items are present, and that a revoked link answers 404.
# Usage: scripts/feed-check.sh PYTHON (a Python with `icalendar` installed).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-python3}"
swift build --product lvyue
bin="$(swift build --show-bin-path)/lvyue"
work="$(mktemp -d)"
trap 'if [ "${server:-0}" != 0 ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
export LVYUE_DB="$work/lvyue.sqlite" LVYUE_ADMIN_PASSWORD="ci-admin-password"

fail() { echo "FAIL: $*"; exit 1; }

port="${LVYUE_CHECK_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
export LVYUE_BASE_URL="http://127.0.0.1:$port"
(cd "$work" && exec "$bin" serve --demo --port $port > "$work/serve.log" 2>&1) & server=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" >/dev/null && break; sleep 1; done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"username":"liqiang","password":"lvyue-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
created=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/feed-tokens" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"label":"ci"}')
url=$(echo "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')
id=$(echo "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

curl -sf -D "$work/mine.headers" "$url" -o "$work/mine.ics" || fail "new feed"
curl -sf "http://127.0.0.1:$port/feeds/demo-feed-liqiang.ics" -o "$work/liqiang.ics" || fail "demo user feed"
curl -sf "http://127.0.0.1:$port/feeds/demo-feed-technical.ics" -o "$work/technical.ics" || fail "demo department feed"
grep -qi '^content-type: text/calendar; charset=utf-8' "$work/mine.headers" || fail "content type: $(grep -i content-type "$work/mine.headers")"

"$python" - "$work" <<'PY' || fail "icalendar parse"
import sys, pathlib
from icalendar import Calendar
work = pathlib.Path(sys.argv[1])
def load(name, expect):
    cal = Calendar.from_ical((work / name).read_bytes())
    assert cal["VERSION"] == "2.0" and cal.get("PRODID") and cal.get("CALSCALE") == "GREGORIAN", name
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert events, f"{name}: no events"
    assert len(uids) == len(set(uids)), f"{name}: duplicate UIDs"
    for e in events:
        assert e.get("DTSTAMP") is not None and e.get("DTSTART") is not None and e.get("SUMMARY"), f"{name}: incomplete event {e.get('UID')}"
    summaries = [str(e["SUMMARY"]) for e in events]
    for text in expect:
        assert any(text in s for s in summaries), f"{name}: no event with {text!r} in {summaries}"
    kinds = sorted({u.split("-")[0] for u in uids})
    print(f"{name}: {len(events)} events, kinds {kinds}")
load("mine.ics", ["HT-2026-0012", "HT-2026-0021"])
load("liqiang.ics", ["HT-2026-0012"])
load("technical.ics", ["节点"])
PY

curl -sf -X DELETE "http://127.0.0.1:$port/api/v1/feed-tokens/$id" -H "Authorization: Bearer $token" || fail "revoke"
status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
[ "$status" = "404" ] || fail "revoked feed answered $status"
kill $server; wait $server 2>/dev/null || true; server=0
echo "feed-check: passed"
