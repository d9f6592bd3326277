// Cross-check of Tide's Parquet reader against DuckDB, value by value.
//
// For every readable file in parquet-testing/data, runs `$TIDE_BIN parquet cat FILE` (JSON
// lines, DESIGN.md row format) and `SELECT * FROM read_parquet(FILE)` in DuckDB, then compares
// row counts and every value after normalizing the representations both sides legitimately
// differ in (timestamp separators and zone suffix, trailing fraction zeros, float32 widening,
// BLOBs as base64, UUIDs, numbers beyond 2^53 kept as text).
//
// Files DuckDB cannot read are reported as "duckdb-skip" and not counted as failures; files
// Tide refuses are failures unless listed in TIDE_EXPECTED_ERRORS with the reason.
// Writer check (when `tide parquet rewrite IN OUT` exists): every file Tide reads is rewritten
// by Tide's writer and DuckDB's reading of the rewrite must equal DuckDB's reading of the
// original, value by value.
// Exits 0 with "SKIP" when the `tide parquet cat` subcommand is not available yet.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tideBin = process.env.TIDE_BIN;
const sourceDir = process.env.TIDE_SOURCE_DIR || path.resolve(here, '../..');
const dataDir = path.resolve(sourceDir, '../shared/testdata/parquet-testing/data');

// Files Tide refuses on purpose.
const TIDE_EXPECTED_ERRORS = {
  'datapage_v1-corrupt-checksum.parquet': 'page CRC mismatch (the file is corrupt on purpose)',
  'rle-dict-uncompressed-corrupt-checksum.parquet': 'page CRC mismatch (the file is corrupt on purpose)',
  'nation.dict-malformed.parquet': 'malformed dictionary page (corrupt on purpose)',
  // Whole row groups only: `cat --batch-rows 1` reads it (checked in parquet_scan_test.cc;
  // printing 2 GiB of JSON here would take too long).
  'large_string_map.brotli.parquet': 'over 2 GiB of strings in one row group read whole (int32 offsets)',
};

function skip(msg) {
  console.log(`SKIP: ${msg}`);
  process.exit(0);
}

if (!tideBin) skip('TIDE_BIN is not set');
{
  const help = spawnSync(tideBin, ['parquet', 'cat', '--help'], { encoding: 'utf8' });
  if (help.error || help.status !== 0) skip('`tide parquet cat` is not available');
}

const require = createRequire(import.meta.url);
let duckdb;
try {
  duckdb = require(path.resolve(here, '../js/node_modules/@duckdb/node-api/lib/index.js'));
} catch (e) {
  skip(`DuckDB node API not installed: ${e.message}`);
}

// A JSON parser that keeps numbers as their source text (Node 20 has no JSON.parse source
// access), so 64-bit integers and decimals compare exactly.
function parseJson(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const o = {}; ws();
      if (text[i] === '}') { i++; return o; }
      for (;;) {
        ws(); const k = str(); ws(); i++; // ':'
        o[k] = value(); ws();
        if (text[i] === ',') { i++; continue; }
        i++; return o;
      }
    }
    if (c === '[') {
      i++; const a = []; ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) {
        a.push(value()); ws();
        if (text[i] === ',') { i++; continue; }
        i++; return a;
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?[0-9.eE+-]+/.exec(text.slice(i, i + 64));
    if (!m) throw new Error(`bad JSON at ${i}: ${text.slice(i, i + 20)}`);
    i += m[0].length;
    return { num: m[0] };
  }
  function str() {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  }
  return value();
}

const SPECIAL = new Set(['NaN', 'Infinity', '-Infinity']);
const isNum = (v) => v !== null && typeof v === 'object' && 'num' in v;

function normTime(s) {
  // 2009-03-01T00:00:00.000000Z / 2009-03-01 00:00:00+00 → 2009-03-01 00:00:00;
  // DuckDB's "0044-03-15 (BC) ..." → astronomical year -0043.
  let t = s.replace('T', ' ').replace(/(Z|[+-]00(:?00)?)$/, '');
  const bc = /^(\d+)-(\d\d-\d\d) \(BC\)(.*)$/.exec(t);
  if (bc) t = `-${String(Number(bc[1]) - 1).padStart(4, '0')}-${bc[2]}${bc[3]}`;
  if (/\d\d:\d\d:\d\d\.\d+$/.test(t)) t = t.replace(/0+$/, '').replace(/\.$/, '');
  return t;
}

