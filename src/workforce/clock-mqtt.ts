import type { ClockEvent } from './attendance.js';
import type { WorkforceCenter } from './center.js';

/**
 * Time clocks that publish each punch over MQTT (the way the people counters already send their counts): one JSON
 * object a message, `{"employee":"3001","at":"2026-11-17T07:58","kind":"in"}`, on `<prefix>/<device>`. Each is
 * written to the center and only then acknowledged (QoS 1, a persistent session): a crash before the write leaves
 * it with the broker, which delivers it again, and the center keeps a punch sent twice once.
 */
export interface ClockSubscription {
  /** Punches written so far (new or already kept). */
  readonly received: () => number;
  stop(): Promise<void>;
}

const AT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/;

/** A message as a punch, or why it cannot be one. */
export function punchOf(
  payload: Buffer,
  topic: string,
): { device: string; event: ClockEvent } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { problem: 'not JSON' };
  }
  const m = value as Record<string, unknown>;
  if (typeof m !== 'object' || m === null) return { problem: 'not a JSON object' };
  if (typeof m.employee !== 'string' && typeof m.employee !== 'number') return { problem: 'no employee' };
  if (typeof m.at !== 'string' || !AT.test(m.at) || Number.isNaN(Date.parse(`${m.at.replace(' ', 'T')}Z`)))
    return { problem: `at ${JSON.stringify(m.at)} is not a local time YYYY-MM-DDTHH:MM` };
  if (m.kind !== undefined && m.kind !== 'in' && m.kind !== 'out')
    return { problem: 'kind is not in or out' };
  const device = typeof m.device === 'string' && m.device ? m.device : (topic.split('/').at(-1) ?? topic);
  return {
    device,
    event: {
      employee: String(m.employee),
      at: m.at.replace(' ', 'T'),
      ...(m.kind ? { kind: m.kind as 'in' | 'out' } : {}),
    },
  };
}

export async function subscribeClocks(
  center: WorkforceCenter,
  options: { url: string; topic: string; clientId?: string },
  onError: (error: Error) => void = () => {},
): Promise<ClockSubscription> {
  const { default: mqtt } = await import('mqtt');
  const client = mqtt.connect(options.url, {
    clientId: options.clientId ?? 'zhongtai-clocks',
    clean: false,
    reconnectPeriod: 1000,
  });
  let received = 0;
  client.handleMessage = (packet, done) => {
    const punch = punchOf(packet.payload as Buffer, packet.topic);
    if ('problem' in punch) {
      // A message that can never be a punch is acknowledged (the broker would send it for ever) and reported.
      onError(
        new Error(
          `clock message on ${packet.topic} refused: ${punch.problem}: ${String(packet.payload).slice(0, 200)}`,
        ),
      );
      return done();
    }
    // Written, then acknowledged; a store that is down is tried again every 2 s, the broker holding the rest.
    const write = () =>
      center.recordClock(punch.device, [punch.event]).then(
        () => {
          received += 1;
          done();
        },
        (error: Error) => {
          onError(error);
          setTimeout(write, 2_000).unref();
        },
      );
    void write();
  };
  client.on('error', onError);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () =>
      client.subscribe(options.topic, { qos: 1 }, (error) => (error ? reject(error) : resolve())),
    );
    client.once('error', reject);
  });
  return {
    received: () => received,
    stop: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
