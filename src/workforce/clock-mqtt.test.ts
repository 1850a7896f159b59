import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { tempAppStore } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import { WorkforceCenter } from './center.js';
import { punchOf, subscribeClocks } from './clock-mqtt.js';

/** Time clocks over the machine's Mosquitto (127.0.0.1:1883): a broker that is not there fails the test. */
let store: AppStore;
afterAll(async () => {
  await store?.close();
});

const prefix = `zhongtai-test-${process.pid}/clock`;
const publish = async (device: string, messages: (object | string)[]) => {
  const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  for (const m of messages)
    await client.publishAsync(`${prefix}/${device}`, typeof m === 'string' ? m : JSON.stringify(m), {
      qos: 1,
    });
  await client.endAsync();
};

describe('time clocks over MQTT', () => {
  it('keeps each punch once, also those sent while the server was away, and reports a message that is no punch', async () => {
    store = await tempAppStore();
    const center = await WorkforceCenter.open(store);
    const options = {
      url: 'mqtt://127.0.0.1:1883',
      topic: `${prefix}/#`,
      clientId: `zhongtai-clocks-${process.pid}`,
    };
    const problems: string[] = [];
    const first = await subscribeClocks(center, options, (e) => problems.push(e.message));
    const punch = { employee: '3001', at: '2026-11-17T07:58', kind: 'in' };
    await publish('door-1', [punch, punch, 'not json', { employee: '3001', at: 'yesterday' }]);
    await expect.poll(() => first.received()).toBe(2);
    await expect.poll(() => problems.length).toBe(2);
    expect(problems[0]).toContain('not JSON');
    expect(problems[1]).toContain('is not a local time');
    await first.stop();
    // Published while nobody listened: the persistent session holds it for the next subscriber of the same id.
    await publish('door-1', [{ employee: '3001', at: '2026-11-17 15:03', kind: 'out' }]);
    const second = await subscribeClocks(center, options);
    await expect.poll(() => second.received()).toBe(1);
    await second.stop();
    expect(await center.clockEvents(['3001'], '2026-11-17', '2026-11-17')).toEqual([
      { employee: '3001', at: '2026-11-17T07:58:00', kind: 'in' },
      { employee: '3001', at: '2026-11-17T15:03:00', kind: 'out' },
    ]);
  }, 30_000);

  it('reads the device from the topic unless the message names it', () => {
    expect(punchOf(Buffer.from('{"employee":7,"at":"2026-11-17T08:00"}'), 'x/clock/door-2')).toEqual({
      device: 'door-2',
      event: { employee: '7', at: '2026-11-17T08:00' },
    });
    expect(
      punchOf(Buffer.from('{"employee":"7","at":"2026-11-17T08:00","device":"gate","kind":"up"}'), 'x/y'),
    ).toEqual({
      problem: 'kind is not in or out',
    });
  });
});
