// Tide's Delta reader against every table in ../shared/testdata/delta-golden (written by Spark
// for Delta's own connector tests).
//
// Every table gets exactly one outcome:
//   - "duckdb": plain tables (no deletion vectors, no column mapping) are read with
//     `tide table cat` at every version and compared, as multisets of rows, with DuckDB reading
//     the same version's active files (`tide table files` lists them) with read_parquet; partition
//     columns (not stored in the files) are checked against add.partitionValues.
//   - "expected": tables whose contents Delta's test suites assert (deletion vectors, column
//     mapping, type widening, timestamps, decimals, log-replay corner cases) are checked against
//     those values (see EXPECTED below; the source suite is named at each entry).
//   - "refused": tables Delta's tests expect to fail must fail with the named error.
// Time travel by timestamp is tested on a copy of a table whose commit files get known mtimes.
// Prints a table: table, version, rows, outcome. Exits 0 with "SKIP" when `tide table cat` is
// not available.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, chmodSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tideBin = process.env.TIDE_BIN;
const sourceDir = process.env.TIDE_SOURCE_DIR || path.resolve(here, '../..');
const goldenDir = path.resolve(sourceDir, '../shared/testdata/delta-golden');

function skip(msg) { console.log(`SKIP: ${msg}`); process.exit(0); }
if (!tideBin) skip('TIDE_BIN is not set');
{
  const help = spawnSync(tideBin, ['table', 'cat', '--help'], { encoding: 'utf8' });
  if (help.error || help.status !== 0) skip('`tide table cat` is not available');
}
const require = createRequire(import.meta.url);
let duckdb;
try {
  duckdb = require(path.resolve(here, '../js/node_modules/@duckdb/node-api/lib/index.js'));
} catch (e) {
  skip(`DuckDB node API not installed: ${e.message}`);
}

function tide(args) {
  const r = spawnSync(tideBin, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout || '', stderr: (r.stderr || '').trim() };
}
function lines(s) { return s.split('\n').filter((l) => l.length > 0); }

// JSON with numbers kept as source text ({num: "..."}), so 64-bit values compare exactly.
function parseJson(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  function str() {
    const start = i; i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  }
  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const o = {}; ws();
      if (text[i] === '}') { i++; return o; }
      for (;;) { ws(); const k = str(); ws(); i++; o[k] = value(); ws(); if (text[i] === ',') { i++; continue; } i++; return o; }
    }
    if (c === '[') {
      i++; const a = []; ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) { a.push(value()); ws(); if (text[i] === ',') { i++; continue; } i++; return a; }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?[0-9.eE+-]+/.exec(text.slice(i, i + 64));
    i += m[0].length;
    return { num: m[0] };
  }
  return value();
}

// A canonical text form both sides agree on: integers exact, other numbers to 6 significant
// digits (float32 vs widened double), timestamps without 'T'/zone suffix/trailing zeros,
// objects with sorted keys.
function normTime(s) {
  let t = s.replace('T', ' ').replace(/(Z|[+-]00(:?00)?)$/, '');
  if (/\d\d:\d\d:\d\d\.\d+$/.test(t)) t = t.replace(/0+$/, '').replace(/\.$/, '');
  return t;
}
function canonNum(text) {
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return text;
  if (/^-?\d+$/.test(text)) return BigInt(text).toString();
  const n = Number(text);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 53) return String(n);
  return n.toPrecision(6);
}
function canon(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return canonNum(String(v));
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(canon);
  if (typeof v === 'object') {
    if ('num' in v && Object.keys(v).length === 1) return canonNum(v.num);
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = canon(v[k]);
    return o;
  }
  if (typeof v === 'string') {
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v) || v === 'NaN' || v === 'Infinity' || v === '-Infinity') return canonNum(v);
    if (/^-?\d{4,}-\d\d-\d\d[T ]\d\d:/.test(v)) return normTime(v);
    return v;
  }
  return v;
}
const key = (row) => JSON.stringify(canon(row));

const instance = await duckdb.DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run("SET TimeZone='UTC'");
const quote = (s) => `'${s.replace(/'/g, "''")}'`;
const ident = (s) => `"${s.replace(/"/g, '""')}"`;

