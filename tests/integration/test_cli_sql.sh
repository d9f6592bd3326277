#!/usr/bin/env bash
# `tide sql`: -e scripts, -f files and stdin, the three output formats, errors with positions
# in the whole script and exit codes, --timing, piped input with dot commands, and the
# interactive shell on a pseudo-terminal (continuation prompt, Ctrl-C cancelling a running
# query and clearing a typed line, history file, Ctrl-D).
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
D="$WORK_DIR/data"
S() { "$TIDE_BIN" sql --data-dir "$D" "$@"; }

# ------------------------------------------------------------ a table through SQL
S -e "CREATE TABLE t (a INT, b STRING, d DECIMAL(10,2), ts TIMESTAMP) USING DELTA;
      INSERT INTO t VALUES (1, 'x', 1.50, TIMESTAMP '2024-01-02 03:04:05.25'), (2, NULL, NULL, NULL),
                           (3, 'say \"hi\", ok', -0.05, TIMESTAMP '2024-06-30 23:00:00')" >"$WORK_DIR/create.out" \
  || fail "create/insert failed: $(cat "$WORK_DIR/create.out")"
grep -q "num_inserted_rows" "$WORK_DIR/create.out" || fail "INSERT prints its metrics: $(cat "$WORK_DIR/create.out")"

# ------------------------------------------------------------ table format
S -e "SELECT a, b, d, ts FROM t ORDER BY a" >"$WORK_DIR/table.out" || fail "select failed"
cat >"$WORK_DIR/table.expected" <<'EOF'
┌─────┬──────────────┬───────────────┬────────────────────────┐
│  a  │      b       │       d       │           ts           │
│ int │    string    │ decimal(10,2) │       timestamp        │
├─────┼──────────────┼───────────────┼────────────────────────┤
│   1 │ x            │          1.50 │ 2024-01-02 03:04:05.25 │
│   2 │ NULL         │          NULL │ NULL                   │
│   3 │ say "hi", ok │         -0.05 │ 2024-06-30 23:00:00    │
└─────┴──────────────┴───────────────┴────────────────────────┘
3 rows
EOF
diff -u "$WORK_DIR/table.expected" "$WORK_DIR/table.out" >&2 || fail "table output differs"

S --max-rows 1 -e "SELECT a FROM t ORDER BY a" | grep -qx "3 rows (1 shown; --format csv or json prints all)" \
  || fail "--max-rows limits the table and says so"

# ------------------------------------------------------------ csv and json
S --format csv -e "SELECT a, b, d FROM t ORDER BY a" >"$WORK_DIR/csv.out" || fail "csv select failed"
printf 'a,b,d\n1,x,1.50\n2,,\n3,"say ""hi"", ok",-0.05\n' | diff -u - "$WORK_DIR/csv.out" >&2 || fail "csv output differs"
S --format json -e "SELECT a, b, d, ts FROM t WHERE a <> 2 ORDER BY a" >"$WORK_DIR/json.out" || fail "json select failed"
cat >"$WORK_DIR/json.expected" <<'EOF'
{"a":1,"b":"x","d":"1.50","ts":"2024-01-02T03:04:05.250000Z"}
{"a":3,"b":"say \"hi\", ok","d":"-0.05","ts":"2024-06-30T23:00:00.000000Z"}
EOF
diff -u "$WORK_DIR/json.expected" "$WORK_DIR/json.out" >&2 || fail "json output differs"

# The session time zone renders timestamps (table/csv); JSON keeps UTC instants.
S --format csv -e "SET spark.sql.session.timeZone = America/New_York; SELECT ts FROM t WHERE a = 1" >"$WORK_DIR/tz.out" \
  || fail "time zone select failed"
grep -qx "2024-01-01 22:04:05.25" "$WORK_DIR/tz.out" || fail "timestamp in America/New_York: $(cat "$WORK_DIR/tz.out")"

