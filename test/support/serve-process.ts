import { spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** `zhongtai serve` as a child process, for tests that kill it (kill -9) and start it again. */
export interface Served {
  port: number;
  ready: Promise<void>;
  exit: Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

export const bin = join(ROOT, 'bin', 'zhongtai.js');

/** A port nothing listens on now (the system's choice), so two servers of the suite do not meet on one. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Serves the warehouse `db` with `extra` options (an application store, a Redis), ready when it says so. */
export async function serve(db: string, extra: string[] = []): Promise<Served> {
  const port = await freePort();
  const args = [bin, 'serve', '--db', db, '--port', String(port), '--log-level', 'warn', ...extra];
  const child = spawn('node', args, { cwd: ROOT });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('is serving')) resolve();
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  const exit = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { port, ready, exit, kill: (signal) => child.kill(signal) };
}

/** A POST with a bearer token and an idempotency key; status 0 when the server died under it. */
export async function keyedCall(port: number, token: string, path: string, key: string, body: unknown) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  } catch {
    return { status: 0, body: null };
  }
}
