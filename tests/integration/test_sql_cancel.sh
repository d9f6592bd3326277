#!/usr/bin/env bash
# POST /api/v1/sql: a client that disconnects before its answer cancels its statement. Both SQL
# threads are filled with statements that would run for minutes (a query and an INSERT), a
# third waits in the queue; their clients give up (curl --max-time). The queued one is
# skipped, the running ones stop: a new statement is answered at once, the metrics and the log
# say what happened, the INSERT committed nothing, and the server stops promptly.
source "$(dirname "$0")/lib.sh"
start_server
URL="http://127.0.0.1:$HTTP_PORT/api/v1/sql"
sql() { curl -sf -X POST --data "$1" "$URL"; }

sql "CREATE TABLE t (n BIGINT) USING DELTA" >/dev/null || fail "create table"
sql "INSERT INTO t VALUES (7)" >/dev/null || fail "insert"

# Over a minute of work each, in a few dozen MB; the cross join notices a cancel between probe
# batches (8192 rows times the build side: a fraction of a second). A sanitizer build runs ~40
# times slower: there a smaller build side keeps the batches short.
if ldd "$TIDE_BIN" | grep -q libasan; then
  LONG="SELECT count(*) FROM range(1000000) a, range(100) b"
else
  LONG="SELECT count(*) FROM range(4000000) a, range(1000) b"
fi
curl -s -o /dev/null --max-time 3 -X POST --data "$LONG" "$URL" &
A=$!
curl -s -o /dev/null --max-time 3 -X POST --data "INSERT INTO t $LONG" "$URL" &
B=$!
sleep 0.5  # both SQL threads are busy now
curl -s -o /dev/null --max-time 1 -X POST --data "CREATE TABLE skipped (a INT) USING DELTA" "$URL" &
C=$!
wait $A $B $C || true  # curl exits 28 (timed out): the clients went away

metrics() { curl -sf "http://127.0.0.1:$HTTP_PORT/metrics"; }
metric() { metrics | grep -F "$1" | awk '{print $2}'; }
# Each of the three requests counts as a 499 once its SQL thread is done with it: about a
# second after the clients left (more on a loaded machine). Without cancellation the two
# running statements would hold their threads for well over a minute.
start=$(date +%s%N)
deadline=$(( $(date +%s) + 30 ))
while (( $(date +%s) < deadline )); do
  [[ "$(metric 'tide_http_requests_total{path="/api/v1/sql",status="499"}')" == 3 ]] && break
  sleep 0.05
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[[ "$(metric 'tide_http_requests_total{path="/api/v1/sql",status="499"}')" == 3 ]] \
  || fail "the statements did not stop within 30 s: $(metrics | grep -E 'api/v1/sql|disconnects')"
echo "the SQL threads were free ${ms} ms after the clients left"
out=$(curl -sf --max-time 15 -X POST --data "SELECT 1 AS one" "$URL") || fail "a new statement was not answered"
[[ $out == '{"one":1}' ]] || fail "unexpected answer: $out"
[[ "$(metric 'tide_sql_client_disconnects_total{stage="running"}')" == 2 ]] \
  || fail "running disconnects: $(metrics | grep disconnects)"
[[ "$(metric 'tide_sql_client_disconnects_total{stage="queued"}')" == 1 ]] \
  || fail "queued disconnects: $(metrics | grep disconnects)"
[[ $(grep -c '"client went away before its answer' "$WORK_DIR/server.log") == 3 ]] || fail "one log line per disconnect"
grep '"client went away before its answer' "$WORK_DIR/server.log" | grep -q '"peer":"127.0.0.1:' || fail "the log names the peer"

# The cancelled INSERT committed nothing; the queued CREATE never ran.
[[ "$(sql "SELECT n FROM t")" == '{"n":7}' ]] || fail "table t changed: $(sql "SELECT n FROM t")"
[[ ! -e "$DATA_DIR/tables/t/_delta_log/00000000000000000002.json" ]] || fail "the cancelled INSERT committed"
[[ ! -e "$DATA_DIR/tables/skipped" ]] || fail "the queued statement ran"

stop_server
echo "test_sql_cancel: ok"