function blobBytes(s) {
  // DuckDB renders BLOB bytes outside printable ASCII as \xHH.
  const out = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === 'x') { out.push(parseInt(s.slice(i + 2, i + 4), 16)); i += 3; }
    else out.push(s.charCodeAt(i));
  }
  return Buffer.from(out);
}

function numEq(a, b) {
  if (a === b) return true;
  try { if (BigInt(a) === BigInt(b)) return true; } catch { /* not integers */ }
  const x = Number(a), y = Number(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  if (x === y) return true;
  // float32 values: Tide prints the shortest float32 form, DuckDB the widened double.
  return Math.abs(x - y) <= 1e-6 * Math.max(Math.abs(x), Math.abs(y));
}

function eq(t, d) {
  if (d === null || d === undefined) return t === null;
  if (t === null) return false;
  if (Array.isArray(d)) return Array.isArray(t) && t.length === d.length && d.every((x, k) => eq(t[k], x));
  if (typeof d === 'object') {
    if (typeof t !== 'object' || Array.isArray(t) || isNum(t)) return false;
    const keys = Object.keys(d);
    return keys.length === Object.keys(t).length && keys.every((k) => eq(t[k], d[k]));
  }
  if (typeof d === 'boolean') return t === d;
  const ds = String(d);
  if (isNum(t)) return numEq(t.num, ds);
  if (typeof t !== 'string') return false;
  if (t === ds) return true;
  if (SPECIAL.has(t)) return ds === t || (t === 'NaN' && ds === 'nan') || numEq(t, ds);
  if (/^-?\d+(\.\d+)?$/.test(t) && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(ds)) return numEq(t, ds);
  if (/^-?\d{4,}-\d\d-\d\d[T ]/.test(t) || /^\d\d:\d\d:\d\d/.test(t)) return normTime(t) === normTime(ds);
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(ds)) {
    return Buffer.from(t, 'base64').toString('hex') === ds.replace(/-/g, '');
  }
  // A nested BLOB (top-level BLOBs are selected as base64 already).
  return Buffer.from(t, 'base64').equals(blobBytes(ds));
}

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (name.endsWith('.parquet')) out.push(p);
  }
  return out;
}

const instance = await duckdb.DuckDBInstance.create(':memory:');
const con = await instance.connect();
const quote = (s) => `'${s.replace(/'/g, "''")}'`;
const ident = (s) => `"${s.replace(/"/g, '""')}"`;

async function duckRead(file) {
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quote(file)})`)).getRowObjectsJson();
  const cols = desc.map((r) => (r.column_type === 'BLOB' ? `to_base64(${ident(r.column_name)}) AS ${ident(r.column_name)}`
                                                          : ident(r.column_name)));
  const res = await con.runAndReadAll(`SELECT ${cols.join(', ')} FROM read_parquet(${quote(file)})`);
  return res.getRowObjectsJson();
}

// DuckDB's JSON of the rewritten file, shaped like Tide's (numbers as source text).
function asTide(v) {
  if (typeof v === 'number') return { num: String(v) };
  if (Array.isArray(v)) return v.map(asTide);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asTide(x)]));
  return v;
}

// Tide's JSON lines against DuckDB's rows of the same file: the first difference, or null.
function compareRows(lines, duckRows) {
  if (lines.length !== duckRows.length) return `row count: tide ${lines.length}, duckdb ${duckRows.length}`;
  for (let r = 0; r < lines.length; r++) {
    const t = parseJson(lines[r]);
    const d = duckRows[r];
    for (const k of Object.keys(d)) {
      if (!eq(t[k], d[k])) return `row ${r} column ${k}: tide ${JSON.stringify(t[k])} duckdb ${JSON.stringify(d[k])}`;
    }
  }
  return null;
}

const rewriteHelp = spawnSync(tideBin, ['parquet', 'rewrite', '--help'], { encoding: 'utf8' });
const canRewrite = !rewriteHelp.error && rewriteHelp.status === 0;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tide-parquet-'));
let rewriteMatched = 0, rewriteFailed = 0;

let matched = 0, failed = 0, duckSkipped = 0, expected = 0;
const failures = [];
for (const file of listFiles(dataDir)) {
  const rel = path.relative(dataDir, file);
  const tide = spawnSync(tideBin, ['parquet', 'cat', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (tide.status !== 0) {
    if (TIDE_EXPECTED_ERRORS[rel]) { expected++; console.log(`expected-error ${rel}: ${TIDE_EXPECTED_ERRORS[rel]}`); continue; }
    failed++; failures.push(`${rel}: tide failed: ${(tide.stderr || '').trim().slice(0, 300)}`);
    continue;
  }
  if (TIDE_EXPECTED_ERRORS[rel]) { failed++; failures.push(`${rel}: expected an error, tide read it`); continue; }
  let duckRows;
  try {
    duckRows = await duckRead(file);
  } catch (e) {
    duckSkipped++; console.log(`duckdb-skip ${rel}: ${e.message.split('\n')[0]}`);
    continue;
  }
  const lines = tide.stdout.split('\n').filter((l) => l.length > 0);
  const problem = compareRows(lines, duckRows);
  if (problem) { failed++; failures.push(`${rel}: ${problem}`.slice(0, 500)); }
  else { matched++; console.log(`match ${rel} (${lines.length} rows)`); }

  if (!canRewrite) continue;
  const out = path.join(tmp, rel.replace(/[\/]/g, '_'));
  const rw = spawnSync(tideBin, ['parquet', 'rewrite', file, out], { encoding: 'utf8' });
  let rproblem = null;
  if (rw.status !== 0) {
    rproblem = `tide rewrite failed: ${(rw.stderr || '').trim().slice(0, 300)}`;
  } else {
    try {
      const again = await duckRead(out);
      if (again.length !== duckRows.length) rproblem = `rewrite has ${again.length} rows, original ${duckRows.length}`;
      for (let r = 0; r < again.length && !rproblem; r++) {
        const t = asTide(again[r]);
        for (const k of Object.keys(duckRows[r])) {
          if (!eq(t[k], duckRows[r][k])) {
            rproblem = `rewrite row ${r} column ${k}: ${JSON.stringify(again[r][k])} vs original ${JSON.stringify(duckRows[r][k])}`;
            break;
          }
        }
      }
    } catch (e) {
      rproblem = `duckdb cannot read Tide's rewrite: ${e.message.split('\n')[0]}`;
    }
  }
  if (rproblem) { rewriteFailed++; failures.push(`${rel}: ${rproblem}`.slice(0, 500)); }
  else rewriteMatched++;
}

