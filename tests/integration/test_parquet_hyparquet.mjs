// Round trips of files Tide writes, read back by three readers: Tide, DuckDB and hyparquet.
//
// Sources: a DuckDB-generated table with every type Tide writes (signed/unsigned ints,
// floats with NaN/Infinity, decimals of 4/18/38 digits, strings, blobs, dates, times,
// timestamps in micros and nanos with and without time zone, booleans, lists, nested lists,
// structs, maps, lists of structs) and nulls everywhere, plus a few parquet-testing files
// (nested, legacy lists, INT96, decimals, delta encodings). Each source is rewritten with
// `tide parquet rewrite` under every codec and writer option (data page v2, DELTA encodings,
// no dictionary, tiny pages), then:
//   Tide:      `tide parquet cat W` equals `tide parquet cat SOURCE` (and `--batch-rows 7`
//              reads the same rows);
//   DuckDB:    read_parquet(W) holds exactly the rows of read_parquet(SOURCE) (EXCEPT ALL both
//              ways, same count);
//   hyparquet: every value equals Tide's, compared per Parquet type (decimals numerically, as
//              hyparquet returns them as doubles; floats at float precision).
// hyparquet decodes snappy itself; the test gives it gzip and brotli from node:zlib, zstd from
// the zstd command (node 20 has none) and LZ4 from a block decoder written here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tideBin = process.env.TIDE_BIN;
const sourceDir = process.env.TIDE_SOURCE_DIR || path.resolve(here, '../..');
const dataDir = path.resolve(sourceDir, '../shared/testdata/parquet-testing/data');

function skip(msg) {
  console.log(`SKIP: ${msg}`);
  process.exit(0);
}
if (!tideBin) skip('TIDE_BIN is not set');
const require = createRequire(import.meta.url);
let duckdb, hyparquet;
try {
  duckdb = require(path.resolve(here, '../js/node_modules/@duckdb/node-api/lib/index.js'));
  hyparquet = await import(path.resolve(here, '../js/node_modules/hyparquet/src/index.js'));
} catch (e) {
  skip(`DuckDB node API or hyparquet not installed: ${e.message}`);
}

let failures = 0;
function fail(msg) {
  failures++;
  console.log(`FAIL ${msg}`);
}

