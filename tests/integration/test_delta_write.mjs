// Delta write path end to end, through the `tide` binary:
//   1. create / append (JSON lines, CSV, Parquet) / overwrite (whole table, replaceWhere) and
//      the errors schema enforcement gives;
//   2. DuckDB reading the table's active files (log replayed here, independently of Tide)
//      returns the rows `tide table cat` prints;
//   3. a validator checks every action of every commit file against PROTOCOL.md (required
//      fields and types, camelCase names, commitInfo first, path encoding, partition values as
//      strings, stats JSON shape, sizes and record counts matching the files);
//   4. concurrency: 4 processes append 50 commits each to one table at once -> versions 0..200,
//      every row exactly once;
//   5. crashes: a loop of appends killed with SIGKILL at random points, three times -> the table
//      reads at its last committed version, holds exactly the rows of its commits, and
//      `tide table check` passes.
// Exits 0 with "SKIP" when `tide table append` or DuckDB is not available.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tideBin = process.env.TIDE_BIN;

function skip(msg) {
  console.log(`SKIP: ${msg}`);
  process.exit(0);
}
if (!tideBin) skip('TIDE_BIN is not set');
if (spawnSync(tideBin, ['table', 'append', '--help']).status !== 0) skip('`tide table append` is not available');
const require = createRequire(import.meta.url);
let duckdb;
try {
  duckdb = require(path.resolve(here, '../js/node_modules/@duckdb/node-api/lib/index.js'));
} catch (e) {
  skip(`DuckDB node API not installed: ${e.message}`);
}

