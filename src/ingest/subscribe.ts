import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZhongtaiError } from '../model/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { importFiles } from './load.js';
import { recordSourceState } from './source-state.js';
import { type Spec, type SubscribeSpec, sectionOf } from './spec.js';

/** A message as it arrived, and how to tell the broker it is safely loaded. */
interface Delivery {
  record: Record<string, unknown>;
  ack: () => void;
}

export interface Subscription {
  /** Messages loaded (and acknowledged) so far. */
  readonly loaded: () => number;
  stop(): Promise<void>;
}

/**
 * Collects deliveries into batches (by count or time), loads each through the spec in one transaction and
 * only then acknowledges its messages: a crash before the commit leaves them with the broker, which
 * delivers them again, and the spec's key turns those redeliveries into no change.
 */
class Batcher {
  private pending: Delivery[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private dir = mkdtempSync(join(tmpdir(), 'zhongtai-subscribe-'));
  count = 0;

  constructor(
    private readonly engine: Warehouse,
    private readonly spec: Spec,
    private readonly config: SubscribeSpec,
    private readonly onError: (error: unknown) => void,
  ) {}

  add(delivery: Delivery) {
    this.pending.push(delivery);
    if (this.pending.length >= this.config.batch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.config.flushMs);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      const file = join(this.dir, this.config.as);
      writeFileSync(file, `${batch.map((d) => JSON.stringify(d.record)).join('\n')}\n`);
      try {
        await importFiles(this.engine, this.spec, [file], {
          recordAs: `subscribe:${this.config.from}:${this.config.topic}`,
          withinLoad: () =>
            recordSourceState(this.engine, this.spec.source, this.config.from, { rows: batch.length }),
        });
        for (const delivery of batch) delivery.ack();
        this.count += batch.length;
      } catch (error) {
        // Not acknowledged: the broker keeps the messages for the next delivery.
        await recordSourceState(this.engine, this.spec.source, this.config.from, {
          error: error instanceof Error ? error.message : String(error),
        }).catch(() => undefined);
        this.onError(error);
      }
    });
    return this.flushing;
  }

  async close() {
    await this.flush();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const parse = (payload: Uint8Array): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

/** MQTT (people counters, cameras): QoS 1 in a persistent session; PUBACK only after the load commits. */
async function subscribeMqtt(
  config: SubscribeSpec,
  source: string,
  batcher: Batcher,
  onError: (e: unknown) => void,
): Promise<() => Promise<void>> {
  // Each client loads when its source is subscribed, not with every command.
  const { default: mqtt } = await import('mqtt');
  const client = mqtt.connect(config.url, {
    clientId: `zhongtai-${source}`,
    clean: false,
    reconnectPeriod: 1000,
  });
  client.handleMessage = (packet, done) => {
    const record = parse(packet.payload as Buffer);
    // A message that is not a JSON object can never load: acknowledge it, and say so.
    if (!record) {
      onError(new Error(`${source}: a message on ${packet.topic} is not a JSON object; dropped`));
      return done();
    }
    batcher.add({ record: { ...record, _topic: packet.topic }, ack: () => done() });
  };
  client.on('error', onError);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () =>
      client.subscribe(config.topic, { qos: 1 }, (error) => (error ? reject(error) : resolve())),
    );
    client.once('error', reject);
  });
  return () => new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
}

/** NATS JetStream (POS event streams): a durable consumer with explicit acks, sent after the load commits. */
async function subscribeNats(
  config: SubscribeSpec,
  source: string,
  batcher: Batcher,
  onError: (e: unknown) => void,
): Promise<() => Promise<void>> {
  if (!config.stream)
    throw new ZhongtaiError('BAD_REQUEST', {
      en: 'subscribe.stream is needed for nats',
      zh: 'nats 订阅需要 subscribe.stream',
    });
  const { AckPolicy, connect: natsConnect } = await import('nats');
  const nc = await natsConnect({ servers: config.url.replace(/^nats:\/\//, '') });
  const durable = config.durable ?? `zhongtai-${source}`;
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.info(config.stream, durable).catch(() =>
    jsm.consumers.add(config.stream as string, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: config.topic,
    }),
  );
  const consumer = await nc.jetstream().consumers.get(config.stream, durable);
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const messages = await consumer.fetch({
          max_messages: config.batch,
          expires: Math.max(1000, config.flushMs),
        });
        for await (const m of messages) {
          const record = parse(m.data);
          if (!record) {
            onError(new Error(`${source}: a message on ${m.subject} is not a JSON object; dropped`));
            m.term();
            continue;
          }
          batcher.add({ record: { ...record, _subject: m.subject }, ack: () => m.ack() });
        }
        await batcher.flush();
      } catch (error) {
        if (running) onError(error);
      }
    }
  })();
  return async () => {
    running = false;
    await loop;
    await batcher.flush();
    await nc.drain();
  };
}

/** Subscribes a source to its stream; loads run until `stop()`. */
export async function subscribe(
  engine: Warehouse,
  spec: Spec,
  onError: (error: unknown) => void = () => {},
): Promise<Subscription> {
  const config = sectionOf(spec, 'subscribe');
  const batcher = new Batcher(engine, spec, config, onError);
  const close =
    config.from === 'mqtt'
      ? await subscribeMqtt(config, spec.source, batcher, onError)
      : await subscribeNats(config, spec.source, batcher, onError);
  return {
    loaded: () => batcher.count,
    async stop() {
      await close();
      await batcher.close();
    },
  };
}