function tide(args) {
  const r = spawnSync(tideBin, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`tide ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
}

// ---------------------------------------------------------------- decompressors for hyparquet

// LZ4 block format (lz4_Block_format.md): sequences of literals and back references.
function lz4Block(src, out, outPos = 0) {
  let i = 0;
  let o = outPos;
  while (i < src.length) {
    const token = src[i++];
    let lit = token >> 4;
    if (lit === 15) {
      let b;
      do { b = src[i++]; lit += b; } while (b === 255);
    }
    for (let k = 0; k < lit; k++) out[o++] = src[i++];
    if (i >= src.length) break;  // the last sequence has literals only
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    let len = token & 15;
    if (len === 15) {
      let b;
      do { b = src[i++]; len += b; } while (b === 255);
    }
    len += 4;
    if (offset === 0 || offset > o) throw new Error('lz4: bad offset');
    for (let k = 0; k < len; k++, o++) out[o] = out[o - offset];
  }
  return o;
}

const compressors = {
  GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(zlib.brotliDecompressSync(input)),
  ZSTD: (input) => {
    const r = spawnSync('zstd', ['-d', '-c', '-q'], { input: Buffer.from(input), maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`zstd -d: ${r.stderr}`);
    return new Uint8Array(r.stdout);
  },
  LZ4_RAW: (input, size) => {
    const out = new Uint8Array(size);
    lz4Block(input, out);
    return out;
  },
  // Hadoop framing: [u32 BE uncompressed][u32 BE compressed][block]...
  LZ4: (input, size) => {
    const out = new Uint8Array(size);
    const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    let i = 0, o = 0;
    while (i + 8 <= input.length) {
      const n = view.getUint32(i + 4);
      lz4Block(input.subarray(i + 8, i + 8 + n), out, o);
      o += view.getUint32(i);
      i += 8 + n;
    }
    return out;
  },
};
const haveZstd = spawnSync('zstd', ['--version']).status === 0;

// Raw values for dates, times and timestamps: compared exactly, formatted below.
const parsers = {
  timestampFromMilliseconds: (v) => ({ ts: BigInt(v) * 1000n, digits: 6 }),
  timestampFromMicroseconds: (v) => ({ ts: BigInt(v), digits: 6 }),
  timestampFromNanoseconds: (v) => ({ ts: BigInt(v), digits: 9 }),
  dateFromDays: (v) => ({ days: Number(v) }),
  stringFromBytes: (b) => (b === undefined || b === null ? b : new TextDecoder().decode(b)),
  jsonFromBytes: (b) => new TextDecoder().decode(b),
};

// ---------------------------------------------------------------- canonical values

const pad = (n, w) => String(n).padStart(w, '0');
function dateText(days) {
  const d = new Date(days * 86400000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}
function timeOfDay(v, perSecond, digits) {
  const s = v / perSecond, frac = v % perSecond;
  return `${pad(s / 3600n, 2)}:${pad((s / 60n) % 60n, 2)}:${pad(s % 60n, 2)}.${pad(frac, digits)}`;
}
function timestampText(v, digits) {
  const perSecond = digits === 9 ? 1000000000n : 1000000n;
  const perDay = perSecond * 86400n;
  let days = v / perDay;
  let rem = v % perDay;
  if (rem < 0n) { rem += perDay; days -= 1n; }
  return `${dateText(Number(days))}T${timeOfDay(rem, perSecond, digits)}`;
}

function isList(node) {
  const e = node.element;
  return (e.converted_type === 'LIST' || e.logical_type?.type === 'LIST') && node.children.length === 1;
}
function isMap(node) {
  const e = node.element;
  return e.converted_type === 'MAP' || e.logical_type?.type === 'MAP';
}
function listElement(node) {
  const rep = node.children[0];
  return rep.children.length === 1 ? rep.children[0] : rep;
}

const isNull = (v) => v === null || v === undefined;

// hyparquet's value of a leaf → the text Tide's JSON row format gives it (numbers: their
// digits; decimals and floats: tagged numbers compared with tolerance).
function hypLeaf(v, e) {
  const lt = e.logical_type, ct = e.converted_type;
  if (ct === 'DECIMAL' || lt?.type === 'DECIMAL') return { dec: Number(v) };
  if (e.type === 'BOOLEAN') return v ? 'true' : 'false';
  if (e.type === 'FLOAT') return { f32: v };
  if (e.type === 'DOUBLE') return { f64: v };
  if (lt?.type === 'TIMESTAMP' || ct === 'TIMESTAMP_MICROS' || ct === 'TIMESTAMP_MILLIS') {
    const utc = lt?.type === 'TIMESTAMP' ? lt.isAdjustedToUTC : true;
    return timestampText(v.ts, v.digits) + (utc ? 'Z' : '');
  }
  if (ct === 'DATE' || lt?.type === 'DATE') return dateText(v.days);
  if (lt?.type === 'TIME' || ct === 'TIME_MICROS' || ct === 'TIME_MILLIS') {
    const unit = lt?.type === 'TIME' ? lt.unit : ct === 'TIME_MILLIS' ? 'MILLIS' : 'MICROS';
    let x = BigInt(v);
    if (unit === 'MILLIS') x *= 1000n;
    return unit === 'NANOS' ? timeOfDay(x, 1000000000n, 9) : timeOfDay(x, 1000000n, 6);
  }
  if (e.type === 'BYTE_ARRAY' || e.type === 'FIXED_LEN_BYTE_ARRAY') {
    if (typeof v === 'string') return JSON.stringify(v);
    return Buffer.from(v).toString('base64');
  }
  return String(v);  // integers (number or bigint)
}

function hypCanon(v, node) {
  if (isNull(v)) return null;
  if (isList(node)) return Array.from(v, (x) => hypCanon(x, listElement(node)));
  if (isMap(node)) {
    const kv = node.children[0];
    const [k, val] = kv.children;
    return Object.entries(v)
      .map(([key, value]) => [mapKey(key, k.element), hypCanon(value, val)])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  if (node.children.length) {
    const o = {};
    for (const c of node.children) o[c.element.name] = hypCanon(v[c.element.name], c);
    return o;
  }
  return hypLeaf(v, node.element);
}

// Map keys are object property names in hyparquet: compare them as text.
function mapKey(key, e) {
  if (e.type === 'BYTE_ARRAY' && (e.converted_type === 'UTF8' || e.logical_type?.type === 'STRING')) return key;
  return String(key);
}

// A JSON parser that keeps numbers as their source text.
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
        ws(); const k = str(); ws(); i++;
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
    if (c === '"') return { s: str() };
    const m = /^(-?[0-9][0-9.eE+-]*|true|false|null)/.exec(text.slice(i, i + 400));
    i += m[0].length;
    if (m[0] === 'null') return null;
    return { n: m[0] };
  }
  function str() {
    let j = i + 1, s = '';
    for (;;) {
      const ch = text[j];
      if (ch === '"') break;
      if (ch === '\\') { s += JSON.parse(`"${text.slice(j, text[j + 1] === 'u' ? j + 6 : j + 2)}"`); j += text[j + 1] === 'u' ? 6 : 2; continue; }
      s += ch; j++;
    }
    i = j + 1;
    return s;
  }
  return value();
}

const floatOf = (t) => (t.s !== undefined ? (t.s === 'NaN' ? NaN : t.s === 'Infinity' ? Infinity : -Infinity) : Number(t.n));

// Tide's JSON value (parsed with text numbers) → the same canonical form, by Parquet node.
function tideCanon(v, node) {
  if (v === null) return null;
  if (isList(node)) return v.map((x) => tideCanon(x, listElement(node)));
  if (isMap(node)) {
    const [k, val] = node.children[0].children;
    return v
      .map((entry) => [entry.key.s !== undefined ? entry.key.s : entry.key.n, tideCanon(entry.value, val)])
      .map(([key, value]) => [mapKey(key, k.element), value])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  if (node.children.length) {
    const o = {};
    for (const c of node.children) o[c.element.name] = tideCanon(v[c.element.name] ?? null, c);
    return o;
  }
  const e = node.element;
  if (e.converted_type === 'DECIMAL' || e.logical_type?.type === 'DECIMAL') return { dec: Number(v.s) };
  if (e.type === 'FLOAT') return { f32: floatOf(v) };
  if (e.type === 'DOUBLE') return { f64: floatOf(v) };
  if (e.type === 'BOOLEAN') return v.n;
  if ((e.type === 'BYTE_ARRAY' || e.type === 'FIXED_LEN_BYTE_ARRAY') &&
      (e.converted_type === 'UTF8' || e.logical_type?.type === 'STRING' || e.converted_type === 'JSON')) {
    return JSON.stringify(v.s);
  }
  return v.s !== undefined ? v.s : v.n;
}

function same(a, b) {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if ('dec' in a && 'dec' in b) return Math.abs(a.dec - b.dec) <= 1e-9 * Math.max(1, Math.abs(a.dec));
  if ('f32' in a && 'f32' in b) return Object.is(Math.fround(a.f32), Math.fround(b.f32)) || (a.f32 === 0 && b.f32 === 0);
  if ('f64' in a && 'f64' in b) return Object.is(a.f64, b.f64) || (a.f64 === 0 && b.f64 === 0);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => same(a[k], b[k]));
}

// ---------------------------------------------------------------- sources

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tide-hyparquet-'));
const instance = await duckdb.DuckDBInstance.create(':memory:');
const con = await instance.connect();
const q = (p) => `'${p.replace(/'/g, "''")}'`;