async function duckRows(files, columns) {
  if (files.length === 0) return [];
  const list = `[${files.map(quote).join(', ')}]`;
  const src = `read_parquet(${list}, union_by_name=true, hive_partitioning=false)`;
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson();
  const have = new Map(desc.map((r) => [r.column_name, r.column_type]));
  const cols = columns.filter((c) => have.has(c.physical)).map((c) => {
    const type = have.get(c.physical);
    const expr = type === 'BLOB' ? `to_base64(${ident(c.physical)})`
      : type === 'BLOB[]' ? `list_transform(${ident(c.physical)}, x -> to_base64(x))` : ident(c.physical);
    return `${expr} AS ${ident(c.logical)}`;
  });
  if (cols.length === 0) {
    const n = Number((await con.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${src}`)).getRowObjectsJson()[0].n);
    return range(n).map(() => ({}));
  }
  return (await con.runAndReadAll(`SELECT ${cols.join(', ')} FROM ${src}`)).getRowObjectsJson();
}

function describe(table, version) {
  const args = ['table', 'describe', '--json', table];
  if (version !== undefined) args.push('--version', String(version));
  const r = tide(args);
  if (r.status !== 0) throw new Error(`describe failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
function files(table, version) {
  const args = ['table', 'files', table];
  if (version !== undefined) args.push('--version', String(version));
  const r = tide(args);
  if (r.status !== 0) throw new Error(`files failed: ${r.stderr}`);
  return lines(r.stdout).map((l) => JSON.parse(l));
}
function cat(table, extra = []) {
  const r = tide(['table', 'cat', table, ...extra]);
  if (r.status !== 0) throw new Error(`cat failed: ${r.stderr}`);
  return lines(r.stdout).map(parseJson);
}
function earliestVersion(table) {
  const hist = lines(tide(['table', 'history', table]).stdout).map((l) => JSON.parse(l));
  return hist.length ? hist[hist.length - 1].version : 0;
}

// Multiset comparison; returns the first difference or null.
function sameRows(a, b, what) {
  if (a.length !== b.length) return `${what}: ${a.length} rows, expected ${b.length}`;
  const ka = a.map(key).sort(), kb = b.map(key).sort();
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return `${what}: row differs: tide ${ka[i].slice(0, 300)} expected ${kb[i].slice(0, 300)}`;
  }
  return null;
}

// Physical names of the top-level columns (column mapping) from the schemaString.
function columnsOf(desc) {
  const schema = JSON.parse(desc.schemaString || '{"fields":[]}');
  return schema.fields.map((f) => ({
    logical: f.name,
    physical: (f.metadata && f.metadata['delta.columnMapping.physicalName']) || f.name,
    type: f.type,
  }));
}

// Large tables: Tide's JSON lines are loaded into DuckDB (every column as text) and compared
// with the files' rows cast to text, both ways with EXCEPT ALL (JS-side row objects for a
// million rows would take most of the time budget). Only for tables of integer, decimal and
// string columns, whose text forms agree exactly.
const BIG_TABLE_ROWS = 50000;
async function compareBigWithDuckDB(table, desc, active) {
  const cols = columnsOf(desc);
  if (!cols.every((c) => typeof c.type === 'string' && /^(integer|long|short|byte|string|decimal.*)$/.test(c.type)) ||
      desc.partitionColumns.length > 0) return null;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tide-golden-big-'));
  try {
    const out = path.join(tmp, 'rows.jsonl');
    const r = spawnSync("sh", ["-c", `"$0" table cat "$1" --version "$3" > "$2"`, tideBin, table, out, String(desc.version)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`cat failed: ${r.stderr}`);
    const spec = `{${cols.map((c) => `${quote(c.logical)}: 'VARCHAR'`).join(', ')}}`;
    const list = `[${active.map((f) => quote(f.localPath)).join(', ')}]`;
    const tideSel = `SELECT ${cols.map((c) => ident(c.logical)).join(', ')} FROM read_json(${quote(out)}, format='newline_delimited', columns=${spec})`;
    const duckSel = `SELECT ${cols.map((c) => `${ident(c.physical)}::VARCHAR`).join(', ')} FROM read_parquet(${list}, union_by_name=true, hive_partitioning=false)`;
    const count = async (q) => Number((await con.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM (${q})`)).getRowObjectsJson()[0].n);
    const n = await count(tideSel);
    const extra = await count(`${tideSel} EXCEPT ALL ${duckSel}`);
    const missing = await count(`${duckSel} EXCEPT ALL ${tideSel}`);
    return [n, extra || missing ? `${extra} rows only in Tide's output, ${missing} only in the files` : null];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// The comparison with DuckDB at one version; returns [rows, problem].
async function compareWithDuckDB(table, version) {
  const desc = describe(table, version);
  const active = files(table, version);
  if (active.reduce((n, f) => n + (f.numRecords || 0), 0) > BIG_TABLE_ROWS && version === desc.version) {
    const big = await compareBigWithDuckDB(table, desc, active);
    if (big) return big;
  }
  const rows = cat(table, version === undefined ? [] : ['--version', String(version)]);
  const parts = new Set(desc.partitionColumns);
  const cols = columnsOf(desc).filter((c) => !parts.has(c.logical));
  const duck = await duckRows(active.map((f) => f.localPath), cols);
  // Columns DuckDB found in no file are null in Tide: drop them from both sides.
  const present = new Set(Object.keys(duck[0] || {}));
  const project = (r) => Object.fromEntries(cols.filter((c) => present.has(c.logical)).map((c) => [c.logical, r[c.logical]]));
  let problem = sameRows(rows.map(project), duck.map(project), `v${desc.version} data columns`);
  if (!problem && parts.size > 0) {
    // Partition values: the multiset of (partition columns) must equal the files' values weighted by rows.
    const expected = [];
    for (const f of active) {
      const n = f.numRecords ?? Number((await con.runAndReadAll(
        `SELECT count(*)::INTEGER AS n FROM read_parquet(${quote(f.localPath)})`)).getRowObjectsJson()[0].n);
      const pv = {};
      for (const c of desc.partitionColumns) pv[c] = f.partitionValues[c] ?? null;
      for (let k = 0; k < n; k++) expected.push(pv);
    }
    const got = rows.map((r) => Object.fromEntries(desc.partitionColumns.map((c) => [c, partitionText(r[c])])));
    problem = sameRows(got, expected.map((pv) => Object.fromEntries(Object.entries(pv).map(([k, v]) => [k, partitionText(v)]))),
                       `v${desc.version} partition columns`);
  }
  return [rows.length, problem];
}
// Partition values as loosely typed text (a value "1" in the log, 1 in Tide's output).
function partitionText(v) {
  if (v === null || v === undefined || v === '') return null;
  const c = canon(v);
  return typeof c === 'string' ? normTime(c) : JSON.stringify(c);
}

// ------------------------------------------------------------------ expectations

const range = (n) => [...Array(n).keys()];
const ts = (micros) => new Date(Number(micros / 1000n)).toISOString().replace('Z', '') + String(micros % 1000n).padStart(3, '0');

// Refused tables: the error Tide must give (Delta's suites expect these to fail).
const REFUSED = {
  'deltalog-invalid-protocol-version': /reader version 99/,                        // DeltaLogSuite
  'deltalog-state-reconstruction-without-metadata': /up to version 0 has no metaData action/,  // DeltaLogSuite
  'deltalog-state-reconstruction-without-protocol': /up to version 0 has no protocol action/,  // DeltaLogSuite
  'deltalog-state-reconstruction-from-checkpoint-missing-metadata': /up to version 10 has no metaData action/,
  'versions-not-contiguous': /missing version 1 /,                                  // DeltaLogSuite
  'spark-variant-checkpoint': /reader feature 'variantType-preview'/,               // variant is not supported
  'no-delta-log-folder': /not a Delta table/,                                        // DeltaTableReadsSuite
  'log-store-listFrom': /not a Delta table/,                                         // LogStore fixtures, not tables
  'log-store-read': /not a Delta table/,
  'data-reader-absolute-paths-escaped-chars': /has no metaData action/,              // a log without metaData
};

function utcTimestampRows(pst) {
  // DeltaTableReadsSuite: (id, part, time); the PST table's `time` is 8 hours later.
  const rows = [[0, 1577866150001000n, 1580544550000000n], [1, 1633075760000000n, 915181200000000n],
                [2, 1633075760000000n, 946717200000000n], [3, -31536000000000n, -31536000000000n], [4, null, null]];
  return rows.map(([id, part, time]) => ({
    id, part: part === null ? null : ts(part),
    time: time === null ? null : ts(pst ? time + 8n * 3600000000n : time),
  }));
}

function cmRows() {
  // DeltaTableReadsSuite "table with `name`/`id` column mapping mode".
  return [...range(5).map((i) => ({
    ByteType: i, ShortType: i, IntegerType: i, LongType: i, FloatType: i, DoubleType: i, decimal: i.toFixed(2),
    BooleanType: i % 2 === 0, StringType: String(i), BinaryType: Buffer.from(String(i)).toString('base64'),
    DateType: '2021-11-18', TimestampType: ts(BigInt(i * 1000)),
    nested_struct: { aa: String(i), ac: { aca: i } },
    array_of_prims: [i, i + 1], array_of_arrays: [[i, i + 1], [i + 2, i + 3]],
    array_of_map_of_arrays: [[{ key: i, value: [2, 3] }, { key: i + 1, value: [4, 5] }]],
    array_of_structs: [{ ab: i }, { ab: i }],
    struct_of_arrays_maps_of_structs: { aa: [i, i + 1], ab: [{ key: [i, i + 1], value: { aca: i + 2 } }] },
    map_of_prims: [{ key: i, value: i + 1 }, { key: i + 2, value: i + 3 }],
    map_of_rows: [{ key: i + 1, value: { ab: i * 20 } }],
    map_of_arrays: [{ key: i, value: [i, null, i + 1] }, { key: i + 1, value: [] }],
    map_of_maps: [{ key: i, value: [{ key: i, value: i }] }, { key: i + 1, value: [{ key: i + 2, value: i }] }],
  })), Object.fromEntries(['ByteType', 'ShortType', 'IntegerType', 'LongType', 'FloatType', 'DoubleType', 'decimal',
    'BooleanType', 'StringType', 'BinaryType', 'DateType', 'TimestampType', 'nested_struct', 'array_of_prims',
    'array_of_arrays', 'array_of_map_of_arrays', 'array_of_structs', 'struct_of_arrays_maps_of_structs', 'map_of_prims',
    'map_of_rows', 'map_of_arrays', 'map_of_maps'].map((k) => [k, null]))];
}

const ntzRows = () => {
  // DeltaTableReadsSuite expectedTimestampNtzTestRows.
  const a = '2021-11-18T02:30:00.123456', b = '2013-07-05T17:01:00.123456';
  return [[0, a, a], [1, b, a], [2, null, a], [3, a, b], [4, b, b], [5, null, b], [6, a, null], [7, b, null], [8, null, null]]
    .map(([id, tsNtz, tsNtzPartition]) => ({ id, tsNtz, tsNtzPartition }));
};

// Expected contents: table -> () => { rows | check(rows, table) } (checks return a problem or null).
const EXPECTED = {
  // DeletionVectorsSuite: (x % 10, x, "foo" + x % 5) for x in 0..49 minus even x < 30.
  'dv-with-columnmapping': { rows: range(50).filter((x) => !(x % 2 === 0 && x < 30)).map((x) => ({ part: x % 10, col1: x, col2: `foo${x % 5}` })) },
  // LogReplaySuite "DV cases with same path different DV keys": one file, DV cardinality 3.
  'log-replay-dv-key-cases': {
    check: (rows, t) => {
      const f = files(t);
      if (f.length !== 1) return `${f.length} active files, expected 1`;
      if (f[0].deletionVector?.cardinality !== 3) return `DV cardinality ${f[0].deletionVector?.cardinality}, expected 3`;
      if (rows.length !== f[0].numRecords - 3) return `${rows.length} rows, expected numRecords - 3 = ${f[0].numRecords - 3}`;
      return null;
    },
  },
  'table-with-columnmapping-mode-name': { rows: cmRows() },
  'table-with-columnmapping-mode-id': { rows: cmRows() },
  'table-with-icebegCompatV2Enabled': { rows: cmRows() },  // the same data with icebergCompatV2 (column mapping)
  'data-reader-timestamp_ntz': { rows: ntzRows() },
  'data-reader-timestamp_ntz-name-mode': { rows: ntzRows() },
  'data-reader-timestamp_ntz-id-mode': { rows: ntzRows() },
  'kernel-timestamp-INT96': { rows: utcTimestampRows(false) },
  'kernel-timestamp-TIMESTAMP_MICROS': { rows: utcTimestampRows(false) },
  'kernel-timestamp-PST': { rows: utcTimestampRows(true) },
  // DeltaTableReadsSuite "reading basic-decimal-table".
  'basic-decimal-table': { rows: [['234.00000', '1.00', '2.00000', '3.0000000000'], ['2342222.23454', '111.11', '22222.22222', '3333333333.3333333333'],
    ['0.00004', '0.00', '0.00000', '0.0000000000'], ['-2342342.23423', '-999.99', '-99999.99999', '-9999999999.9999999999']]
    .map(([a, b, c, d]) => ({ part: a, col1: b, col2: c, col3: d })), exactDecimals: true },
  'basic-decimal-table-legacy': { rows: [['234.00000', '1.00', '2.00000', '3.0000000000'], ['2342222.23454', '111.11', '22222.22222', '3333333333.3333333333'],
    ['0.00004', '0.00', '0.00000', '0.0000000000'], ['-2342342.23423', '-999.99', '-99999.99999', '-9999999999.9999999999']]
    .map(([a, b, c, d]) => ({ part: a, col1: b, col2: c, col3: d })), exactDecimals: true },
  // Type widening (typeWidening-preview): two files written before and after the widening.
  'type-widening': { check: (rows) => {
    const byLong = Object.fromEntries(rows.map((r) => [canon(r.byte_long), r]));
    const r1 = byLong['1'], r2 = byLong['9223372036854775807'];
    if (!r1 || !r2 || rows.length !== 2) return `unexpected rows ${JSON.stringify(rows.map(canon)).slice(0, 300)}`;
    const want1 = { int_long: '2', decimal_decimal_greater_scale: '67.89000', int_decimal: '3.0', date_timestamp_ntz: '2024-09-09T00:00:00.000000' };
    const want2 = { int_long: '9223372036854775807', decimal_decimal_greater_scale: '12345678901.23456', int_decimal: '1234567890.1',
                    date_timestamp_ntz: '2024-09-09T12:34:56.123456' };
    for (const [r, w] of [[r1, want1], [r2, want2]]) {
      for (const [k, v] of Object.entries(w)) {
        const got = typeof r[k] === 'object' && r[k] !== null ? r[k].num : r[k];
        if (got !== v) return `${k}: ${got}, expected ${v}`;
      }
    }
    if (!(Number(r1.float_double.num) > 3.3) || !(Number(r1.byte_double.num) >= 5)) return 'widened float/byte values wrong';
    return null;
  } },
  'type-widening-nested': { rows: [{ struct: { a: 1 }, map: [{ key: 2, value: 3 }], array: [4, 5] },
    { struct: { a: '9223372036854775807' }, map: [{ key: '9223372036854775807', value: '9223372036854775807' }],
      array: ['9223372036854775807', '-9223372036854775808'] }] },
  // DeltaTableReadsSuite "read partitioned table" (as_timestamp checked as the UTC partition value).
  'data-reader-partition-values': { rows: [...[0, 1].map((i) => ({
    as_int: i, as_long: i, as_byte: i, as_short: i, as_boolean: i % 2 === 0, as_float: i, as_double: i, as_string: String(i),
    as_string_lit_null: 'null', as_date: '2021-09-08', as_timestamp: '2021-09-08T11:11:11.000000Z', as_big_decimal: String(i),
    as_list_of_records: [{ val: i }, { val: i }, { val: i }], as_nested_struct: { aa: String(i), ab: String(i), ac: { aca: i, acb: i } },
    value: String(i) })), { as_int: null, as_long: null, as_byte: null, as_short: null, as_boolean: null, as_float: null, as_double: null,
    as_string: null, as_string_lit_null: null, as_date: null, as_timestamp: null, as_big_decimal: null,
    as_list_of_records: [{ val: 2 }, { val: 2 }, { val: 2 }], as_nested_struct: { aa: '2', ab: '2', ac: { aca: 2, acb: 2 } }, value: '2' }] },
  // DeltaTableReadsSuite "table with checkpoint"-style: only-checkpoint-files has ids 0..24? checked by DuckDB too.
};

// Log-only tables (their add actions name files that do not exist): version and files.
const LOG_ONLY = {
  'checkpoint': { version: 14, files: 1 },                                     // DeltaLogSuite "checkpoint"
  'canonicalized-paths-normal-a': { version: 1, files: 0 },                    // paths should be canonicalized
  'canonicalized-paths-special-a': { version: 1, files: 0 },
  'delete-re-add-same-file-different-transactions': { files: 2, check: (f) => {
    const foo = f.find((x) => x.path === 'foo');
    if (!foo || !f.find((x) => x.path === 'bar')) return 'expected files foo and bar';
    return foo.modificationTime === 1700000000000 ? null : `foo modificationTime ${foo.modificationTime}`;
  } },
  'corrupted-last-checkpoint': { version: 10 },                               // the listing recovers the checkpoint
  'update-deleted-directory': { version: 0 },
  'deltalog-commit-info': { version: 0, check: () => {                        // DeltaLogSuite "get commit info"
    const h = JSON.parse(lines(tide(['table', 'history', path.join(goldenDir, 'deltalog-commit-info')]).stdout)[0]);
    const ok = h.operation === 'WRITE' && h.operationParameters.test === 'test' && h.readVersion === -1 &&
               h.isolationLevel === 'default' && h.isBlindAppend === true && h.operationMetrics.test === 'test';
    return ok ? null : `commit info ${JSON.stringify(h)}`;
  } },
  'deltalog-getChanges': { version: 2, check: (f, desc) =>                     // getChanges: txn fakeAppId = 3
    (desc.appTransactions?.fakeAppId === 3 ? null : `app transactions ${JSON.stringify(desc.appTransactions)}`) },
  'log-replay-special-characters': { version: 1, files: 0 },                   // add + remove of "special p@#h"
  'log-replay-special-characters-a': { files: 0 },
};

// Tables to compare at every version (time travel); others are compared at the latest only.
const ALL_VERSIONS_MAX = 20;

// ------------------------------------------------------------------ run

function tablesIn(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (!statSync(p).isDirectory()) continue;
    if (existsSync(path.join(p, '_delta_log')) || REFUSED[name]) { out.push(name); continue; }
    const nested = readdirSync(p).filter((n) => existsSync(path.join(p, n, '_delta_log')));
    if (nested.length) for (const n of nested.sort()) out.push(`${name}/${n}`);
    else out.push(name);
  }
  return out;
}

const results = [];  // {table, version, rows, outcome, problem}
let failed = 0;
function record(table, version, rows, outcome, problem) {
  results.push({ table, version, rows, outcome: problem ? 'FAIL' : outcome, problem });
  if (problem) failed++;
}

for (const name of tablesIn(goldenDir)) {
  const t = path.join(goldenDir, name);
  try {
    if (REFUSED[name]) {
      const r = tide(['table', 'cat', t]);
      const problem = r.status === 0 ? 'read successfully, expected an error'
        : (REFUSED[name].test(r.stderr) && r.stderr.split('\n').length === 1 ? null : `wrong error: ${r.stderr}`);
      record(name, '-', 0, `refused: ${r.stderr.replace(/^tide: error: /, '').slice(0, 70)}`, problem);
      continue;
    }
    if (LOG_ONLY[name]) {
      const exp = LOG_ONLY[name];
      const desc = describe(t);
      const f = files(t);
      let problem = null;
      if (exp.version !== undefined && desc.version !== exp.version) problem = `version ${desc.version}, expected ${exp.version}`;
      if (!problem && exp.files !== undefined && f.length !== exp.files) problem = `${f.length} files, expected ${exp.files}`;
      if (!problem && exp.check) problem = exp.check(f, desc);
      record(name, desc.version, '-', `log: ${f.length} files`, problem);
      continue;
    }
    if (EXPECTED[name]) {
      const exp = EXPECTED[name];
      const rows = cat(t);
      let problem;
      if (exp.check) problem = exp.check(rows, t);
      else if (exp.exactDecimals) {
        const flat = (r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v && v.num ? v.num : v])));
        const a = rows.map(flat).sort(), b = exp.rows.map(flat).sort();
        problem = JSON.stringify(a) === JSON.stringify(b) ? null : `rows ${a.join(' ')} expected ${b.join(' ')}`;
      } else problem = sameRows(rows, exp.rows, 'contents');
      record(name, describe(t).version, rows.length, 'expected values', problem);
      continue;
    }
    // Plain table: DuckDB at the latest version and (for short logs) every version.
    const latest = describe(t).version;
    const first = earliestVersion(t);
    const versions = latest - first + 1 <= ALL_VERSIONS_MAX ? range(latest - first + 1).map((k) => first + k) : [latest];
    for (const v of versions) {
      let rows, problem;
      try {
        [rows, problem] = await compareWithDuckDB(t, v);
      } catch (e) {
        rows = 0; problem = e.message.split('\n')[0].slice(0, 300);
        // A version before a checkpoint whose commits are gone is not reconstructable: fine.
        if (v !== latest && /not reconstructable|does not exist/.test(problem)) continue;
      }
      record(name, v, rows, 'duckdb', problem);
    }
  } catch (e) {
    record(name, '-', 0, 'FAIL', e.message.split('\n')[0].slice(0, 300));
  }
}

// ------------------------------------------------------------------ filters and skipping

{
  const t = path.join(goldenDir, 'data-skipping-partition-and-data-column');
  const r = tide(['table', 'cat', t, '--where', 'part = 1', '--where', 'id >= 1', '--stats']);
  const rows = lines(r.stdout).map((l) => JSON.parse(l));
  const problem = r.status !== 0 ? r.stderr : (rows.length === 1 && rows[0].part === 1 && rows[0].id === 1 &&
    /4 total, 0 skipped by partition, 3 skipped by stats, 1 read/.test(r.stderr) ? null : `got ${r.stdout} ${r.stderr}`);
  record('data-skipping-partition-and-data-column --where', 3, rows.length, 'filtered', problem);
}
{
  const t = path.join(goldenDir, 'hive/deltatbl-partition-prune');
  const r = tide(['table', 'cat', t, '--where', "city = 'hz'", '--stats']);
  const rows = lines(r.stdout).map((l) => JSON.parse(l));
  const problem = r.status !== 0 ? r.stderr : (rows.length === 2 && rows.every((x) => x.city === 'hz') &&
    /5 total, 3 skipped by partition/.test(r.stderr) ? null : `got ${r.stdout} ${r.stderr}`);
  record('hive/deltatbl-partition-prune --where', 0, rows.length, 'pruned', problem);
}

// ------------------------------------------------------------------ time travel by timestamp

{
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tide-golden-'));
  try {
    const t = path.join(tmp, 'tt');
    cpSync(path.join(goldenDir, 'basic-with-inserts-deletes-checkpoint'), t, { recursive: true });
    // Copies of read-only files stay read-only; make them writable so mtimes can be set and cleaned.
    const chmodAll = (d) => { for (const n of readdirSync(d)) { const p = path.join(d, n); chmodSync(p, 0o755); if (statSync(p).isDirectory()) chmodAll(p); } };
    chmodSync(t, 0o755); chmodAll(t);
    const base = Date.UTC(2024, 0, 1, 0, 0, 0) / 1000;  // seconds
    const logDir = path.join(t, '_delta_log');
    const latest = describe(t).version;
    for (let v = 0; v <= latest; v++) {
      const f = path.join(logDir, `${String(v).padStart(20, '0')}.json`);
      if (existsSync(f)) utimesSync(f, base + v * 60, base + v * 60);
    }
    const iso = (sec) => new Date(sec * 1000).toISOString();
    for (const [when, want] of [[base, 0], [base + 30, 0], [base + 5 * 60, 5], [base + 5 * 60 + 59, 5], [base + 12 * 60, 12],
                                [base + 100 * 60, latest]]) {
      const byTs = cat(t, ['--timestamp', iso(when)]);
      const byVersion = cat(t, ['--version', String(want)]);
      record(`basic-with-inserts-deletes-checkpoint @ ${iso(when)}`, want, byTs.length, 'timestamp',
             sameRows(byTs, byVersion, `timestamp ${iso(when)} vs version ${want}`));
    }
    const before = tide(['table', 'cat', t, '--timestamp', iso(base - 3600)]);
    record('basic-with-inserts-deletes-checkpoint @ before first commit', '-', 0, 'refused',
           before.status === 1 && /before the earliest available commit \(version 0 at 2024-01-01T00:00:00/.test(before.stderr)
             ? null : `got status ${before.status}: ${before.stderr}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ report

const w = [0, 0, 0];
for (const r of results) {
  w[0] = Math.max(w[0], r.table.length); w[1] = Math.max(w[1], String(r.version).length); w[2] = Math.max(w[2], String(r.rows).length);
}
console.log(`${'table'.padEnd(w[0])}  ${'ver'.padStart(Math.max(3, w[1]))}  ${'rows'.padStart(Math.max(4, w[2]))}  outcome`);
for (const r of results) {
  console.log(`${r.table.padEnd(w[0])}  ${String(r.version).padStart(Math.max(3, w[1]))}  ${String(r.rows).padStart(Math.max(4, w[2]))}  ${r.outcome}`);
}
for (const r of results.filter((x) => x.problem)) console.log(`FAIL ${r.table} v${r.version}: ${r.problem}`);
const tables = new Set(results.map((r) => r.table.split(' ')[0]));
console.log(`\ndelta golden: ${tables.size} tables, ${results.length} checks, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
