# Shared helpers for the shell integration tests. Source it; it needs TIDE_BIN.
set -euo pipefail

: "${TIDE_BIN:?TIDE_BIN must point at the tide binary}"
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tide-it.XXXXXX")
SERVER_PID=""

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [[ -f "$WORK_DIR/server.log" ]]; then
    echo "--- server log (last 30 lines) ---" >&2
    tail -n 30 "$WORK_DIR/server.log" >&2
  fi
  exit 1
}

# A TCP port nobody listens on right now.
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_server [extra tide server args...]: starts a server on free ports with a fresh data
# directory; sets KAFKA_PORT, HTTP_PORT, BOOTSTRAP, DATA_DIR, SERVER_PID; waits for /healthz.
start_server() {
  KAFKA_PORT=$(free_port)
  HTTP_PORT=$(free_port)
  BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
  DATA_DIR="${DATA_DIR:-$WORK_DIR/data}"
  "$TIDE_BIN" server --data-dir "$DATA_DIR" --kafka-listen "$BOOTSTRAP" \
    --http-listen "127.0.0.1:$HTTP_PORT" --log-format json "$@" >>"$WORK_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || fail "tide server exited during start"
    sleep 0.05
  done
  fail "tide server did not answer /healthz within 5 s"
}

# stop_server: SIGTERM, then require exit status 0 within 2 s.
stop_server() {
  kill -TERM "$SERVER_PID"
  for _ in $(seq 1 40); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      local rc=0
      wait "$SERVER_PID" || rc=$?
      SERVER_PID=""
      [[ $rc -eq 0 ]] || fail "tide server exited with status $rc after SIGTERM"
      return 0
    fi
    sleep 0.05
  done
  fail "tide server still running 2 s after SIGTERM"
}
