#!/usr/bin/env bash
# The demo `make demo` runs: an embedded `tide server` on a temporary data directory, a topic,
# a few records produced and consumed with the `tide` CLI, a Delta table written and queried with
# `tide table` and `tide sql`, the server's /metrics, a clean stop.
# Usage: scripts/demo.sh PATH/TO/tide
set -euo pipefail
TIDE=${1:-build/release/bin/tide}
DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tide-demo.XXXXXX")
port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
KAFKA="127.0.0.1:$(port)"
HTTP="127.0.0.1:$(port)"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill -KILL "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DATA_DIR" "$DATA_DIR.log"
}
trap cleanup EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "tide server --data-dir $DATA_DIR --kafka-listen $KAFKA --http-listen $HTTP"
"$TIDE" server --data-dir "$DATA_DIR" --kafka-listen "$KAFKA" --http-listen "$HTTP" --log-format text \
  2>"$DATA_DIR.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "http://$HTTP/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
curl -sf "http://$HTTP/healthz" >/dev/null || { echo "server did not start:" >&2; cat "$DATA_DIR.log" >&2; exit 1; }

step "tide topic create orders --partitions 3"
"$TIDE" topic create orders --partitions 3 -b "$KAFKA"

step "tide produce orders --key-separator :   (5 keyed records)"
printf '%s\n' 'alice:{"order_id":1,"amount":12.50}' 'bob:{"order_id":2,"amount":7.25}' \
  'carol:{"order_id":3,"amount":99.00}' 'alice:{"order_id":4,"amount":3.10}' 'dave:{"order_id":5,"amount":42.00}' |
  "$TIDE" produce orders --key-separator : --header source=demo -b "$KAFKA"

step "tide topic describe orders"
"$TIDE" topic describe orders -b "$KAFKA" | head -n 5

step "tide consume orders --from-beginning --exit-at-end"
"$TIDE" consume orders --from-beginning --exit-at-end -b "$KAFKA"

TABLE="$DATA_DIR/tables/orders"
step "tide table create $TABLE   (a Delta Lake table, partitioned by customer)"
"$TIDE" table create "$TABLE" --schema 'order_id BIGINT NOT NULL, customer STRING, amount DECIMAL(10,2)' \
  --partition-by customer
printf '%s\n' '{"order_id":1,"customer":"alice","amount":"12.50"}' '{"order_id":2,"customer":"bob","amount":"7.25"}' \
  '{"order_id":3,"customer":"carol","amount":"99.00"}' >"$DATA_DIR/orders-1.json"
printf '%s\n' 'order_id,customer,amount' '4,alice,3.10' '5,dave,42.00' >"$DATA_DIR/orders-2.csv"

step "tide table append $TABLE orders-1.json; tide table append $TABLE orders-2.csv"
"$TIDE" table append "$TABLE" "$DATA_DIR/orders-1.json"
"$TIDE" table append "$TABLE" "$DATA_DIR/orders-2.csv"

step "tide table cat $TABLE --where \"customer = 'alice'\""
"$TIDE" table cat "$TABLE" --where "customer = 'alice'"

step "tide table optimize $TABLE; tide table history $TABLE"
"$TIDE" table optimize "$TABLE" | head -n 1   # alice's two small files become one
"$TIDE" table history "$TABLE" | cut -c1-150

step "tide table cat $TABLE --version 1   (time travel: before the second append) and tide table check"
"$TIDE" table cat "$TABLE" --version 1
"$TIDE" table check "$TABLE"

step "tide sql: Spark SQL over the same table (aggregate, MERGE upsert, time travel, EXPLAIN)"
SQL=("$TIDE" sql --data-dir "$DATA_DIR")
"${SQL[@]}" -e "SELECT customer, count(*) AS orders, sum(amount) AS total FROM orders GROUP BY customer ORDER BY total DESC"
"${SQL[@]}" -e "MERGE INTO orders t
  USING (VALUES (4, 'alice', 5.00), (6, 'erin', 18.00)) AS s(order_id, customer, amount)
  ON t.order_id = s.order_id
  WHEN MATCHED THEN UPDATE SET amount = s.amount
  WHEN NOT MATCHED THEN INSERT *"
"${SQL[@]}" -e "SELECT order_id, customer, amount FROM orders WHERE order_id >= 4 ORDER BY order_id"
"${SQL[@]}" -e "SELECT count(*) AS orders_at_version_1 FROM orders VERSION AS OF 1"
"${SQL[@]}" -e "EXPLAIN SELECT customer, sum(amount) FROM orders WHERE customer = 'alice' GROUP BY customer"
step "tide sql --server $HTTP   (the same SQL through the running server's HTTP API)"
"$TIDE" sql --server "$HTTP" --format json -e "SELECT customer, sum(amount) AS total FROM orders GROUP BY customer ORDER BY customer"

step "curl http://$HTTP/metrics   (Kafka and process metrics, Prometheus text format)"
curl -sf "http://$HTTP/metrics" | grep -E '^(tide_kafka_requests_total|tide_kafka_produced|tide_kafka_connections|tide_build_info|process_resident)' | head -n 12

step "stopping the server (SIGTERM)"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
SERVER_PID=""
step "the server's log"
sed 's/^/  /' "$DATA_DIR.log" | cut -c1-160
echo
echo "demo finished: server stopped cleanly (exit 0)"
