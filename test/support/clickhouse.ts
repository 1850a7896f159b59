import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLICKHOUSE_BINARY = '/usr/sbin/clickhouse-server';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

export interface ClickHouseServer {
  url: string;
  tcpPort: number;
  stop(): Promise<void>;
}

/**
 * A ClickHouse server of our own on 127.0.0.1 (Debian's clickhouse-server, a plain process with its config in
 * a temporary folder), stopped by the test. Missing binary: a loud failure, never a skip.
 * `remoteServers` adds a `<remote_servers>` section (a cluster of shards for Distributed tables).
 */
export async function startClickHouse(
  remoteServers = '',
  ports?: { http: number; tcp: number },
): Promise<ClickHouseServer> {
  if (!existsSync(CLICKHOUSE_BINARY))
    throw new Error(`${CLICKHOUSE_BINARY} is missing: apt-get install clickhouse-server (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'zhongtai-clickhouse-'));
  for (const sub of ['data', 'tmp', 'user_files']) mkdirSync(join(dir, sub));
  const [httpPort, tcpPort] = ports ? [ports.http, ports.tcp] : [await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'users.xml'),
    `<yandex>
  <profiles><default><max_memory_usage>8000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>`,
  );
  writeFileSync(
    join(dir, 'config.xml'),
    `<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <timezone>UTC</timezone>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  ${remoteServers}
</yandex>`,
  );
  const child: ChildProcess = spawn(CLICKHOUSE_BINARY, [`--config-file=${join(dir, 'config.xml')}`], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${httpPort}`;
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${url}/ping`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null)
      throw new Error(`clickhouse-server exited with ${child.exitCode}; see ${dir}`);
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`clickhouse-server did not answer within 30 s; see ${dir}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    tcpPort,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

/** Two (or more) servers that know each other as the shards of cluster `zhongtai`. */
export async function startShards(count: number): Promise<ClickHouseServer[]> {
  const ports: { http: number; tcp: number }[] = [];
  for (let i = 0; i < count; i++) ports.push({ http: await freePort(), tcp: await freePort() });
  const shards = ports
    .map((p) => `<shard><replica><host>127.0.0.1</host><port>${p.tcp}</port></replica></shard>`)
    .join('');
  const remote = `<remote_servers><zhongtai>${shards}</zhongtai></remote_servers>`;
  return Promise.all(ports.map((p) => startClickHouse(remote, p)));
}