const work = mkdtempSync(path.join(os.tmpdir(), 'tide-delta-write-'));
let failures = 0;
function check(cond, msg) {
  if (!cond) {
    failures++;
    console.error(`FAIL: ${msg}`);
  }
}
function tide(args, { expectOk = true } = {}) {
  const r = spawnSync(tideBin, args, { encoding: 'utf8' });
  if (expectOk && r.status !== 0) {
    console.error(`FAIL: tide ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    failures++;
  }
  return r;
}

// ------------------------------------------------------------------ log replay (independent)

function commitFiles(root) {
  const dir = path.join(root, '_delta_log');
  return readdirSync(dir).filter((n) => /^\d{20}\.json$/.test(n)).sort();
}
function readCommit(root, name) {
  const text = readFileSync(path.join(root, '_delta_log', name), 'utf8');
  return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
}
function activeFiles(root) {
  const files = new Map();
  let metaData = null;
  for (const name of commitFiles(root)) {
    for (const a of readCommit(root, name)) {
      if (a.add) files.set(a.add.path, a.add);
      if (a.remove) files.delete(a.remove.path);
      if (a.metaData) metaData = a.metaData;
    }
  }
  return { files: [...files.values()], metaData };
}

// ------------------------------------------------------------------ protocol validator

const CAMEL = /^[a-z][A-Za-z0-9]*$/;
const isInt = (v) => Number.isInteger(v);
const isStr = (v) => typeof v === 'string';
const isBool = (v) => typeof v === 'boolean';
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkKeys(obj, where) {
  for (const k of Object.keys(obj)) check(CAMEL.test(k), `${where}: field '${k}' is not camelCase`);
}
function checkStats(text, where, partitionColumns) {
  let s;
  try {
    s = JSON.parse(text);
  } catch (e) {
    check(false, `${where}: stats is not JSON: ${e.message}`);
    return null;
  }
  check(isObj(s), `${where}: stats is not an object`);
  check(isInt(s.numRecords) && s.numRecords >= 0, `${where}: stats.numRecords missing or not an integer`);
  for (const k of ['minValues', 'maxValues', 'nullCount']) {
    if (k in s) check(isObj(s[k]), `${where}: stats.${k} is not an object`);
  }
  const counts = (o, p) => {
    for (const [k, v] of Object.entries(o || {})) {
      if (isObj(v)) counts(v, `${p}.${k}`);
      else check(isInt(v) && v >= 0 && v <= s.numRecords, `${where}: stats.nullCount${p}.${k} = ${v}`);
    }
  };
  counts(s.nullCount, '');
  for (const p of partitionColumns) {
    check(!(p in (s.minValues || {})) && !(p in (s.nullCount || {})), `${where}: stats has partition column ${p}`);
  }
  return s;
}

async function validateTable(root, con, rowCounts = true) {
  let partitionColumns = [];
  const names = commitFiles(root);
  names.forEach((name, i) => check(name === String(i).padStart(20, '0') + '.json', `${root}: version ${i} missing`));
  for (const name of names) {
    const version = Number(name.slice(0, 20));
    const actions = readCommit(root, name);
    const where0 = `${path.basename(root)}/${name}`;
    check(actions.length > 0 && 'commitInfo' in actions[0], `${where0}: commitInfo is not the first action`);
    for (const [line, a] of actions.entries()) {
      const where = `${where0}:${line + 1}`;
      const keys = Object.keys(a);
      check(keys.length === 1, `${where}: an action line must have exactly one key, has ${keys}`);
      const [kind] = keys;
      const v = a[kind];
      check(isObj(v), `${where}: ${kind} is not an object`);
      checkKeys(v, `${where} ${kind}`);
      switch (kind) {
        case 'commitInfo':
          check(line === 0, `${where}: commitInfo not first`);
          check(isInt(v.timestamp), `${where}: commitInfo.timestamp`);
          check(isStr(v.operation), `${where}: commitInfo.operation`);
          check(isObj(v.operationParameters), `${where}: commitInfo.operationParameters`);
          // Spark reads operationParameters as a map of strings (structured values as JSON text).
          for (const [k, p] of Object.entries(v.operationParameters || {})) {
            check(p === null || isStr(p), `${where}: operationParameters.${k} is not a string: ${JSON.stringify(p)}`);
          }
          check(isStr(v.engineInfo) && v.engineInfo.startsWith('Tide/'), `${where}: commitInfo.engineInfo`);
          check(isStr(v.isolationLevel), `${where}: commitInfo.isolationLevel`);
          check(isBool(v.isBlindAppend), `${where}: commitInfo.isBlindAppend`);
          check(isStr(v.txnId), `${where}: commitInfo.txnId`);
          if (version > 0) check(isInt(v.readVersion) && v.readVersion < version, `${where}: commitInfo.readVersion`);
          if (v.operationMetrics) {
            for (const [k, m] of Object.entries(v.operationMetrics)) check(isStr(m), `${where}: metric ${k} not a string`);
          }
          break;
        case 'protocol':
          check(isInt(v.minReaderVersion) && v.minReaderVersion >= 1, `${where}: minReaderVersion`);
          check(isInt(v.minWriterVersion) && v.minWriterVersion >= 2, `${where}: minWriterVersion`);
          if (v.minWriterVersion === 7) check(Array.isArray(v.writerFeatures), `${where}: writerFeatures`);
          if (v.minReaderVersion === 3) check(Array.isArray(v.readerFeatures), `${where}: readerFeatures`);
          break;
        case 'metaData': {
          check(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v.id), `${where}: metaData.id`);
          check(isObj(v.format) && v.format.provider === 'parquet', `${where}: metaData.format`);
          check(isStr(v.schemaString), `${where}: metaData.schemaString`);
          const schema = JSON.parse(v.schemaString);
          check(schema.type === 'struct' && Array.isArray(schema.fields), `${where}: schemaString is not a struct`);
          for (const f of schema.fields) {
            check(isStr(f.name) && 'type' in f && isBool(f.nullable) && isObj(f.metadata), `${where}: field ${f.name}`);
          }
          check(Array.isArray(v.partitionColumns) && v.partitionColumns.every(isStr), `${where}: partitionColumns`);
          check(isObj(v.configuration) && Object.values(v.configuration).every(isStr), `${where}: configuration`);
          check(isInt(v.createdTime), `${where}: createdTime`);
          partitionColumns = v.partitionColumns;
          break;
        }
        case 'add': {
          check(isStr(v.path) && !v.path.startsWith('/') && /^[A-Za-z0-9\-._~/%=]+$/.test(v.path),
                `${where}: add.path not a relative, encoded path: ${v.path}`);
          const file = path.join(root, decodeURIComponent(v.path));
          check(existsSync(file), `${where}: add.path ${v.path} does not exist`);
          check(isObj(v.partitionValues), `${where}: add.partitionValues`);
          check(JSON.stringify(Object.keys(v.partitionValues).sort()) === JSON.stringify([...partitionColumns].sort()),
                `${where}: partitionValues keys ${Object.keys(v.partitionValues)} != ${partitionColumns}`);
          for (const [k, pv] of Object.entries(v.partitionValues)) {
            check(pv === null || isStr(pv), `${where}: partition value ${k} is not a string or null`);
          }
          check(isInt(v.size) && existsSync(file) && statSync(file).size === v.size, `${where}: add.size`);
          check(isInt(v.modificationTime), `${where}: add.modificationTime`);
          check(isBool(v.dataChange), `${where}: add.dataChange`);
          check(isStr(v.stats), `${where}: add.stats missing`);
          const s = checkStats(v.stats, where, partitionColumns);
          if (rowCounts && s && existsSync(file)) {
            const n = (await con.runAndReadAll(`SELECT count(*)::INT AS n FROM read_parquet('${file}')`)).getRowObjectsJson();
            check(Number(n[0].n) === s.numRecords, `${where}: numRecords ${s.numRecords} != rows ${n[0].n}`);
          }
          break;
        }
        case 'remove':
          check(isStr(v.path), `${where}: remove.path`);
          check(isInt(v.deletionTimestamp), `${where}: remove.deletionTimestamp`);
          check(isBool(v.dataChange), `${where}: remove.dataChange`);
          if (v.partitionValues) check(isObj(v.partitionValues), `${where}: remove.partitionValues`);
          if ('size' in v) check(isInt(v.size), `${where}: remove.size`);
          break;
        case 'txn':
          check(isStr(v.appId) && isInt(v.version), `${where}: txn`);
          break;
        case 'domainMetadata':
          check(isStr(v.domain) && isStr(v.configuration) && isBool(v.removed), `${where}: domainMetadata`);
          break;
        case 'cdc':
          check(isStr(v.path) && isObj(v.partitionValues) && isInt(v.size), `${where}: cdc`);
          break;
        default:
          check(false, `${where}: unknown action ${kind}`);
      }
    }
  }
}

// ------------------------------------------------------------------ rows

const canon = (row) => JSON.stringify(Object.fromEntries(Object.keys(row).sort().map((k) => [k, row[k] === null ? null : String(row[k])])));

function tideRows(root) {
  const r = tide(['table', 'cat', root]);
  return r.stdout.split('\n').filter((l) => l).map((l) => canon(JSON.parse(l))).sort();
}

async function duckRows(con, root) {
  const { files, metaData } = activeFiles(root);
  const schema = JSON.parse(metaData.schemaString);
  const out = [];
  for (const f of files) {
    const file = path.join(root, decodeURIComponent(f.path));
    const rows = (await con.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson();
    for (const r of rows) {
      const full = {};
      for (const field of schema.fields) {
        full[field.name] = field.name in f.partitionValues ? f.partitionValues[field.name] : (r[field.name] ?? null);
      }
      out.push(canon(full));
    }
  }
  return out.sort();
}

function sameRows(a, b, what) {
  check(a.length === b.length, `${what}: ${a.length} vs ${b.length} rows`);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      check(false, `${what}: row ${i}: ${a[i]} vs ${b[i]}`);
      return;
    }
  }
}

// ------------------------------------------------------------------ 1-3: CLI flow

const instance = await duckdb.DuckDBInstance.create(':memory:');
const con = await instance.connect();
const t = path.join(work, 'sales');
{
  let r = tide(['table', 'create', t, '--schema', 'id BIGINT NOT NULL, name STRING, amount DOUBLE, country STRING, day DATE',
                '--partition-by', 'country']);
  check(/version 0/.test(r.stdout), `create printed ${r.stdout}`);
  r = tide(['table', 'create', t, '--schema', 'id BIGINT'], { expectOk: false });
  check(r.status !== 0 && /already exists/.test(r.stderr), `second create: ${r.stderr}`);

  writeFileSync(path.join(work, 'a.json'), [
    '{"id":1,"name":"alpha","amount":1.5,"country":"US","day":"2024-01-01"}',
    '{"id":2,"name":"beta","amount":-2,"country":"DE","day":"2024-01-02"}',
    '{"id":3,"name":"gamma gamma","amount":null,"country":"a b/c","day":null}',
    '{"id":4,"name":null,"amount":4.25,"country":null,"day":"2024-01-04"}',
  ].join('\n') + '\n');
  r = tide(['table', 'append', t, path.join(work, 'a.json')]);
  check(/^version 1: 4 files, 4 rows/.test(r.stdout), `append json printed ${r.stdout}`);

  writeFileSync(path.join(work, 'b.csv'), 'id,name,amount,country,day\n5,eps,5.5,US,2024-02-01\n6,zeta,,FR,\n');
  r = tide(['table', 'append', t, path.join(work, 'b.csv')]);
  check(/^version 2: 2 files, 2 rows/.test(r.stdout), `append csv printed ${r.stdout}`);

  // Parquet written by DuckDB, with a narrower id type (INTEGER -> BIGINT cast).
  const pq = path.join(work, 'c.parquet');
  await con.run(`COPY (SELECT 7::INTEGER AS id, 'eta' AS name, 7.0::DOUBLE AS amount, 'US' AS country,
                 DATE '2024-03-01' AS day) TO '${pq}' (FORMAT parquet)`);
  r = tide(['table', 'append', t, pq]);
  check(/^version 3: 1 files, 1 rows/.test(r.stdout), `append parquet printed ${r.stdout}`);

  // Enforcement errors name the column (and both types); nothing is committed.
  const bad = path.join(work, 'bad.parquet');
  await con.run(`COPY (SELECT 8::BIGINT AS id, 'x' AS name, 'lots' AS amount) TO '${bad}' (FORMAT parquet)`);
  r = tide(['table', 'append', t, bad], { expectOk: false });
  check(r.status !== 0 && /amount/.test(r.stderr) && /STRING/.test(r.stderr) && /DOUBLE/.test(r.stderr),
        `bad type error: ${r.stderr}`);
  writeFileSync(path.join(work, 'null.json'), '{"id":null,"name":"n"}\n');
  r = tide(['table', 'append', t, path.join(work, 'null.json')], { expectOk: false });
  check(r.status !== 0 && /id/.test(r.stderr), `null in NOT NULL: ${r.stderr}`);
  writeFileSync(path.join(work, 'extra.json'), '{"id":9,"note":"new column"}\n');
  r = tide(['table', 'append', t, path.join(work, 'extra.json')], { expectOk: false });
  check(r.status !== 0 && /note/.test(r.stderr), `unknown column: ${r.stderr}`);
  check(commitFiles(t).length === 4, `refused writes committed something: ${commitFiles(t)}`);

  // Schema evolution.
  r = tide(['table', 'append', t, path.join(work, 'extra.json'), '--merge-schema']);
  check(/^version 4: 1 files, 1 rows, schema changed/.test(r.stdout), `merge-schema printed ${r.stdout}`);

  // replaceWhere on one partition; rows outside it are refused.
  writeFileSync(path.join(work, 'us.json'), '{"id":10,"name":"us-new","amount":10,"country":"US","day":"2024-04-01"}\n');
  r = tide(['table', 'overwrite', t, path.join(work, 'us.json'), '--replace-where', "country = 'US'"]);
  check(/^version 5: 1 files, 1 rows, 3 files removed/.test(r.stdout), `replaceWhere printed ${r.stdout}`);
  r = tide(['table', 'overwrite', t, path.join(work, 'us.json'), '--replace-where', "country = 'DE'"], { expectOk: false });
  check(r.status !== 0 && /country='US'/.test(r.stderr), `replaceWhere outside rows: ${r.stderr}`);

  const expected = [
    { id: 10, name: 'us-new', amount: 10, country: 'US', day: '2024-04-01', note: null },
    { id: 2, name: 'beta', amount: -2, country: 'DE', day: '2024-01-02', note: null },
    { id: 3, name: 'gamma gamma', amount: null, country: 'a b/c', day: null, note: null },
    { id: 4, name: null, amount: 4.25, country: null, day: '2024-01-04', note: null },
    { id: 6, name: 'zeta', amount: null, country: 'FR', day: null, note: null },
    { id: 9, name: null, amount: null, country: null, day: null, note: 'new column' },
  ].map(canon).sort();
  const fromTide = tideRows(t);
  sameRows(fromTide, expected, 'tide table cat vs expected');
  sameRows(await duckRows(con, t), fromTide, 'DuckDB over the active files vs tide table cat');
  await validateTable(t, con);

  // Whole-table overwrite.
  r = tide(['table', 'overwrite', t, path.join(work, 'us.json')]);
  check(/files removed/.test(r.stdout), `overwrite printed ${r.stdout}`);
  sameRows(await duckRows(con, t), tideRows(t), 'after overwrite');
  check(tideRows(t).length === 1, 'overwrite left other rows');
  await validateTable(t, con);
}

// ------------------------------------------------------------------ 4: concurrent writers

function runAsync(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

{
  const c = path.join(work, 'concurrent');
  tide(['table', 'create', c, '--schema', 'writer INT, seq INT, payload STRING']);
  const writers = 4, commits = 50;
  const scripts = [];
  for (let w = 0; w < writers; w++) {
    const dir = path.join(work, `w${w}`);
    spawnSync('mkdir', ['-p', dir]);
    for (let i = 0; i < commits; i++) {
      writeFileSync(path.join(dir, `${i}.json`), JSON.stringify({ writer: w, seq: i, payload: `w${w}-${i}` }) + '\n');
    }
    scripts.push(`set -e; for i in $(seq 0 ${commits - 1}); do "$0" table append "$1" "$2/$i.json" >/dev/null; done`);
  }
  const started = Date.now();
  const results = await Promise.all(scripts.map((s, w) => runAsync('bash', ['-c', s, tideBin, c, path.join(work, `w${w}`)])));
  results.forEach((r, w) => check(r.code === 0, `writer ${w} exited ${r.code}: ${r.err}`));
  const versions = commitFiles(c);
  check(versions.length === writers * commits + 1, `expected ${writers * commits + 1} versions, found ${versions.length}`);
  const rows = tideRows(c);
  const seen = new Map();
  for (const row of rows) seen.set(row, (seen.get(row) || 0) + 1);
  check(rows.length === writers * commits, `expected ${writers * commits} rows, found ${rows.length}`);
  check([...seen.values()].every((n) => n === 1), 'a row appears more than once');
  check(existsSync(path.join(c, '_delta_log', '_last_checkpoint')), 'no checkpoint was written');
  await validateTable(c, con, false);
  console.log(`concurrent: ${writers}x${commits} commits in ${Date.now() - started} ms`);

  // The checkpoints read as plain Parquet in DuckDB, with Spark's checkpoint layout, and hold
  // exactly the files active at their version.
  const cps = readdirSync(path.join(c, '_delta_log')).filter((n) => /^\d{20}\.checkpoint\.parquet$/.test(n)).sort();
  check(cps.length >= 10, `expected checkpoints every 10 versions, found ${cps.length}`);
  const last = cps[cps.length - 1];
  const cpFile = path.join(c, '_delta_log', last);
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${cpFile}')`)).getRowObjectsJson();
  const types = Object.fromEntries(desc.map((r) => [r.column_name, r.column_type]));
  check(JSON.stringify(Object.keys(types)) === JSON.stringify(['txn', 'add', 'remove', 'metaData', 'protocol', 'domainMetadata']),
        `checkpoint columns ${Object.keys(types)}`);
  check(/path VARCHAR, "?partitionValues"? MAP\(VARCHAR, VARCHAR\), size BIGINT, "?modificationTime"? BIGINT, "?dataChange"? BOOLEAN, stats VARCHAR/.test(types.add || ''),
        `checkpoint add type: ${types.add}`);
  check(/"?minReaderVersion"? INTEGER, "?minWriterVersion"? INTEGER/.test(types.protocol || ''), `protocol type: ${types.protocol}`);
  const counts = (await con.runAndReadAll(
    `SELECT count(add)::INT AS adds, count(metaData)::INT AS md, count(protocol)::INT AS pr, count(*)::INT AS n
     FROM read_parquet('${cpFile}')`)).getRowObjectsJson()[0];
  const cpVersion = Number(last.slice(0, 20));
  check(Number(counts.md) === 1 && Number(counts.pr) === 1, `checkpoint metaData/protocol rows: ${JSON.stringify(counts)}`);
  check(Number(counts.adds) === cpVersion, `checkpoint ${cpVersion} has ${counts.adds} adds`);
  const lc = JSON.parse(readFileSync(path.join(c, '_delta_log', '_last_checkpoint'), 'utf8'));
  check(isInt(lc.version) && isInt(lc.size) && isInt(lc.sizeInBytes) && isInt(lc.numOfAddFiles),
        `_last_checkpoint fields: ${JSON.stringify(lc)}`);
  check(lc.version === cpVersion && lc.size === Number(counts.n) && lc.numOfAddFiles === Number(counts.adds) &&
        lc.sizeInBytes === statSync(cpFile).size, `_last_checkpoint ${JSON.stringify(lc)} vs ${last}`);
}