const generated = path.join(tmp, 'all_types.parquet');
await con.run(`
  CREATE TABLE g AS
  SELECT
    i::BIGINT AS id,
    CASE WHEN i % 7 = 1 THEN NULL ELSE (i % 256 - 128)::TINYINT END AS i8,
    CASE WHEN i % 7 = 2 THEN NULL ELSE (i * 37 % 65536 - 32768)::SMALLINT END AS i16,
    CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 7919 - 2000000)::INTEGER END AS i32,
    CASE WHEN i % 7 = 4 THEN NULL ELSE (i * 1000000007 - 9000000000000)::BIGINT END AS i64,
    (i % 256)::UTINYINT AS u8, (i * 31 % 65536)::USMALLINT AS u16,
    CASE WHEN i % 5 = 0 THEN NULL ELSE (4294967295 - i)::UINTEGER END AS u32,
    (18446744073709551615 - i)::UBIGINT AS u64,
    CASE WHEN i % 11 = 0 THEN 'NaN'::FLOAT WHEN i % 13 = 0 THEN NULL ELSE (i / 3.0)::FLOAT END AS f,
    CASE WHEN i % 17 = 0 THEN '-Infinity'::DOUBLE WHEN i % 19 = 0 THEN NULL ELSE i * 1.5 - 700 END AS d,
    CASE WHEN i % 6 = 0 THEN NULL ELSE (i % 1000 - 500) / 10 END::DECIMAL(4,1) AS dec4,
    ((i * 123456789) % 1000000000000 / 1000)::DECIMAL(18,3) AS dec18,
    CASE WHEN i % 9 = 0 THEN NULL ELSE (i::HUGEINT * 98765432109876543 * 1000 + i)::DECIMAL(38,10) END AS dec38,
    CASE WHEN i % 4 = 0 THEN NULL ELSE 'str-' || (i % 50) || repeat('x', i % 5) END AS s,
    CASE WHEN i % 8 = 0 THEN NULL ELSE ('\\x' || lpad(to_hex(i % 4096), 4, '0'))::BLOB END AS bin,
    CASE WHEN i % 10 = 0 THEN NULL ELSE DATE '1970-01-01' + (i * 97 % 40000 - 15000)::INTEGER END AS day,
    CASE WHEN i % 12 = 0 THEN NULL ELSE TIME '00:00:00' + INTERVAL (i * 7919 % 86400) SECOND + INTERVAL (i % 1000) MICROSECOND END AS t,
    CASE WHEN i % 14 = 0 THEN NULL ELSE TIMESTAMP '2001-02-03 04:05:06.789' + INTERVAL (i * 86399) SECOND END AS ts,
    CASE WHEN i % 15 = 0 THEN NULL ELSE TIMESTAMPTZ '1969-12-31 23:59:59.123456+00' + INTERVAL (i * 3600007) MICROSECOND END AS tstz,
    CASE WHEN i % 16 = 0 THEN NULL ELSE (TIMESTAMP '2020-01-01' + INTERVAL (i) SECOND)::TIMESTAMP_NS END AS tsns,
    CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
    CASE WHEN i % 10 = 5 THEN NULL WHEN i % 10 = 6 THEN []::INTEGER[]
         ELSE [i, NULL, i + 1][1:(i % 3) + 1] END AS ints,
    CASE WHEN i % 9 = 4 THEN NULL ELSE [['a' || i, NULL], [], NULL][1:(i % 4)] END AS nested,
    CASE WHEN i % 8 = 3 THEN NULL ELSE {'x': CASE WHEN i % 2 = 0 THEN NULL ELSE i::INTEGER END,
                                          'y': ['k' || (i % 3)], 'z': 'zz' || i} END AS st,
    CASE WHEN i % 6 = 2 THEN NULL ELSE MAP(['m' || (i % 4), 'n' || (i % 3)], [i::INTEGER, NULL]) END AS m,
    CASE WHEN i % 7 = 6 THEN NULL ELSE [{'k': 'v' || i, 'w': i::BIGINT}, {'k': NULL, 'w': NULL}][1:(i % 3)] END AS los
  FROM range(2500) r(i)`);
