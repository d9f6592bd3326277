// Cross-check of the SQL logic test corpus (tests/sql/*.slt) against DuckDB.
//
// The corpus states, for every query, the result Spark's semantics give; the sqllogic_runner
// checks Tide against it. This script checks the same expectations against DuckDB, so every
// expected result is confirmed by an engine we did not write wherever DuckDB can run the query:
//   - every file runs in a fresh in-memory DuckDB (TimeZone UTC) with a fresh temp directory
//     for __DATA_DIR__ (and __TESTDATA__ = ../shared/testdata);
//   - records marked `onlyif tide` or `skipif duckdb` are skipped (Spark semantics DuckDB lacks
//     or differs on); a record's `-- duckdb:` lines, when present, are run instead of its SQL
//     (same statement, DuckDB's spelling);
//   - `statement ok` must succeed; `statement error` must fail (DuckDB's message is not
//     compared: it words errors its own way); `query` results are rendered by the rules of
//     tests/sqllogic/render.h and compared with the expected lines (rowsort/valuesort as
//     written). DuckDB's types follow other rules than Spark's, so only values are compared: an
//     I column accepts any numeric value that is integral, an R column any number (the Tide
//     runner checks the column types).
// Prints how many queries and statements were cross-checked and every mismatch (file:line,
// SQL, expected, DuckDB's result); exits 1 on any mismatch. Arguments: optional .slt paths
// (default: all of tests/sql).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const testsDir = process.env.TIDE_TESTS_DIR || path.resolve(here, '..');
const sourceDir = process.env.TIDE_SOURCE_DIR || path.resolve(testsDir, '..');
const testdataDir = path.resolve(sourceDir, '../shared/testdata');
const sqlDir = path.join(testsDir, 'sql');

const require = createRequire(import.meta.url);
let duckdb;
try {
  duckdb = require(path.resolve(testsDir, 'js/node_modules/@duckdb/node-api/lib/index.js'));
} catch (e) {
  console.log(`SKIP: DuckDB node API not installed: ${e.message}`);
  process.exit(0);
}
const T = duckdb.DuckDBTypeId;

// ---- .slt parsing (the same rules as tests/sqllogic/slt_file.cc) ----

function parseSlt(text, file) {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const records = [];
  let pending = { onlyif: [], skipif: [] };
  let skipping = false;
  let i = 0;
  const blank = (l) => /^[ \t]*$/.test(l);
  const fail = (n, what) => { throw new Error(`${file}:${n + 1}: ${what}`); };
  while (i < lines.length) {
    const line = lines[i];
    if (blank(line) || line[0] === '#') { i++; continue; }
    const words = line.trim().split(/\s+/);
    const head = words[0];
    if (head === 'onlyif' || head === 'skipif') {
      if (words.length !== 2) fail(i, `expected '${head} ENGINE'`);
      pending[head].push(words[1]);
      i++; continue;
    }
    if (head === 'mode') {
      if (words[1] === 'skip') skipping = true;
      else if (words[1] === 'unskip') skipping = false;
      else if (words[1] !== 'output_result') fail(i, `unknown mode '${words[1]}'`);
      i++; continue;
    }
    if (head === 'hash-threshold' || head === 'require') { i++; continue; }
    const rec = { ...pending, line: i + 1, sql: '', duckdb: '', expected: [], sort: 'nosort', types: '', pattern: '' };
    pending = { onlyif: [], skipif: [] };
    if (head === 'halt') {
      rec.kind = 'halt'; i++;
      if (!skipping) records.push(rec);
      continue;
    }
    if (head === 'sleep') {  // only Tide's time-travel tests need commits apart; DuckDB skips it
      pending = { onlyif: [], skipif: [] };
      i++; continue;
    }
    if (head === 'statement') {
      if (words[1] !== 'ok' && words[1] !== 'error') fail(i, "expected 'statement ok' or 'statement error'");
      rec.kind = words[1] === 'ok' ? 'ok' : 'error';
      if (rec.kind === 'error') rec.pattern = line.replace(/^\s*statement\s+error\s*/, '').trim();
    } else if (head === 'query') {
      rec.kind = 'query';
      rec.types = words[1] || '';
      if (!/^[IRT]+$/.test(rec.types)) fail(i, `bad column types '${rec.types}'`);
      rec.columns = [];
      for (let w = 2; w < words.length; w++) {
        if (['rowsort', 'valuesort', 'nosort'].includes(words[w])) rec.sort = words[w];
        else if (words[w].startsWith('columns=')) rec.columns = words[w].slice(8).split(',');
        else if (w !== words.length - 1) fail(i, `unknown query option '${words[w]}'`);
      }
      if (rec.columns.length && rec.columns.length !== rec.types.length) fail(i, 'columns= and types differ in length');
    } else {
      fail(i, `unknown directive '${head}'`);
    }
    i++;
    const sql = [], duck = [];
    let sep = false;
    while (i < lines.length && !blank(lines[i])) {
      if (lines[i] === '----') { sep = true; i++; break; }
      if (lines[i].startsWith('-- duckdb:')) duck.push(lines[i].slice('-- duckdb:'.length).replace(/^ /, ''));
      else sql.push(lines[i]);
      i++;
    }
    if (sql.length === 0) fail(rec.line - 1, 'record has no SQL');
    rec.sql = sql.join('\n');
    rec.duckdb = duck.join('\n');
    if (rec.kind === 'query') {
      if (!sep) fail(rec.line - 1, "query without '----'");
      while (i < lines.length && lines[i] !== '') { rec.expected.push(lines[i]); i++; }
    } else if (sep) {
      if (rec.kind !== 'error') fail(rec.line - 1, "'----' after 'statement ok'");
      const msg = [];
      while (i < lines.length && lines[i] !== '') { msg.push(lines[i]); i++; }
      rec.pattern = msg.join('\n');
    }
    if (!skipping) records.push(rec);
  }
  return records;
}

