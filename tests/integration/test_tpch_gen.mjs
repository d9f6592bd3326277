// `tide gen tpch` checked through DuckDB, which reads the Parquet files and the Delta tables:
// row counts per table at SF 0.01, key integrity between the tables, the value domains of the
// spec (clause 4.2.3) that the benchmark queries filter on, determinism (a second generation
// with another chunking gives the same data), and the Delta tables holding the same rows.
// Exits 0 with "SKIP" when the DuckDB node API is not installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tideBin = process.env.TIDE_BIN;
if (!tideBin) {
  console.error('TIDE_BIN is not set');
  process.exit(1);
}
const require = createRequire(import.meta.url);
let duckdb;
try {
  duckdb = require(path.resolve(here, '../js/node_modules/@duckdb/node-api/lib/index.js'));
} catch (e) {
  console.log(`SKIP: DuckDB node API not installed: ${e.message}`);
  process.exit(0);
}

let failures = 0;
function check(cond, what) {
  if (cond) {
    console.log(`ok   ${what}`);
  } else {
    console.log(`FAIL ${what}`);
    failures++;
  }
}

function gen(dir, extra) {
  const r = spawnSync(tideBin, ['gen', 'tpch', '--scale', '0.01', '--out', dir, '-q', ...extra], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`tide gen tpch failed (${r.status}): ${r.stderr}`);
    process.exit(1);
  }
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tide-tpch-gen-'));
try {
  const a = path.join(tmp, 'a');
  const b = path.join(tmp, 'b');
  gen(a, []);
  gen(b, ['--files-per-table', '3', '--threads', '2', '--format', 'parquet', '--codec', 'zstd']);

  // Usage errors and refusing to overwrite.
  const again = spawnSync(tideBin, ['gen', 'tpch', '--scale', '0.01', '--out', a, '-q'], { encoding: 'utf8' });
  check(again.status === 1 && /already exists/.test(again.stderr), 'a second run into the same directory is refused');
  const bad = spawnSync(tideBin, ['gen', 'tpch', '--scale', '-1', '--out', path.join(tmp, 'c')], { encoding: 'utf8' });
  check(bad.status === 2 && /scale/.test(bad.stderr), 'a negative scale is a usage error');

  const marker = JSON.parse(readFileSync(path.join(a, 'tpch.json'), 'utf8'));
  check(marker.scale === 0.01 && marker.tables.lineitem > 0, 'tpch.json records the scale and row counts');

  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const one = async (sql) => {
    const rows = (await con.runAndReadAll(sql)).getRowsJson();
    return rows[0];
  };
  for (const t of ['nation', 'region', 'part', 'supplier', 'partsupp', 'customer', 'orders', 'lineitem']) {
    await con.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${a}/parquet/${t}/*.parquet')`);
    await con.run(`CREATE VIEW b_${t} AS SELECT * FROM read_parquet('${b}/parquet/${t}/*.parquet')`);
  }

  // Row counts (clause 4.2.5: SF * base cardinality; lineitem about 4 per order).
  const expected = { nation: 25, region: 5, part: 2000, supplier: 100, partsupp: 8000, customer: 1500, orders: 15000 };
  for (const [t, n] of Object.entries(expected)) {
    const [c] = await one(`SELECT count(*) FROM ${t}`);
    check(Number(c) === n, `${t} has ${n} rows (got ${c})`);
  }
  const [lines, avgLines] = await one(
    'SELECT count(*), count(*) / count(DISTINCT l_orderkey) FROM lineitem');
  check(Number(lines) > 55000 && Number(lines) < 65000 && Math.abs(Number(avgLines) - 4) < 0.1,
        `lineitem has about 4 lines per order (${lines} rows, ${avgLines} per order)`);
  check(Number((await one(`SELECT count(*) FROM lineitem WHERE l_linenumber NOT BETWEEN 1 AND 7`))[0]) === 0,
        'l_linenumber in 1..7');

  // Keys: unique primary keys, every foreign key resolves.
  for (const [t, k] of [['part', 'p_partkey'], ['supplier', 's_suppkey'], ['customer', 'c_custkey'], ['orders', 'o_orderkey']]) {
    const [n, d] = await one(`SELECT count(*), count(DISTINCT ${k}) FROM ${t}`);
    check(Number(n) === Number(d), `${t}.${k} is unique`);
  }
  const [psd] = await one('SELECT count(*) FROM (SELECT DISTINCT ps_partkey, ps_suppkey FROM partsupp)');
  check(Number(psd) === 8000, 'partsupp (partkey, suppkey) is unique');
  const orphans = [
    ['lineitem', 'l_orderkey', 'orders', 'o_orderkey'],
    ['lineitem', 'l_partkey', 'part', 'p_partkey'],
    ['lineitem', 'l_suppkey', 'supplier', 's_suppkey'],
    ['orders', 'o_custkey', 'customer', 'c_custkey'],
    ['partsupp', 'ps_partkey', 'part', 'p_partkey'],
    ['partsupp', 'ps_suppkey', 'supplier', 's_suppkey'],
    ['customer', 'c_nationkey', 'nation', 'n_nationkey'],
    ['supplier', 's_nationkey', 'nation', 'n_nationkey'],
    ['nation', 'n_regionkey', 'region', 'r_regionkey'],
  ];
  for (const [t, fk, p, pk] of orphans) {
    const [c] = await one(`SELECT count(*) FROM ${t} WHERE ${fk} NOT IN (SELECT ${pk} FROM ${p})`);
    check(Number(c) === 0, `every ${t}.${fk} exists in ${p}.${pk}`);
  }
  const [badPs] = await one(
    'SELECT count(*) FROM lineitem l ANTI JOIN partsupp ps ON l.l_partkey = ps.ps_partkey AND l.l_suppkey = ps.ps_suppkey');
  check(Number(badPs) === 0, 'every (l_partkey, l_suppkey) is a partsupp row');
  const [mult3] = await one('SELECT count(*) FROM orders WHERE o_custkey % 3 = 0');
  check(Number(mult3) === 0, 'no orders for customers whose key is a multiple of 3');
  const [sparse] = await one('SELECT count(*) FROM orders WHERE (o_orderkey - 1) % 32 >= 8 AND o_orderkey % 32 <> 0');
  check(Number(sparse) === 0, 'order keys are sparse (8 of every 32)');

  // Domains.
  const [minD, maxD] = await one('SELECT min(o_orderdate)::VARCHAR, max(o_orderdate)::VARCHAR FROM orders');
  check(minD >= '1992-01-01' && minD < '1992-01-10' && maxD <= '1998-08-02' && maxD > '1998-07-20',
        `o_orderdate in [1992-01-01, 1998-08-02] (${minD}..${maxD})`);
  const [modes] = await one("SELECT string_agg(DISTINCT l_shipmode, ',' ORDER BY l_shipmode) FROM lineitem");
  check(modes === 'AIR,FOB,MAIL,RAIL,REG AIR,SHIP,TRUCK', `seven ship modes (${modes})`);
  const [segs] = await one("SELECT string_agg(DISTINCT c_mktsegment, ',' ORDER BY c_mktsegment) FROM customer");
  check(segs === 'AUTOMOBILE,BUILDING,FURNITURE,HOUSEHOLD,MACHINERY', `five market segments (${segs})`);
  const [flags] = await one(
    "SELECT string_agg(DISTINCT l_returnflag || l_linestatus, ',' ORDER BY l_returnflag || l_linestatus) FROM lineitem");
  check(flags === 'AF,NF,NO,RF', `returnflag/linestatus pairs as Q1 expects (${flags})`);
  const [dateBad] = await one(
    `SELECT count(*) FROM lineitem JOIN orders ON l_orderkey = o_orderkey
     WHERE l_shipdate NOT BETWEEN o_orderdate + 1 AND o_orderdate + 121
        OR l_commitdate NOT BETWEEN o_orderdate + 30 AND o_orderdate + 90
        OR l_receiptdate NOT BETWEEN l_shipdate + 1 AND l_shipdate + 30`);
  check(Number(dateBad) === 0, 'ship, commit and receipt dates follow the order date');
  const [ranges] = await one(
    `SELECT bool_and(l_quantity BETWEEN 1 AND 50 AND l_discount BETWEEN 0 AND 0.10 AND l_tax BETWEEN 0 AND 0.08) FROM lineitem`);
  check(ranges === true, 'quantity, discount and tax ranges');
  const [priceBad] = await one(
    `SELECT count(*) FROM lineitem JOIN part ON l_partkey = p_partkey WHERE l_extendedprice <> l_quantity * p_retailprice`);
  check(Number(priceBad) === 0, 'l_extendedprice = l_quantity * p_retailprice');
  const [totalBad] = await one(
    `SELECT count(*) FROM orders JOIN (SELECT l_orderkey, sum(round(l_extendedprice * (1 - l_discount) * (1 + l_tax), 2)) AS t
       FROM lineitem GROUP BY 1) ON l_orderkey = o_orderkey WHERE t <> o_totalprice`);
  check(Number(totalBad) === 0, 'o_totalprice is the sum of the discounted, taxed line prices');
  const [statusBad] = await one(
    `SELECT count(*) FROM orders JOIN (SELECT l_orderkey, bool_and(l_linestatus = 'F') AS f, bool_and(l_linestatus = 'O') AS o
       FROM lineitem GROUP BY 1) ON l_orderkey = o_orderkey
     WHERE o_orderstatus <> CASE WHEN f THEN 'F' WHEN o THEN 'O' ELSE 'P' END`);
  check(Number(statusBad) === 0, 'o_orderstatus follows the line statuses');
  const [green, types, containers, brands] = await one(
    `SELECT count(*) FILTER (WHERE p_name LIKE '%green%'), count(DISTINCT p_type), count(DISTINCT p_container),
            count(DISTINCT p_brand) FROM part`);
  check(Number(green) > 2000 * 0.04 && Number(green) < 2000 * 0.07, `about 5.4% of part names contain green (${green})`);
  check(Number(types) === 150 && Number(containers) === 40 && Number(brands) === 25,
        `150 part types, 40 containers, 25 brands (${types}, ${containers}, ${brands})`);
  const [special] = await one(
    "SELECT avg(CASE WHEN o_comment LIKE '%special%requests%' THEN 1 ELSE 0 END) FROM orders");
  check(Number(special) > 0.005 && Number(special) < 0.03, `a small share of order comments match Q13's pattern (${special})`);
  const [nations] = await one(
    "SELECT string_agg(n_name || ':' || r_name, ',' ORDER BY n_nationkey) FROM nation JOIN region ON n_regionkey = r_regionkey WHERE n_nationkey IN (0, 8, 24)");
  check(nations === 'ALGERIA:AFRICA,INDIA:ASIA,UNITED STATES:AMERICA', `nation and region rows (${nations})`);
  const [phoneBad] = await one(
    "SELECT count(*) FROM customer WHERE substr(c_phone, 1, 2)::INT <> c_nationkey + 10 OR length(c_phone) <> 15");
  check(Number(phoneBad) === 0, 'phone country codes are nationkey + 10');

  // Determinism: another chunking, codec and thread count give the same rows.
  for (const t of ['lineitem', 'orders', 'partsupp', 'supplier', 'customer', 'part']) {
    const [diff] = await one(
      `SELECT count(*) FROM ((SELECT * FROM ${t} EXCEPT ALL SELECT * FROM b_${t}) UNION ALL (SELECT * FROM b_${t} EXCEPT ALL SELECT * FROM ${t}))`);
    check(Number(diff) === 0, `${t} is the same with 3 files per table`);
  }
  const [bfiles] = await one(`SELECT count(DISTINCT filename) FROM read_parquet('${b}/parquet/lineitem/*.parquet', filename = true)`);
  check(Number(bfiles) === 3, `--files-per-table 3 writes 3 lineitem files (${bfiles})`);

  // The Delta tables hold the same rows (DuckDB's delta extension may be unavailable offline:
  // read the data files the log names instead).
  const log = readFileSync(path.join(a, 'tables/lineitem/_delta_log/00000000000000000001.json'), 'utf8');
  const adds = log.split('\n').filter((l) => l.includes('"add"')).map((l) => JSON.parse(l).add.path);
  const list = adds.map((p) => `'${a}/tables/lineitem/${p}'`).join(', ');
  const [deltaRows] = await one(`SELECT count(*) FROM read_parquet([${list}])`);
  check(Number(deltaRows) === Number(lines), `the Delta table's files hold the lineitem rows (${deltaRows})`);
  check(log.includes('numRecords'), 'the Delta commit carries file statistics');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (failures > 0) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
