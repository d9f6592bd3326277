#!/usr/bin/env bash
# Foundation: the tide binary's contract (version, help, exit codes, one-line errors) and the
# server's life (health, Prometheus metrics checked by promtool, data-dir lock, SIGTERM).
source "$(dirname "$0")/lib.sh"

# --- CLI contract ---
"$TIDE_BIN" --version | grep -q '^tide [0-9]' || fail "--version"
for cmd in server topic "topic create" produce consume; do
  # shellcheck disable=SC2086
  "$TIDE_BIN" $cmd --help >/dev/null || fail "'tide $cmd --help' did not exit 0"
done
rc=0; "$TIDE_BIN" no-such-command 2>"$WORK_DIR/err" || rc=$?
[[ $rc -eq 2 ]] || fail "unknown command exited $rc, want 2"
[[ $(wc -l <"$WORK_DIR/err") -eq 1 ]] || fail "usage error is not one line: $(cat "$WORK_DIR/err")"
grep -q "unknown command 'no-such-command'" "$WORK_DIR/err" || fail "unknown command message: $(cat "$WORK_DIR/err")"
rc=0; "$TIDE_BIN" topic create 2>"$WORK_DIR/err" || rc=$?
[[ $rc -eq 2 ]] || fail "missing argument exited $rc, want 2"
rc=0; "$TIDE_BIN" server --set no.such.key=1 2>"$WORK_DIR/err" || rc=$?
[[ $rc -eq 2 ]] || fail "unknown config key exited $rc, want 2"
grep -q "unknown config key 'no.such.key'" "$WORK_DIR/err" || fail "unknown key message: $(cat "$WORK_DIR/err")"
printf 'kafka:\n  lisen: 127.0.0.1:1\n' >"$WORK_DIR/bad.yaml"
rc=0; "$TIDE_BIN" server --config "$WORK_DIR/bad.yaml" 2>"$WORK_DIR/err" || rc=$?
[[ $rc -eq 2 ]] || fail "unknown key in config file exited $rc, want 2"
grep -q "bad.yaml: unknown config key 'kafka.lisen' (did you mean 'kafka.listen'?)" "$WORK_DIR/err" ||
  fail "config file error: $(cat "$WORK_DIR/err")"
rc=0; "$TIDE_BIN" topic list -b "127.0.0.1:$(free_port)" --timeout-ms 500 2>"$WORK_DIR/err" || rc=$?
[[ $rc -eq 1 ]] || fail "unreachable broker exited $rc, want 1"
[[ $(wc -l <"$WORK_DIR/err") -eq 1 ]] || fail "runtime error is not one line: $(cat "$WORK_DIR/err")"

# --- server ---
start_server
curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" | grep -q '"ok"' || fail "/healthz"
curl -sf "http://127.0.0.1:$HTTP_PORT/metrics" >"$WORK_DIR/metrics.txt" || fail "/metrics"
promtool check metrics <"$WORK_DIR/metrics.txt" || fail "promtool rejected /metrics: $(promtool check metrics <"$WORK_DIR/metrics.txt" 2>&1)"
grep -q '^tide_build_info{version="' "$WORK_DIR/metrics.txt" || fail "tide_build_info missing"
grep -q '^process_resident_memory_bytes ' "$WORK_DIR/metrics.txt" || fail "process metrics missing"
[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/nope") == 404 ]] || fail "unknown path is not 404"
grep -q '"msg":"starting"' "$WORK_DIR/server.log" || fail "configuration not logged at start"
grep -q '"kafka.listen":"127.0.0.1:' "$WORK_DIR/server.log" || fail "config fields missing from the start log line"

# A second server on the same data directory is refused, naming the holder.
rc=0; "$TIDE_BIN" server --data-dir "$DATA_DIR" --kafka-listen "127.0.0.1:$(free_port)" \
  --http-listen "127.0.0.1:$(free_port)" 2>"$WORK_DIR/err" >/dev/null || rc=$?
[[ $rc -eq 1 ]] || fail "second server on a locked data dir exited $rc, want 1"
grep -q "is in use by another tide process (pid $SERVER_PID)" "$WORK_DIR/err" || fail "lock message: $(cat "$WORK_DIR/err")"

stop_server
grep -q '"msg":"stopped"' "$WORK_DIR/server.log" || fail "no clean-stop log line"

# The lock dies with the process: a restart on the same directory works, and so does SIGINT.
start_server
grep -q '"msg":"opened after a clean shutdown"' "$WORK_DIR/server.log" || fail "restart after a clean stop not recognised"
kill -INT "$SERVER_PID"; rc=0; wait "$SERVER_PID" || rc=$?; SERVER_PID=""
[[ $rc -eq 0 ]] || fail "SIGINT exit status $rc"
echo "PASS test_server_lifecycle"