// Files DuckDB writes, with every codec, read by Tide identically.
let duckWrittenMatched = 0;
await con.run(`CREATE TABLE mixed AS SELECT
    i::INTEGER AS id, (i * 1000003)::BIGINT AS big, (i % 100)::TINYINT AS tiny, (i % 3 = 0) AS flag,
    CASE WHEN i % 7 = 0 THEN NULL ELSE i / 8.0 END AS dbl, (i * 0.01)::FLOAT AS flt,
    (i * 1.25)::DECIMAL(18, 2) AS price, (i * 3.5)::DECIMAL(38, 10) AS wide,
    'name-' || (i % 17) AS name, CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || i END AS maybe,
    encode('bytes' || i) AS raw, DATE '2020-01-01' + i::INTEGER AS day,
    TIMESTAMP '2024-02-29 12:00:00' + INTERVAL (i) SECOND AS ts,
    TIMESTAMPTZ '2024-02-29 12:00:00+00' + INTERVAL (i) MINUTE AS tstz,
    [i, i + 1, NULL] AS ints, {'a': i, 'b': 'x' || i} AS rec, MAP {'k' || (i % 3): i} AS m
  FROM range(0, 5000) t(i)`);
for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'brotli']) {
  const file = path.join(tmp, `duckdb-${codec}.parquet`);
  await con.run(`COPY mixed TO ${quote(file)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 1000)`);
  const tide = spawnSync(tideBin, ['parquet', 'cat', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const problem = tide.status !== 0 ? `tide failed: ${(tide.stderr || '').trim().slice(0, 300)}`
    : compareRows(tide.stdout.split('\n').filter((l) => l.length > 0), await duckRead(file));
  if (problem) { failed++; failures.push(`duckdb-written ${codec}: ${problem}`.slice(0, 500)); }
  else { duckWrittenMatched++; console.log(`match duckdb-written ${codec} (5000 rows)`); }
}
rmSync(tmp, { recursive: true, force: true });

console.log(`\nparquet vs duckdb: ${matched} corpus files and ${duckWrittenMatched} DuckDB-written files match, ` +
            `${failed} differ or fail, ${expected} refused as expected, ${duckSkipped} unreadable by duckdb`);
for (const f of failures) console.log(`FAIL ${f}`);
if (canRewrite) {
  console.log(`writer (tide parquet rewrite, read back by duckdb): ${rewriteMatched} files match, ${rewriteFailed} differ or fail`);
} else {
  console.log('writer check skipped: `tide parquet rewrite` is not available');
}
process.exit(failed === 0 && rewriteFailed === 0 ? 0 : 1);
