// DuckDB side of tpch_bench: a line protocol on stdin/stdout so the benchmark can interleave
// Tide and DuckDB runs of each TPC-H query (both see the same machine load).
//
//   node tpch_duckdb_peer.mjs <path to @duckdb/node-api/lib/index.js> <threads> <parquet dir>
//
// At start it creates one view per TPC-H table over <parquet dir>/<table>/*.parquet (the files
// `tide gen tpch` wrote) and answers "READY".
// Requests (one per line; SQL with newlines replaced by spaces):
//   QUERY <sql>  → "OK <wall seconds> <cpu seconds> <rows> <first row as a JSON array of strings>"
//   EXIT
// Errors answer "ERR <message>". Timing covers the statement and reading its whole result.
// CPU seconds are this process's user + system time during the statement (all threads).
import { createRequire } from 'node:module';
import readline from 'node:readline';

const [, , modulePath, threads = '1', parquetDir] = process.argv;
const require = createRequire(import.meta.url);
const duckdb = require(modulePath);

const instance = await duckdb.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(`SET threads=${Number(threads)}`);
const out = (line) => process.stdout.write(line + '\n');
const tables = ['nation', 'region', 'part', 'supplier', 'partsupp', 'customer', 'orders', 'lineitem'];
try {
  for (const t of tables) {
    const glob = `${parquetDir}/${t}/*.parquet`.replace(/'/g, "''");
    await conn.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${glob}')`);
  }
} catch (e) {
  out('ERR ' + String(e.message || e).replace(/\n/g, ' '));
  process.exit(1);
}
out('READY');

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  const sp = line.indexOf(' ');
  const cmd = sp < 0 ? line : line.slice(0, sp);
  const arg = sp < 0 ? '' : line.slice(sp + 1);
  try {
    if (cmd === 'EXIT') break;
    if (cmd === 'QUERY') {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const reader = await conn.runAndReadAll(arg);
      const rows = reader.getRowsJson();
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const c = process.cpuUsage(c0);
      const first = (rows[0] || []).map((v) => (v === null ? null : String(v)));
      out(`OK ${wall} ${(c.user + c.system) / 1e6} ${rows.length} ${JSON.stringify(first)}`);
    } else {
      out(`ERR unknown command ${cmd}`);
    }
  } catch (e) {
    out('ERR ' + String(e.message || e).replace(/\n/g, ' '));
  }
}
process.exit(0);