# ------------------------------------------------------------ errors and exit codes
set +e
S -e "SELECT 1 AS one;
SELECT nope FROM t; SELECT 2" >"$WORK_DIR/err.out" 2>"$WORK_DIR/err.err"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "a failing statement exits 1 (got $rc)"
grep -q "line 2, column 8: .*nope" "$WORK_DIR/err.err" || fail "error position in the script: $(cat "$WORK_DIR/err.err")"
grep -q "^       \^" "$WORK_DIR/err.err" || fail "caret under the column: $(cat "$WORK_DIR/err.err")"
grep -q "one" "$WORK_DIR/err.out" || fail "statements before the error ran"
if grep -q "│   2 │" "$WORK_DIR/err.out"; then fail "statements after the error must not run"; fi

set +e
S -e "SELEC 1" >/dev/null 2>"$WORK_DIR/parse.err"; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "a parse error exits 1, not as a usage error (got $rc)"
grep -q "line 1, column 1" "$WORK_DIR/parse.err" || fail "parse error position: $(cat "$WORK_DIR/parse.err")"

set +e
S --format xml -e "SELECT 1" >/dev/null 2>&1; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "an unknown --format is a usage error (got $rc)"
set +e
S -f "$WORK_DIR/missing.sql" >/dev/null 2>&1; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "a missing -f file exits 1 (got $rc)"

# ------------------------------------------------------------ -f, stdin, --timing
printf -- "-- a comment\nSELECT count(*) AS n\nFROM t;\n\nSELECT max(a) AS m FROM t;\n" >"$WORK_DIR/script.sql"
S -f "$WORK_DIR/script.sql" --format csv --timing >"$WORK_DIR/f.out" 2>"$WORK_DIR/f.err" || fail "-f failed"
printf 'n\n3\nm\n3\n' | diff -u - "$WORK_DIR/f.out" >&2 || fail "-f output differs"
[[ $(grep -c "^Time: [0-9.]* ms$" "$WORK_DIR/f.err") -eq 2 ]] || fail "--timing prints one line per statement: $(cat "$WORK_DIR/f.err")"
S -f - --format csv <"$WORK_DIR/script.sql" >"$WORK_DIR/stdin.out" || fail "-f - failed"
cmp -s "$WORK_DIR/f.out" "$WORK_DIR/stdin.out" || fail "-f - differs from -f FILE"

# Piped input without -e/-f: statements as they complete, dot commands.
printf ".format csv\nSELECT a\n  FROM t WHERE a = 3;\n.tables\nSELECT 'done' AS s;\n" | S >"$WORK_DIR/pipe.out" 2>&1 \
  || fail "piped input failed: $(cat "$WORK_DIR/pipe.out")"
grep -qx "3" "$WORK_DIR/pipe.out" || fail "piped statement result: $(cat "$WORK_DIR/pipe.out")"
grep -q "default,t,false" "$WORK_DIR/pipe.out" || fail ".tables lists t: $(cat "$WORK_DIR/pipe.out")"
grep -qx "done" "$WORK_DIR/pipe.out" || fail "statement after .tables: $(cat "$WORK_DIR/pipe.out")"
set +e
printf "SELECT 1;\nSELECT nope;\nSELECT 3;\n" | S --format csv >"$WORK_DIR/pipe2.out" 2>&1; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "piped input stops at the first error with status 1 (got $rc)"

# ------------------------------------------------------------ the interactive shell (pty)
"$TIDE_BIN" gen tpch --scale 0.01 --format delta --files-per-table 50 --out "$D" -q || fail "tide gen tpch failed"
HOME="$WORK_DIR" "$PY" - "$TIDE_BIN" "$D" <<'EOF' || fail "interactive shell checks failed"
import os, pty, select, sys, time
tide, data = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(tide, [tide, 'sql', '--data-dir', data])

def read_until(marker, timeout=20):
    out = b''
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if marker.encode() in out:
                return out.decode(errors='replace')
    raise SystemExit(f'timed out waiting for {marker!r}; got {out.decode(errors="replace")!r}')

