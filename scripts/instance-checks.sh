#!/usr/bin/env bash
# Several instances and crashes, end to end:
#   1. two lvyue processes started together on one PostgreSQL schema migrate it once;
#   2. conflicting edits through both (same If-Match) — exactly one wins, every other is refused (412);
#      concurrent creations through both get distinct numbers and none is lost;
#   3. two sweeps at once fire a due alert once, and each notification it queues reaches its webhook once (a local
#      receiver on loopback counts the posts; two more sweeps at once send nothing again);
#   4. SIGKILL during a write load, on SQLite and on PostgreSQL: every acknowledged (201) creation is there after
#      a restart, SQLite passes PRAGMA integrity_check, and `lvyue audit verify` passes.
# Servers are started with exec and stopped by their pid; ports are free ones; PostgreSQL work happens in a
# throw-away schema of LVYUE_CHECK_DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${LVYUE_BIN:-}"
if [ -z "$bin" ]; then swift build --product lvyue; bin="$(swift build --show-bin-path)/lvyue"; fi
pgurl="${LVYUE_CHECK_DATABASE_URL:-postgres://lvyue:lvyue@127.0.0.1:5432/lvyue_test}"
work="$(mktemp -d)"
pids=()
schemas=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for s in "${schemas[@]}"; do psql -q "$pgurl" -c "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export LVYUE_ADMIN_PASSWORD="ci-admin-password" LOG_LEVEL=warning
passed=0
fail() { echo "FAIL: $*"; for f in "$work"/*.log; do echo "--- $f"; tail -5 "$f"; done; exit 1; }
ok() { passed=$((passed + 1)); echo "ok: $*"; }
# LVYUE_CHECK_PORT_BASE=N: use N, N+1, … (five ports) instead of free ports the system picks.
freeport() {
  if [ -n "${LVYUE_CHECK_PORT_BASE:-}" ]; then
    local n; n=$(cat "$work/.ports" 2>/dev/null || echo 0); echo $((n + 1)) > "$work/.ports"; echo $((LVYUE_CHECK_PORT_BASE + n))
  else
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  fi
}
# newschema VAR: creates a throw-away schema and stores its name in VAR (in this shell, so cleanup sees it)
newschema() { local s="lvyue_chk_$(date +%s)_$RANDOM"; psql -q "$pgurl" -c "CREATE SCHEMA $s" >/dev/null; schemas+=("$s"); printf -v "$1" '%s' "$s"; }

# start NAME PORT [env…]: runs `lvyue serve` as its own process (exec), records its pid in $started
start() {
  local name=$1 port=$2; shift 2
  (cd "$work" && exec env "$@" "$bin" serve --hostname 127.0.0.1 --port "$port" >> "$work/$name.log" 2>&1) &
  started=$!
  pids+=("$started")
}
waitup() {
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/api/v1/openapi.json" >/dev/null && return 0; sleep 0.5; done
  fail "server on port $1 did not start"
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
token() {
  curl -sf -X POST "http://127.0.0.1:$1/api/v1/auth/token" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$LVYUE_ADMIN_PASSWORD\"}" | jq -r .token
}
# api PORT TOKEN METHOD PATH [JSON [IF-MATCH]] → prints "STATUS BODY"
api() {
  local body="$work/body.$BASHPID"
  local args=(-s -o "$body" -w '%{http_code}' -X "$3" "http://127.0.0.1:$1/api/v1$4" -H "Authorization: Bearer $2")
  if [ -n "${5:-}" ]; then args+=(-H 'Content-Type: application/json' -d "$5"); fi
  if [ -n "${6:-}" ]; then args+=(-H "If-Match: \"$6\""); fi
  local code; code=$(curl "${args[@]}") || code=000
  echo "$code $(cat "$body" 2>/dev/null)"
  rm -f "$body"
}

# ---------------------------------------------------------------- two instances on one PostgreSQL
newschema schema
pgenv=(DATABASE_URL="$pgurl" LVYUE_PG_SCHEMA="$schema")
pa=$(freeport); pb=$(freeport)
start a "$pa" "${pgenv[@]}"; a=$started
start b "$pb" "${pgenv[@]}"; b=$started
waitup "$pa"; waitup "$pb"
migrations=$(psql -tA "$pgurl" -c "SELECT count(*), count(DISTINCT name) FROM $schema._fluent_migrations")
[ "${migrations%|*}" = "${migrations#*|}" ] && [ "${migrations%|*}" -gt 10 ] || fail "migrations on simultaneous start: $migrations"
admins=$(psql -tA "$pgurl" -c "SELECT count(*) FROM $schema.users WHERE username = 'admin'")
[ "$admins" = "1" ] || fail "administrator created $admins times"
ok "two instances started together migrated once ($migrations) and created one administrator"

ta=$(token "$pa"); tb=$(token "$pb")
out=$(api "$pa" "$ta" POST /customers '{"name":"并发测试客户"}')
customer=$(echo "${out#* }" | jq -r .id)
[ -n "$customer" ] && [ "$customer" != null ] || fail "could not create a customer: $out"
out=$(api "$pb" "$tb" POST /service-requests "{\"customer_id\":\"$customer\",\"type\":\"consultation\",\"description\":\"并发编辑\"}")
request=$(echo "${out#* }" | jq -r .id)
[ -n "$request" ] && [ "$request" != null ] || fail "could not create a service request (customer $customer): $out"
# 20 edits of version 1, alternating instances, all at once: one 200, nineteen 412.
for i in $(seq 1 20); do
  if [ $((i % 2)) = 0 ]; then p=$pa; t=$ta; else p=$pb; t=$tb; fi
  (api "$p" "$t" POST "/service-requests/$request/events" "{\"type\":\"note\",\"note\":\"edit $i\"}" 1 | cut -c1-3 > "$work/edit.$i") &
done
wait_jobs() { for j in $(jobs -p); do case " ${pids[*]} " in *" $j "*) ;; *) wait "$j" || true ;; esac; done; }
wait_jobs
wins=$(cat "$work"/edit.* | grep -c '^200' || true); stale=$(cat "$work"/edit.* | grep -c '^412' || true)
[ "$wins" = "1" ] && [ "$stale" = "19" ] || fail "conflicting edits: $wins accepted, $stale refused as stale ($(cat "$work"/edit.* | sort | uniq -c | tr '\n' ' '))"
version=$(api "$pa" "$ta" GET "/service-requests/$request" | cut -d' ' -f2- | jq -r .version)
[ "$version" = "2" ] || fail "version after one accepted edit is $version"
ok "20 conflicting edits through two instances: 1 accepted, 19 refused with 412, version 2"

# 60 creations at once through both: 60 rows, 60 distinct numbers.
for i in $(seq 1 60); do
  if [ $((i % 2)) = 0 ]; then p=$pa; t=$ta; else p=$pb; t=$tb; fi
  (api "$p" "$t" POST /service-requests "{\"customer_id\":\"$customer\",\"type\":\"other\",\"description\":\"并发创建 $i\"}" \
    | cut -c1-3 > "$work/create.$i") &
done
wait_jobs
created=$(cat "$work"/create.* | grep -c '^201' || true)
numbers=$(psql -tA "$pgurl" -c "SELECT count(*), count(DISTINCT number) FROM $schema.service_requests")
[ "$created" = "60" ] && [ "$numbers" = "61|61" ] || fail "concurrent creations: $created acknowledged, rows|numbers $numbers"
ok "60 concurrent creations through two instances: 61 requests, 61 distinct numbers"

# A due alert, two sweeps at once: fired once. A contract with a milestone late since 2020 fires "late"; its
# alert is removed so the condition is due again, then both instances' sweepers run together.
contract=$(api "$pa" "$ta" POST /contracts "{\"number\":\"HT-CHK-1\",\"title\":\"并发巡检\",\"customer_id\":\"$customer\",\"category\":\"service\",\"amount\":\"1000.00\",\"currency\":\"CNY\",\"status\":\"active\",\"starts_on\":\"2020-01-01\",\"ends_on\":\"2030-01-01\"}" \
  | cut -d' ' -f2- | jq -r .id)
milestone=$(api "$pa" "$ta" POST "/contracts/$contract/milestones" '{"sequence":1,"name":"到货","weight":1,"planned_on":"2020-06-01","progress":10}' \
  | cut -d' ' -f2- | jq -r .id)
[ -n "$milestone" ] && [ "$milestone" != null ] || fail "could not create the late milestone"
psql -q "$pgurl" -c "DELETE FROM $schema.alerts WHERE source_id = '$milestone'" >/dev/null
# A webhook receiver on loopback: one line per POST received (path and X-Lvyue-Event), always 200.
rport=$(freeport)
python3 - "$rport" "$work/received" > "$work/receiver.log" 2>&1 <<'PY' &
import http.server, sys
port, out = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(out, "a") as f:
            f.write(f"{self.path} {self.headers.get('X-Lvyue-Event')}\n")
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
receiver=$!
pids+=("$receiver")  # stopped by cleanup; wait_jobs leaves it alone
for _ in $(seq 1 50); do curl -s -o /dev/null -X POST "http://127.0.0.1:$rport/ping" && break; sleep 0.1; done
: > "$work/received"
# Three webhook channels (one through each instance and one more), each subscribed to every event.
for i in 1 2 3; do
  if [ "$i" = 2 ]; then p=$pb; t=$tb; else p=$pa; t=$ta; fi
  out=$(api "$p" "$t" POST /notification-channels "{\"name\":\"回执 $i\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:$rport/hook/$i\"}")
  [ "${out%% *}" = "201" ] || fail "could not create webhook channel $i: $out"
done
stop "$a"; stop "$b"
(exec env "${pgenv[@]}" "$bin" sweep > "$work/sweep1.out" 2>&1) & s1=$!
(exec env "${pgenv[@]}" "$bin" sweep > "$work/sweep2.out" 2>&1) & s2=$!
wait $s1 || fail "sweep 1 failed: $(cat "$work/sweep1.out")"
wait $s2 || fail "sweep 2 failed: $(cat "$work/sweep2.out")"
alerts=$(psql -tA "$pgurl" -c "SELECT count(*) FROM $schema.alerts WHERE source_id = '$milestone'")
fired=$(cat "$work/sweep1.out" "$work/sweep2.out" | grep -o '[0-9]* alert(s) fired' | awk '{s += $1} END {print s + 0}')
[ "$alerts" = "1" ] && [ "$fired" = "1" ] || fail "two sweeps: $alerts alert row(s), $fired reported fired ($(cat "$work"/sweep*.out | tr '\n' ' '))"
ok "two sweeps at once fired the due alert once"
# Every queued delivery was posted exactly once: as many posts as deliveries, no (channel, event) twice, all delivered.
# Then two more sweeps at once: nothing is sent again.
(exec env "${pgenv[@]}" "$bin" sweep > "$work/sweep3.out" 2>&1) & s3=$!
(exec env "${pgenv[@]}" "$bin" sweep > "$work/sweep4.out" 2>&1) & s4=$!
wait $s3 || fail "sweep 3 failed: $(cat "$work/sweep3.out")"
wait $s4 || fail "sweep 4 failed: $(cat "$work/sweep4.out")"
deliveries=$(psql -tA "$pgurl" -c "SELECT count(*) || '|' || count(*) FILTER (WHERE status = 'delivered') FROM $schema.deliveries")
posts=$(wc -l < "$work/received"); distinct=$(sort -u "$work/received" | wc -l)
[ "${deliveries%|*}" -ge 3 ] && [ "$deliveries" = "$posts|$posts" ] && [ "$distinct" = "$posts" ] \
  || fail "notifications with two sweepers: deliveries total|delivered $deliveries, $posts post(s) received, $distinct distinct ($(sort "$work/received" | uniq -c | tr '\n' ' '))"
ok "each notification delivered once: $posts webhook posts for $posts deliveries across two sweepers, none repeated"
(exec env "${pgenv[@]}" "$bin" audit verify > "$work/verify.out" 2>&1) || fail "audit verify after two instances: $(cat "$work/verify.out")"
ok "audit chain intact after two instances"

# ---------------------------------------------------------------- SIGKILL during a write load
crash() {
  local label=$1; shift
  local env=("$@") port; port=$(freeport)
  start "crash-$label" "$port" "${env[@]}"; local srv=$started
  waitup "$port"
  local t; t=$(token "$port")
  local cust; cust=$(api "$port" "$t" POST /customers "{\"name\":\"断电测试 $label\"}" | cut -d' ' -f2- | jq -r .id)
  : > "$work/acked.$label"
  for w in 1 2 3 4; do
    (
      for i in $(seq 1 100000); do
        out=$(api "$port" "$t" POST /service-requests "{\"customer_id\":\"$cust\",\"type\":\"other\",\"description\":\"写入 $w-$i\"}")
        code=${out%% *}
        case "$code" in
          201) echo "${out#* }" | jq -r .id >> "$work/acked.$label" ;;
          000*) exit 0 ;;  # the server is gone
        esac
      done
    ) &
  done
  sleep 4
  kill -9 "$srv"; wait "$srv" 2>/dev/null || true
  wait_jobs
  local acked; acked=$(wc -l < "$work/acked.$label")
  [ "$acked" -gt 0 ] || fail "$label: no write was acknowledged before the kill"
  if [ "$label" = sqlite ]; then
    [ "$(sqlite3 -cmd ".timeout 10000" "$work/crash.sqlite" 'PRAGMA integrity_check')" = "ok" ] || fail "sqlite integrity check after SIGKILL"
  fi
  (exec env "${env[@]}" "$bin" audit verify > "$work/verify-$label.out" 2>&1) || fail "$label: audit verify after SIGKILL: $(cat "$work/verify-$label.out")"
  start "crash-$label-2" "$port" "${env[@]}"; srv=$started
  waitup "$port"
  t=$(token "$port")
  local missing=0
  while read -r id; do
    [ "$(api "$port" "$t" GET "/service-requests/$id" | cut -c1-3)" = "200" ] || missing=$((missing + 1))
  done < "$work/acked.$label"
  stop "$srv"
  [ "$missing" = "0" ] || fail "$label: $missing of $acked acknowledged creations lost"
  ok "$label: SIGKILL during writes — all $acked acknowledged creations present, integrity and audit chain intact"
}
crash sqlite LVYUE_DB="$work/crash.sqlite" DATABASE_URL=
newschema crash_schema
crash postgresql DATABASE_URL="$pgurl" LVYUE_PG_SCHEMA="$crash_schema"

echo "instance-checks: $passed passed, 0 failed"