await con.run(`COPY g TO ${q(generated)} (FORMAT parquet, ROW_GROUP_SIZE 1000)`);

const corpus = [
  'alltypes_plain.parquet', 'nested_lists.snappy.parquet', 'nested_maps.snappy.parquet', 'nullable.impala.parquet',
  'repeated_no_annotation.parquet', 'datapage_v2.snappy.parquet', 'fixed_length_decimal.parquet',
  'delta_byte_array.parquet', 'old_list_structure.parquet', 'int96_from_spark.parquet',
].map((f) => path.join(dataDir, f)).filter((f) => existsSync(f));
// The generated file goes through every variant; corpus files through a few (time budget).
const corpusVariants = new Set(['snappy', 'v2-zstd-delta', 'delta-nodict', 'v2-gzip-tiny']);

const variants = [
  ['none', ['--codec', 'none']],
  ['snappy', ['--codec', 'snappy']],
  ['gzip', ['--codec', 'gzip']],
  ['zstd', ['--codec', 'zstd']],
  ['lz4', ['--codec', 'lz4']],
  ['lz4_hadoop', ['--codec', 'lz4_hadoop']],
  ['brotli', ['--codec', 'brotli']],
  ['v2-snappy', ['--codec', 'snappy', '--page-v2']],
  ['v2-zstd-delta', ['--codec', 'zstd', '--page-v2', '--int-encoding', 'delta', '--string-encoding', 'delta-length']],
  ['delta-nodict', ['--codec', 'none', '--int-encoding', 'delta', '--string-encoding', 'delta', '--no-dictionary']],
  ['v2-gzip-tiny', ['--codec', 'gzip', '--page-v2', '--no-dictionary', '--string-encoding', 'delta', '--page-rows', '7',
                    '--row-group-rows', '300']],
];

async function hypRows(file) {
  const buf = readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const metadata = hyparquet.parquetMetadata(ab);
  const schema = hyparquet.parquetSchema(metadata);
  const rows = await hyparquet.parquetReadObjects({ file: ab, metadata, compressors, parsers, utf8: false });
  return { rows, schema };
}