const runsOn = (rec, engine) => (rec.onlyif.length === 0 || rec.onlyif.includes(engine)) && !rec.skipif.includes(engine);

// ---- rendering (tests/sqllogic/render.h) ----

function javaStyle(expStr, negative) {
  // expStr: JS exponential notation of |v| with the shortest digits, e.g. "1.2345e+2"
  const [mant, e] = expStr.split('e');
  const exp = parseInt(e, 10);
  let digits = mant.replace('.', '').replace(/^-/, '');
  while (digits.length > 1 && digits.endsWith('0')) digits = digits.slice(0, -1);
  let out = negative ? '-' : '';
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      let ip = digits.slice(0, exp + 1);
      while (ip.length < exp + 1) ip += '0';
      const fp = digits.length > exp + 1 ? digits.slice(exp + 1) : '0';
      out += `${ip}.${fp}`;
    } else {
      out += `0.${'0'.repeat(-exp - 1)}${digits}`;
    }
  } else {
    out += `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exp}`;
  }
  return out;
}

function javaDouble(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  return javaStyle(Math.abs(v).toExponential(), v < 0);
}

function javaFloat(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const a = Math.abs(v);
  for (let p = 1; p <= 9; p++) {
    const s = a.toExponential(p - 1);
    if (Math.fround(Number(s)) === a) return javaStyle(s, v < 0);
  }
  return javaStyle(a.toExponential(), v < 0);
}

function round3(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  const s = v.toFixed(3);
  return s === '-0.000' ? '0.000' : s;
}

function formatScaled(unscaled, scale) {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    while (digits.length <= scale) digits = '0' + digits;
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return (neg ? '-' : '') + digits;
}

function roundDecimal3(unscaled, scale) {
  let n = unscaled;
  if (scale <= 3) {
    n *= 10n ** BigInt(3 - scale);
  } else {
    const div = 10n ** BigInt(scale - 3);
    let q = n / div;
    let r = n % div;
    if (r < 0n) r = -r;
    if (2n * r >= div) q += n < 0n ? -1n : 1n;
    n = q;
  }
  return formatScaled(n, 3);
}

const escapeText = (s) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

function civil(days) {
  // days since 1970-01-01 -> [y, m, d] (proleptic Gregorian)
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}
const pad = (n, w) => String(n).padStart(w, '0');
function formatDate(days) {
  const [y, m, d] = civil(days);
  return `${y < 0 ? '-' + pad(-y, 4) : pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}
function formatTime(micros) {  // micros within a day (bigint)
  const secs = Number(micros / 1000000n);
  const frac = Number(micros % 1000000n);
  let s = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  if (frac !== 0) s += '.' + pad(frac, 6).replace(/0+$/, '');
  return s;
}
function formatTimestamp(micros) {  // bigint micros since the epoch
  const perDay = 86400000000n;
  let days = micros / perDay;
  let rem = micros % perDay;
  if (rem < 0n) { rem += perDay; days -= 1n; }
  return `${formatDate(Number(days))} ${formatTime(rem)}`;
}

function renderValue(v, type, letter, nested) {
  if (v === null || v === undefined) return nested ? 'null' : 'NULL';
  const id = type.typeId;
  if (!nested && letter === 'R') {
    if (id === T.DECIMAL) return roundDecimal3(v.value, v.scale);
    if (typeof v === 'bigint') return formatScaled(v * 1000n, 3);
    if (typeof v === 'number') return round3(v);
  }
  if (!nested && letter === 'I') {
    if (id === T.DECIMAL && v.scale === 0) return v.value.toString();
    if (id === T.DECIMAL && v.value % (10n ** BigInt(v.scale)) === 0n) return (v.value / 10n ** BigInt(v.scale)).toString();
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  }
  switch (id) {
    case T.BOOLEAN: return v ? 'true' : 'false';
    case T.TINYINT: case T.SMALLINT: case T.INTEGER: case T.BIGINT: case T.UTINYINT: case T.USMALLINT:
    case T.UINTEGER: case T.UBIGINT: case T.HUGEINT: case T.UHUGEINT:
      return String(v);
    case T.FLOAT: return javaFloat(v);
    case T.DOUBLE: return javaDouble(v);
    case T.DECIMAL: return formatScaled(v.value, v.scale);
    case T.VARCHAR: case T.ENUM:
      if (nested) return `"${escapeText(String(v))}"`;
      return v === '' ? '(empty)' : escapeText(String(v));
    case T.BLOB: {
      const s = Buffer.from(v.bytes).toString('utf8');
      if (nested) return `"${escapeText(s)}"`;
      return s === '' ? '(empty)' : escapeText(s);
    }
    case T.DATE: return formatDate(v.days);
    case T.TIME: return formatTime(v.micros);
    case T.TIMESTAMP: case T.TIMESTAMP_TZ: return formatTimestamp(v.micros);
    case T.TIMESTAMP_MS: return formatTimestamp(v.millis * 1000n);
    case T.TIMESTAMP_S: return formatTimestamp(v.seconds * 1000000n);
    case T.TIMESTAMP_NS: return formatTimestamp(v.nanos / 1000n);
    case T.LIST: case T.ARRAY:
      return `[${v.items.map((x) => renderValue(x, type.valueType, 'T', true)).join(',')}]`;
    case T.STRUCT:
      return `{${type.entryNames.map((n, k) => `"${n}":${renderValue(v.entries[n], type.entryTypes[k], 'T', true)}`).join(',')}}`;
    case T.MAP: {
      const items = v.entries.map((e) => `${renderValue(e.key, type.keyType, 'T', true)}:${renderValue(e.value, type.valueType, 'T', true)}`);
      items.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${items.join(',')}}`;
    }
    case T.SQLNULL: return nested ? 'null' : 'NULL';
    default: return String(v);
  }
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);  // byte order, as std::sort on std::string

