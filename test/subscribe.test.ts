import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { connect as natsConnect, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles, listSources, loadSpec, subscribe } from '../src/ingest/index.js';
import { openWarehouse, type Warehouse } from '../src/warehouse/index.js';
import { storeMasterEntry, writeStoreMaster } from './support/store-master.js';

/**
 * People counters over MQTT and a POS ticket stream on NATS JetStream, on the brokers this machine runs
 * (127.0.0.1). Brokers deliver at least once; the spec's key makes each event load once.
 */
const dir = mkdtempSync(join(tmpdir(), 'zhongtai-subscribe-'));
const run = `${process.pid}`;
let engine: Warehouse;

const STORES = storeMasterEntry();

const spec = (name: string, text: string) => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, text);
  return loadSpec(path);
};

async function waitFor(check: () => Promise<boolean>, ms = 15_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for the condition');
}

const count = async (table: string) =>
  Number((await engine.query(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

beforeAll(async () => {
  engine = await openWarehouse({ path: join(dir, 'w.duckdb') });
  writeStoreMaster(dir, 2);
  await importFiles(engine, spec('stores', `source: stores\nfiles:\n${STORES}`), [join(dir, 'stores.csv')]);
});
afterAll(() => engine?.close());

describe('MQTT people counters', () => {
  const topic = `zt-${run}/stores/counter`;
  const counters = () =>
    spec(
      'counters',
      `source: counters-${run}
subscribe:
  from: mqtt
  url: mqtt://127.0.0.1:1883
  topic: zt-${run}/stores/+
  as: counters.jsonl
  batch: 50
  flushMs: 200
files:
  - match: counters.jsonl
    targets:
      - table: traffic
        columns:
          store_id: { from: device, map: { CAM-GZ-A: 1, CAM-SH-B: 2 } }
          date: { from: day }
          hour: { from: hour, type: int, min: 0, max: 23 }
          visitors_in: { from: count, type: int, min: 0 }
          source: { value: camera }
`,
    );
  const publish = async (messages: object[]) => {
    const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
    for (const m of messages) await client.publishAsync(topic, JSON.stringify(m), { qos: 1 });
    await client.endAsync();
  };

  it('loads each count once, device codes mapped to stores, even when the broker repeats a message', async () => {
    const sub = await subscribe(engine, counters());
    const reading = { device: 'CAM-GZ-A', day: '2026-11-20', hour: 10, count: 42 };
    await publish([reading, { device: 'CAM-SH-B', day: '2026-11-20', hour: 10, count: 17 }, reading]);
    await waitFor(async () => sub.loaded() >= 3);
    expect(await engine.query('SELECT store_id, visitors_in FROM traffic ORDER BY store_id')).toEqual([
      { store_id: 1, visitors_in: 42 },
      { store_id: 2, visitors_in: 17 },
    ]);
    await sub.stop();
  });

  it('receives what was published while it was away (persistent session)', async () => {
    await publish([{ device: 'CAM-GZ-A', day: '2026-11-20', hour: 11, count: 5 }]);
    const sub = await subscribe(engine, counters());
    await waitFor(async () => (await count('traffic')) === 3);
    await sub.stop();
    const [state] = (await listSources(engine)).filter((s) => s.source === `counters-${run}`);
    expect(state).toMatchObject({ kind: 'mqtt', last_error: null });
  });
});

describe('NATS JetStream POS tickets', () => {
  const stream = `ZT_POS_${run}`;
  const subject = `zt.${run}.pos.tickets`;
  const tickets = () =>
    spec(
      'tickets',
      `source: pos-stream-${run}
subscribe:
  from: nats
  url: nats://127.0.0.1:4222
  topic: ${subject}
  stream: ${stream}
  as: tickets.jsonl
  batch: 100
  flushMs: 300
files:
  - match: tickets.jsonl
    targets:
      - table: orders
        columns:
          order_id: { from: ticket, type: int }
          ts: { from: ts }
          date: { from: day }
          store_id: { from: shop, type: int, references: store }
          channel: { value: pos }
          status: { value: completed }
          net: { from: net, min: 0 }
          items: { from: items, type: int, min: 0 }
`,
    );

  beforeAll(async () => {
    const nc = await natsConnect({ servers: '127.0.0.1:4222' });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [subject] });
    await nc.close();
  });
  afterAll(async () => {
    const nc = await natsConnect({ servers: '127.0.0.1:4222' });
    await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  it('turns at-least-once delivery into exactly-once loading', async () => {
    const nc = await natsConnect({ servers: '127.0.0.1:4222' });
    const js = nc.jetstream();
    const sc = StringCodec();
    const ticket = (n: number) => ({
      ticket: 900_000 + n,
      ts: '2026-11-20 10:15:00',
      day: '2026-11-20',
      shop: 1 + (n % 2),
      net: 10 * n,
      items: 1,
    });
    for (const t of [ticket(1), ticket(2), ticket(3), ticket(2)])
      await js.publish(subject, sc.encode(JSON.stringify(t)));
    const sub = await subscribe(engine, tickets());
    await waitFor(async () => sub.loaded() >= 4);
    expect(await engine.query('SELECT count(*) AS n, sum(net) AS net FROM orders')).toEqual([
      { n: 3, net: 60 },
    ]);
    await sub.stop();
    // Published while no one listened: the durable consumer hands it over on the next start.
    await js.publish(subject, sc.encode(JSON.stringify(ticket(4))));
    await nc.close();
    const again = await subscribe(engine, tickets());
    await waitFor(async () => (await count('orders')) === 4);
    await again.stop();
  });
});
