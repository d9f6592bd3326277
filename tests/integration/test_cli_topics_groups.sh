#!/usr/bin/env bash
# The tide CLI as a Kafka admin tool: topics (create/list/describe/alter/delete), produce with
# keys and headers, consume as JSON, and consumer groups (list/describe with lag/reset-offsets).
source "$(dirname "$0")/lib.sh"
start_server --set kafka.group.initial.rebalance.delay.ms=0
T() { "$TIDE_BIN" "$@" -b "$BOOTSTRAP"; }

T topic create orders --partitions 3 --config retention.ms=3600000 >/dev/null
rc=0; T topic create orders 2>"$WORK_DIR/err" || rc=$?
[[ $rc -eq 1 ]] && grep -q "already exists" "$WORK_DIR/err" || fail "duplicate create: rc=$rc $(cat "$WORK_DIR/err")"
rc=0; T topic create 'bad/name' 2>"$WORK_DIR/err" || rc=$?
[[ $rc -ne 0 ]] || fail "a topic name with '/' was accepted"
rc=0; T topic create cfg --config no.such.config=1 2>"$WORK_DIR/err" || rc=$?
grep -q "no.such.config" "$WORK_DIR/err" || fail "unknown topic config not named: $(cat "$WORK_DIR/err")"
T topic list | grep -q "^orders	3 partitions$" || fail "topic list"
T topic describe orders | grep -q "retention.ms=3600000$" || fail "describe does not show the override"
T topic alter orders --config retention.ms=7200000 --partitions 4 >/dev/null
T topic describe orders >"$WORK_DIR/describe"
grep -q "Partitions: 4" "$WORK_DIR/describe" || fail "alter --partitions"
grep -q "retention.ms=7200000$" "$WORK_DIR/describe" || fail "alter --config"
T topic alter orders --delete-config retention.ms >/dev/null
T topic describe orders | grep -q "retention.ms=.*(default)" || fail "--delete-config did not restore the default"

# Produce keyed records with a header; consume them back as JSON.
seq 1 200 | awk '{print "user" ($1 % 7) "|" $1}' | T produce orders --key-separator '|' --header src=it 2>/dev/null
T consume orders --from-beginning --exit-at-end >"$WORK_DIR/all.jsonl"
[[ $(wc -l <"$WORK_DIR/all.jsonl") -eq 200 ]] || fail "consumed $(wc -l <"$WORK_DIR/all.jsonl") of 200"
/usr/bin/python3 - "$WORK_DIR/all.jsonl" <<'PY' || fail "consumed JSON is wrong"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert sorted(int(r["value"]) for r in rows) == list(range(1, 201))
part = {}
for r in rows:
    assert set(r) == {"topic", "partition", "offset", "timestamp", "key", "value", "headers"}, r
    assert r["headers"] == [{"key": "src", "value": "it"}], r
    assert r["key"] == "user%d" % (int(r["value"]) % 7), r
    assert part.setdefault(r["key"], r["partition"]) == r["partition"], "key moved partition"
PY
T consume orders --partition 0 --offset 1 --max-messages 1 | grep -q '"offset":1,' || fail "--partition/--offset"

# A group reads 50 records and commits; describe shows the lag; reset replays everything.
T consume orders --from-beginning --group billing --max-messages 50 >/dev/null
T group list | grep -q "^billing	Empty$" || fail "group list: $(T group list)"
T group describe billing >"$WORK_DIR/group"
grep -q "Total lag: 150$" "$WORK_DIR/group" || fail "lag after 50 of 200: $(cat "$WORK_DIR/group")"
T group reset-offsets billing --topic orders --to-latest >/dev/null
T group describe billing | grep -q "Total lag: 0$" || fail "lag after --to-latest"
T group reset-offsets billing --topic orders --to-earliest >/dev/null
T group describe billing | grep -q "Total lag: 200$" || fail "lag after --to-earliest"
T group reset-offsets billing --to-datetime 2000-01-01 --dry-run | grep -q "dry run" || fail "--dry-run"
T consume orders --group billing --max-messages 200 --idle-timeout-ms 5000 >"$WORK_DIR/replay.jsonl"
[[ $(wc -l <"$WORK_DIR/replay.jsonl") -eq 200 ]] || fail "replay after reset read $(wc -l <"$WORK_DIR/replay.jsonl")"
rc=0; T group describe nosuch 2>"$WORK_DIR/err" || rc=$?
[[ $rc -eq 1 ]] || fail "describe of a missing group exited $rc"

T topic delete orders >/dev/null
T topic list | grep -q "^orders" && fail "topic still listed after delete"
stop_server
echo "PASS test_cli_topics_groups"
