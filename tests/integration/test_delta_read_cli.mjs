// `tide table cat|describe|history|files|check` on copies of golden Delta tables: output
// shapes, exit codes (0 ok, 1 error with one line on stderr, 2 usage) and `check` finding
// missing files, wrong sizes and damaged deletion vectors.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tideBin = process.env.TIDE_BIN;
const sourceDir = process.env.TIDE_SOURCE_DIR || path.resolve(here, '../..');
const goldenDir = path.resolve(sourceDir, '../shared/testdata/delta-golden');
if (!tideBin) { console.log('SKIP: TIDE_BIN is not set'); process.exit(0); }
if (spawnSync(tideBin, ['table', 'check', '--help']).status !== 0) { console.log('SKIP: `tide table check` is not available'); process.exit(0); }

const run = (...args) => {
  const r = spawnSync(tideBin, args, { encoding: 'utf8' });
  return { status: r.status, out: r.stdout || '', err: (r.stderr || '').trim() };
};
const lines = (s) => s.split('\n').filter((l) => l.length);
let failures = 0;
function check(name, ok, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `: ${detail}`}`);
  if (!ok) failures++;
}
function copy(name, tmp) {
  const dst = path.join(tmp, name);
  cpSync(path.join(goldenDir, name), dst, { recursive: true });
  const fix = (d) => { chmodSync(d, 0o755); for (const n of readdirSync(d)) { const p = path.join(d, n); if (statSync(p).isDirectory()) fix(p); else chmodSync(p, 0o644); } };
  fix(dst);
  return dst;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tide-read-cli-'));
try {
  // cat: projection order, limit, filters.
  const t = copy('basic-with-inserts-updates', tmp);
  let r = run('table', 'cat', t, '--columns', 'str,id', '--limit', '3');
  check('cat --columns --limit', r.status === 0 && lines(r.out).length === 3 && /^\{"str":.*,"id":\d+\}$/.test(lines(r.out)[0]), r.out + r.err);
  r = run('table', 'cat', t, '--where', 'id < 10', '--where', 'id >= 5');
  const ids = lines(r.out).map((l) => JSON.parse(l).id).sort((a, b) => a - b);
  check('cat --where (AND)', r.status === 0 && JSON.stringify(ids) === '[5,6,7,8,9]', r.out + r.err);
  r = run('table', 'cat', t, '--version', '0', '--where', 'id IS NULL');
  check('cat --where IS NULL at version 0', r.status === 0 && lines(r.out).length === 0, r.out + r.err);

  // describe / history / files.
  r = run('table', 'describe', copy('dv-with-columnmapping', tmp));
  check('describe text', r.status === 0 && r.out.includes('Reader features: deletionVectors, columnMapping') &&
        r.out.includes('Partitioned by:  part') && r.out.includes('Column mapping:  name'), r.out + r.err);
  r = run('table', 'describe', '--json', t);
  const d = JSON.parse(r.out);
  check('describe --json', r.status === 0 && d.version === 1 && d.numFiles > 0 && d.protocol.minReaderVersion === 1, r.out);
  r = run('table', 'history', t, '--limit', '1');
  const h = lines(r.out).map((l) => JSON.parse(l));
  check('history --limit', r.status === 0 && h.length === 1 && h[0].version === 1 && typeof h[0].timestamp === 'string' &&
        typeof h[0].operation === 'string', r.out + r.err);
  r = run('table', 'files', t);
  const files = lines(r.out).map((l) => JSON.parse(l));
  check('files', r.status === 0 && files.length === d.numFiles && files.every((f) => f.size > 0 && 'partitionValues' in f), r.out);

  // check: healthy, then a missing file and a wrong size.
  r = run('table', 'check', t);
  check('check ok', r.status === 0 && /^ok: version 1, \d+ files/.test(r.out), r.out + r.err);
  unlinkSync(files[0].localPath);
  truncateSync(files[1].localPath, 10);
  r = run('table', 'check', t);
  check('check finds problems', r.status === 1 && r.out.includes('missing') && r.out.includes('size 10 bytes') &&
        lines(r.err).length === 1 && /2 problem\(s\)/.test(r.err), `${r.status} ${r.out} ${r.err}`);
  r = run('table', 'cat', t);
  check('cat of a table with a missing file', r.status === 1 && lines(r.err).length === 1 && /does not exist/.test(r.err), r.err);

  // A damaged deletion vector: check reports it, cat refuses with the file named.
  const dvt = copy('log-replay-dv-key-cases', tmp);
  // The table's history left three DV files; damage every one's CRC.
  const dvFiles = readdirSync(dvt).filter((n) => n.startsWith('deletion_vector_'));
  for (const f of dvFiles) {
    const bytes = readFileSync(path.join(dvt, f));
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(path.join(dvt, f), bytes);
  }
  const dvFile = 'deletion_vector_';
  r = run('table', 'check', dvt);
  check('check finds a damaged DV', r.status === 1 && /deletion vector: .*CRC mismatch/.test(r.out), r.out + r.err);
  r = run('table', 'cat', dvt);
  check('cat refuses a damaged DV', r.status === 1 && r.err.includes(dvFile) && /CRC mismatch/.test(r.err), r.err);

  // Errors and usage.
  r = run('table', 'cat', path.join(tmp, 'nothing-here'));
  check('not a table: exit 1', r.status === 1 && /not a Delta table/.test(r.err) && lines(r.err).length === 1, r.err);
  r = run('table', 'cat', t, '--version', '99');
  check('missing version: exit 1', r.status === 1 && /version 99 .* does not exist/.test(r.err), r.err);
  r = run('table', 'cat');
  check('no path: exit 2', r.status === 2, `${r.status} ${r.err}`);
  r = run('table', 'cat', t, '--where', 'id ~ 3');
  check('bad filter: exit 2', r.status === 2 && /expected an operator/.test(r.err), `${r.status} ${r.err}`);
  r = run('table', 'cat', t, '--where', 'nope = 3');
  check('unknown filter column: exit 2', r.status === 2 && /unknown column 'nope'/.test(r.err), `${r.status} ${r.err}`);
  r = run('table', 'cat', t, '--version', '0', '--timestamp', '2024-01-01');
  check('--version with --timestamp: exit 2', r.status === 2, `${r.status} ${r.err}`);
  r = run('table', 'cat', t, '--timestamp', 'yesterday');
  check('bad --timestamp: exit 2', r.status === 2 && /--timestamp/.test(r.err), `${r.status} ${r.err}`);
  r = run('table', 'cat', path.join(goldenDir, 'spark-variant-checkpoint'));
  check('unsupported feature named', r.status === 1 && /reader feature 'variantType-preview'/.test(r.err), r.err);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);