// Bad writer options are refused with a message naming the option.
for (const bad of [['--int-encoding', 'zigzag'], ['--string-encoding', 'rle'], ['--codec', 'lzo'], ['--page-rows', '-1']]) {
  const r = spawnSync(tideBin, ['parquet', 'rewrite', generated, path.join(tmp, 'bad.parquet'), ...bad], { encoding: 'utf8' });
  if (r.status === 0 || !r.stderr.includes(bad[0])) fail(`rewrite ${bad.join(' ')}: exit ${r.status}, stderr ${r.stderr}`);
}

let checked = 0, hypChecked = 0;
for (const src of [generated, ...corpus]) {
  const name = path.basename(src);
  let want;
  try {
    want = tide(['parquet', 'cat', src]).split('\n').filter((l) => l);
  } catch (e) {
    fail(`${name}: Tide cannot read the source: ${e.message}`);
    continue;
  }
  for (const [label, opts] of variants) {
    if (src !== generated && !corpusVariants.has(label)) continue;
    const out = path.join(tmp, `${name}.${label}.parquet`);
    const what = `${name} [${label}]`;
    try {
      tide(['parquet', 'rewrite', src, out, ...opts]);
    } catch (e) {
      fail(`${what}: rewrite: ${e.message}`);
      continue;
    }
    checked++;
    // Tide reads back what it wrote, whole and in batches.
    const got = tide(['parquet', 'cat', out]).split('\n').filter((l) => l);
    if (got.length !== want.length || got.some((l, k) => l !== want[k])) {
      const k = got.findIndex((l, j) => l !== want[j]);
      fail(`${what}: Tide reads ${got.length} rows, source ${want.length}; first difference at row ${k}:\n  ${got[k]}\n  ${want[k]}`);
      continue;
    }
    const batched = tide(['parquet', 'cat', '--batch-rows', '7', out]).split('\n').filter((l) => l);
    if (batched.join('\n') !== got.join('\n')) fail(`${what}: --batch-rows 7 reads different rows`);
    // DuckDB: the same rows as in the source.
    try {
      const r = await con.runAndReadAll(`SELECT
          (SELECT count(*) FROM read_parquet(${q(out)}))::VARCHAR,
          (SELECT count(*) FROM read_parquet(${q(src)}))::VARCHAR,
          (SELECT count(*) FROM (SELECT * FROM read_parquet(${q(out)}) EXCEPT ALL SELECT * FROM read_parquet(${q(src)})))::VARCHAR,
          (SELECT count(*) FROM (SELECT * FROM read_parquet(${q(src)}) EXCEPT ALL SELECT * FROM read_parquet(${q(out)})))::VARCHAR`);
      const [n, m, d1, d2] = r.getRows()[0];
      if (n !== m || d1 !== '0' || d2 !== '0') fail(`${what}: DuckDB reads ${n} rows (source ${m}), ${d1}/${d2} differ`);
    } catch (e) {
      if (!/not supported|Not implemented|Unsupported/i.test(e.message)) fail(`${what}: DuckDB: ${e.message}`);
    }
    // hyparquet: every value equals Tide's.
    if (label.includes('zstd') && !haveZstd) continue;
    let hyp;
    try {
      hyp = await hypRows(out);
    } catch (e) {
      fail(`${what}: hyparquet: ${e.message}`);
      continue;
    }
    if (hyp.rows.length !== got.length) {
      fail(`${what}: hyparquet reads ${hyp.rows.length} rows, Tide ${got.length}`);
      continue;
    }
    const fields = hyp.schema.children;
    let bad = 0;
    for (let r = 0; r < got.length && bad < 3; r++) {
      const t = parseJson(got[r]);
      for (const f of fields) {
        const key = f.element.name;
        const a = tideCanon(t[key] ?? null, f), b = hypCanon(hyp.rows[r][key], f);
        if (!same(a, b)) {
          bad++;
          fail(`${what}: row ${r} column ${key}: Tide ${JSON.stringify(a, (k, v) => (typeof v === 'bigint' ? String(v) : v))} hyparquet ${JSON.stringify(b, (k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
          break;
        }
      }
    }
    if (!bad) hypChecked++;
  }
}
rmSync(tmp, { recursive: true, force: true });
console.log(`${checked} files written by Tide; ${hypChecked} read identically by hyparquet; ${failures} failures`);
process.exit(failures ? 1 : 0);