// ---- running ----

let files = process.argv.slice(2);
if (files.length === 0) {
  files = readdirSync(sqlDir).filter((f) => f.endsWith('.slt')).sort().map((f) => path.join(sqlDir, f));
}

let queries = 0, statements = 0, skipped = 0, failures = 0;
for (const file of files) {
  const rel = path.relative(sourceDir, file);
  const records = parseSlt(readFileSync(file, 'utf8'), rel);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tide-slt-duckdb-'));
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  await con.run("SET TimeZone = 'UTC'");
  const report = (rec, sql, expected, actual) => {
    failures++;
    console.log(`MISMATCH ${rel}:${rec.line}\n  sql (DuckDB):\n    ${sql.replace(/\n/g, '\n    ')}\n  expected:\n` +
                `${expected.map((l) => '    ' + l).join('\n') || '    (no rows)'}\n  DuckDB:\n` +
                `${actual.map((l) => '    ' + l).join('\n') || '    (no rows)'}\n`);
  };
  for (const rec of records) {
    if (rec.kind === 'halt') { if (runsOn(rec, 'duckdb')) break; continue; }
    if (!runsOn(rec, 'duckdb')) { skipped++; continue; }
    const sql = (rec.duckdb || rec.sql).replaceAll('__DATA_DIR__', dataDir).replaceAll('__TESTDATA__', testdataDir);
    let result, error;
    try {
      result = await con.runAndReadAll(sql);
    } catch (e) {
      error = e;
    }
    if (rec.kind === 'ok') {
      statements++;
      if (error) report(rec, sql, ['statement ok'], [`error: ${error.message}`]);
      continue;
    }
    if (rec.kind === 'error') {
      statements++;
      if (!error) report(rec, sql, [`an error (${rec.pattern})`], ['success']);
      continue;
    }
    queries++;
    if (error) { report(rec, sql, rec.expected, [`error: ${error.message}`]); continue; }
    const types = result.columnTypes();
    const names = result.columnNames().map((n) => n.toLowerCase());
    const cols = rec.columns.length
      ? rec.columns.map((c) => (/^[0-9]+$/.test(c) ? parseInt(c, 10) - 1 : names.indexOf(c.toLowerCase())))
      : types.map((_, c) => c);
    if (rec.columns.length === 0 && types.length !== rec.types.length) {
      report(rec, sql, rec.expected, [`${types.length} columns for a query typed '${rec.types}'`]);
      continue;
    }
    if (cols.some((c) => c < 0 || c >= types.length)) {
      report(rec, sql, rec.expected, [`a result of ${types.length} columns`]);
      continue;
    }
    const rows = result.getRows().map((r) => cols.map((c, k) => renderValue(r[c], types[c], rec.types[k], false)));
    let actual = rows.map((r) => r.join('\t'));
    let expected = [...rec.expected];
    if (rec.sort === 'rowsort') {
      actual.sort(cmp); expected.sort(cmp);
    } else if (rec.sort === 'valuesort') {
      actual = rows.flat().sort(cmp);
      expected = expected.flatMap((l) => l.split('\t')).sort(cmp);
    }
    if (actual.length !== expected.length || actual.some((l, k) => l !== expected[k])) report(rec, sql, expected, actual);
  }
  con.closeSync?.();
  instance.closeSync?.();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`cross-checked ${queries} queries and ${statements} statements in ${files.length} files against DuckDB ` +
            `(${skipped} records not for DuckDB); ${failures} mismatches`);
process.exit(failures === 0 ? 0 : 1);
