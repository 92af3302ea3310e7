#!/usr/bin/env bash
# Exports of the standard's forms opened by an independent reader (openpyxl) and checked cell by cell against the
# API's JSON records of the demo; then the contract import through the command line: an export → import into an
# empty database → export round trip, and a bad file that must change nothing and exit non-zero.
# usage: scripts/xlsx-checks.sh [PYTHON]   (a Python with openpyxl; default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-python3}"
swift build --product lvyue
bin="$(swift build --show-bin-path)/lvyue"
work="$(mktemp -d)"
trap 'if [ "${server:-0}" != 0 ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
export LVYUE_DB="$work/lvyue.sqlite" LVYUE_ADMIN_PASSWORD="ci-admin-password"
fail() { echo "FAIL: $*"; exit 1; }

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$work" && exec "$bin" serve --demo --port "$port" > "$work/serve.log" 2>&1) & server=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" >/dev/null && break; sleep 1; done

forms="contracts responsibilities milestones risks escalations service-requests satisfaction"
for form in $forms; do
  "$bin" export "$form" --format xlsx --out "$work/$form.xlsx" >/dev/null || fail "export $form"
done
"$python" scripts/xlsx_check.py "http://127.0.0.1:$port" "$LVYUE_ADMIN_PASSWORD" "$work" || fail "exports differ from the API's records"

# the API answers the same bytes as the command line (same records, same clock day)
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$LVYUE_ADMIN_PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -sf "http://127.0.0.1:$port/api/v1/exports/risks?format=xlsx" -H "Authorization: Bearer $token" -o "$work/risks-api.xlsx"
cmp -s "$work/risks-api.xlsx" "$work/risks.xlsx" || fail "API and CLI exports of risks differ"
curl -sf "http://127.0.0.1:$port/api/v1/exports/milestones?format=csv" -H "Authorization: Bearer $token" -o "$work/milestones.csv"
head -c 3 "$work/milestones.csv" | od -An -tx1 | grep -q "ef bb bf" || fail "CSV without a UTF-8 BOM"
kill "$server"; wait "$server" 2>/dev/null || true; server=0

# round trip: the demo's contracts workbook into an empty database, exported again, compared cell by cell
export LVYUE_DB="$work/empty.sqlite"
"$bin" import contracts "$work/contracts.xlsx" --dry-run > "$work/dry.log" || { cat "$work/dry.log"; fail "dry run of the demo's workbook"; }
[ "$(sqlite3 -cmd ".timeout 10000" "$LVYUE_DB" 'SELECT count(*) FROM contracts')" = "0" ] || fail "dry run wrote contracts"
"$bin" import contracts "$work/contracts.xlsx" > "$work/import.log" || { cat "$work/import.log"; fail "import of the demo's workbook"; }
"$bin" export contracts --format xlsx --out "$work/again.xlsx" >/dev/null
"$python" - "$work/contracts.xlsx" "$work/again.xlsx" <<'PY' || fail "round trip changed cells"
import sys, openpyxl
a, b = (openpyxl.load_workbook(p) for p in sys.argv[1:3])
bad = 0
for wa, wb in zip(a.worksheets, b.worksheets):
    ra, rb = list(wa.iter_rows(values_only=True)), list(wb.iter_rows(values_only=True))
    if wa.title != wb.title or len(ra) != len(rb):
        print("sheet", wa.title, len(ra), "rows, again", wb.title, len(rb)); bad += 1; continue
    for i, (x, y) in enumerate(zip(ra, rb)):
        for h, u, v in zip(ra[0], x, y):
            if h != "更新时间" and u != v:
                print(wa.title, "row", i + 1, h, repr(u), "!=", repr(v)); bad += 1
print("round trip:", sum(ws.max_row - 1 for ws in a.worksheets), "rows compared,", bad, "difference(s)")
sys.exit(1 if bad else 0)
PY

# a bad file: non-zero exit, every bad row named, nothing written
before=$(sqlite3 -cmd ".timeout 10000" "$LVYUE_DB" 'SELECT count(*) FROM audit_events')
printf '\xef\xbb\xbf合同编号,节点,权重,计划完成时间\r\nHT-2026-0007,验收,abc,2026-02-30\r\nHT-NOPE,验收,10,2026-05-01\r\nHT-2026-0007,复检,10,2026-06-01\r\n' > "$work/bad.csv"
if "$bin" import contracts "$work/bad.csv" > "$work/bad.log" 2>&1; then fail "a bad file was accepted"; fi
grep -q "bad.csv	2	权重" "$work/bad.log" || { cat "$work/bad.log"; fail "row 2 权重 not reported"; }
grep -q "bad.csv	2	计划完成时间" "$work/bad.log" || { cat "$work/bad.log"; fail "row 2 计划完成时间 not reported"; }
grep -q "bad.csv	3	合同编号" "$work/bad.log" || { cat "$work/bad.log"; fail "row 3 合同编号 not reported"; }
[ "$(sqlite3 -cmd ".timeout 10000" "$LVYUE_DB" 'SELECT count(*) FROM audit_events')" = "$before" ] || fail "a refused import wrote something"
if "$bin" export nonsense --out "$work/x.xlsx" 2>/dev/null; then fail "unknown form accepted"; fi
echo "xlsx-checks: passed"
