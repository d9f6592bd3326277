// DuckDB side of parquet_duckdb_bench: a line protocol on stdin/stdout so the benchmark can
// interleave Tide and DuckDB runs (both see the same machine load).
//
//   node parquet_duckdb_peer.mjs <path to @duckdb/node-api/lib/index.js> <threads>
//
// Requests (one per line):   RUN <sql>      → "OK <wall seconds> <cpu seconds>"
//                            QUERY <sql>    → "ROW <first row as a JSON array of strings>"
//                            EXIT
// Errors answer "ERR <message>". Timing covers only the statement (connection set up before).
// CPU seconds are this process's user + system time during the statement (all threads).
import { createRequire } from 'node:module';
import readline from 'node:readline';

const [, , modulePath, threads = '1'] = process.argv;
const require = createRequire(import.meta.url);
const duckdb = require(modulePath);

const instance = await duckdb.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(`SET threads=${Number(threads)}`);
await conn.run('SET preserve_insertion_order=true');

const out = (line) => process.stdout.write(line + '\n');
out('READY');

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  const sp = line.indexOf(' ');
  const cmd = sp < 0 ? line : line.slice(0, sp);
  const arg = sp < 0 ? '' : line.slice(sp + 1);
  try {
    if (cmd === 'EXIT') break;
    if (cmd === 'RUN') {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await conn.run(arg);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const c = process.cpuUsage(c0);
      out(`OK ${wall} ${(c.user + c.system) / 1e6}`);
    } else if (cmd === 'QUERY') {
      const reader = await conn.runAndReadAll(arg);
      const rows = reader.getRows();
      out('ROW ' + JSON.stringify((rows[0] || []).map((v) => (v === null ? null : String(v)))));
    } else {
      out(`ERR unknown command ${cmd}`);
    }
  } catch (e) {
    out('ERR ' + String(e.message || e).replace(/\n/g, ' '));
  }
}
process.exit(0);