// ------------------------------------------------------------------ 5: kill -9 during appends

{
  const k = path.join(work, 'crash');
  tide(['table', 'create', k, '--schema', 'n INT, p STRING', '--partition-by', 'p', '--property', 'delta.checkpointInterval=5']);
  const dir = path.join(work, 'crash-in');
  spawnSync('mkdir', ['-p', dir]);
  for (let i = 0; i < 400; i++) {
    writeFileSync(path.join(dir, `${i}.json`), `{"n":${i},"p":"p${i % 3}"}\n{"n":${i},"p":"p${(i + 1) % 3}"}\n`);
  }
  for (let round = 0; round < 3; round++) {
    const loop = spawn('bash', ['-c', `for i in $(seq ${round * 100} ${round * 100 + 99}); do "$0" table append "$1" "$2/$i.json" >/dev/null 2>&1; done`,
                                tideBin, k, dir], { detached: true, stdio: 'ignore' });
    await new Promise((res) => setTimeout(res, 300 + Math.floor(Math.random() * 700)));
    try {
      process.kill(-loop.pid, 'SIGKILL');  // the loop and the tide process it is running
    } catch (e) {
      // the loop already finished
    }
    await new Promise((res) => loop.on('exit', res));
  }
  const names = commitFiles(k);
  let expectedRows = 0;
  for (const name of names) {
    const actions = readCommit(k, name);  // every commit file is complete JSON
    for (const a of actions) if (a.add) expectedRows += JSON.parse(a.add.stats).numRecords;
  }
  const rows = tideRows(k);
  check(rows.length === expectedRows, `crash: ${rows.length} rows, commits hold ${expectedRows}`);
  check(rows.length % 2 === 0, 'crash: a half-written append is visible');
  const chk = tide(['table', 'check', k], { expectOk: false });
  check(chk.status === 0, `tide table check after crashes: ${chk.stdout} ${chk.stderr}`);
  await validateTable(k, con, false);
  console.log(`crash: ${names.length} versions survived 3 SIGKILLs`);
}

rmSync(work, { recursive: true, force: true });
if (failures > 0) {
  console.error(`${failures} failure(s)`);
  process.exit(1);
}
console.log('OK');
