// Starts and stops a real `tide server` for the JavaScript integration tests.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TIDE_BIN = process.env.TIDE_BIN ?? 'build/release/bin/tide';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export class TideServer {
  constructor() {
    this.dataDir = mkdtempSync(join(tmpdir(), 'tide-it-js-'));
    this.logPath = join(this.dataDir, 'server.log');
  }

  get bootstrap() { return `127.0.0.1:${this.kafkaPort}`; }

  async start() {
    this.kafkaPort = await freePort();
    this.httpPort = await freePort();
    const log = openSync(this.logPath, 'a');
    this.proc = spawn(TIDE_BIN, ['server', '--data-dir', join(this.dataDir, 'data'),
      '--kafka-listen', this.bootstrap, '--http-listen', `127.0.0.1:${this.httpPort}`,
      '--log-format', 'json', '--set', 'kafka.group.initial.rebalance.delay.ms=0'],
    { stdio: ['ignore', log, log] });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 200; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${this.httpPort}/healthz`);
        if (res.ok) return this;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`tide server did not start:\n${this.tail()}`);
  }

  async stop() {
    this.proc.kill('SIGTERM');
    return this.exited;
  }

  tail() {
    try { return readFileSync(this.logPath, 'utf8').split('\n').slice(-40).join('\n'); } catch { return ''; }
  }

  cleanup() {
    if (this.proc && this.proc.exitCode === null) this.proc.kill('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  tide(...args) {
    return execFileSync(TIDE_BIN, [...args, '-b', this.bootstrap], { encoding: 'utf8' });
  }
}