read_until('tide> ')
os.write(fd, b'SELECT count(*) AS n\r')
read_until('   -> ')
os.write(fd, b'FROM region;\r')
out = read_until('tide> ')
assert '│      5 │' in out and '1 row' in out, out
# Ctrl-C cancels a long query (a 500-million-row join) and the shell goes on.
os.write(fd, b'SELECT count(*) FROM lineitem a JOIN lineitem b ON a.l_linenumber = b.l_linenumber AND a.l_comment <> b.l_comment;\r')
time.sleep(1.0)
os.write(fd, b'\x03')
out = read_until('tide> ', timeout=30)
assert 'Cancelled' in out, out
# Ctrl-C while typing clears the line.
os.write(fd, b'SELECT oops')
time.sleep(0.2)
os.write(fd, b'\x03')
read_until('tide> ')
os.write(fd, b'.format csv\r')
read_until('tide> ')
os.write(fd, b"SELECT 'after' AS s;\r")
out = read_until('tide> ')
assert 'after' in out and 'oops' not in out.split('after')[0].split('\n')[-1], out
os.write(fd, b'\x04')
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
hist = open(os.path.join(os.environ['HOME'], '.tide_sql_history')).read()
assert 'region;' in hist and "'after'" in hist, hist
print('interactive ok')
EOF

# ------------------------------------------------------------ against a running server
DATA_DIR="$D" start_server
R() { "$TIDE_BIN" sql --server "127.0.0.1:$HTTP_PORT" "$@"; }
R --format csv -e "CREATE TABLE srv (k BIGINT, v STRING) USING DELTA; INSERT INTO srv VALUES (1, 'one'), (2, 'two');
                   SELECT k, v FROM srv ORDER BY k" >"$WORK_DIR/remote.out" 2>&1 || fail "remote statements failed: $(cat "$WORK_DIR/remote.out")"
grep -qx "2,two" "$WORK_DIR/remote.out" || fail "remote select: $(cat "$WORK_DIR/remote.out")"
S --format csv -e "SELECT count(*) AS n FROM srv" | grep -qx "2" || fail "the server's table is visible locally"
R -e "SELECT a, d, ts FROM t ORDER BY a" >"$WORK_DIR/remote_table.out" || fail "remote table select failed"
grep -q "decimal(10,2)" "$WORK_DIR/remote_table.out" || fail "remote results keep their types: $(cat "$WORK_DIR/remote_table.out")"
grep -q "2024-01-02 03:04:05.25" "$WORK_DIR/remote_table.out" || fail "remote timestamps: $(cat "$WORK_DIR/remote_table.out")"
set +e
R -e "SELECT 1;
SELECT nope FROM srv" >/dev/null 2>"$WORK_DIR/remote.err"; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "a failing remote statement exits 1 (got $rc)"
grep -q "line 2, column 8: .*nope" "$WORK_DIR/remote.err" || fail "remote error position: $(cat "$WORK_DIR/remote.err")"
# The endpoint itself: JSON lines by default, JSON errors.
curl -sf -X POST --data "SELECT k, v FROM srv ORDER BY k" "http://127.0.0.1:$HTTP_PORT/api/v1/sql" >"$WORK_DIR/curl.out" \
  || fail "POST /api/v1/sql failed"
printf '{"k":1,"v":"one"}\n{"k":2,"v":"two"}\n' | diff -u - "$WORK_DIR/curl.out" >&2 || fail "endpoint JSON lines differ"
code=$(curl -s -o "$WORK_DIR/curl.err" -w "%{http_code}" -X POST --data "SELEC" "http://127.0.0.1:$HTTP_PORT/api/v1/sql")
[[ $code == 400 ]] || fail "a bad statement answers 400 (got $code)"
grep -q '"code":"InvalidArgument"' "$WORK_DIR/curl.err" || fail "error body: $(cat "$WORK_DIR/curl.err")"
curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null || fail "the server still answers after SQL requests"
stop_server

echo "test_cli_sql: ok"
