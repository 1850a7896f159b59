import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Received, startReceiver } from '../../../test/support/receiver.js';
import { tempAppStore } from '../../../test/support/server.js';
import { startSmtp } from '../../../test/support/smtp.js';
import type { AppStore } from '../../appstore/index.js';
import { Channels, dingTalkSign, feishuSign, verifyWebhook } from './index.js';

/**
 * The channels against real servers on 127.0.0.1: an SMTP server that keeps what it receives, and an HTTP receiver
 * standing in for the WeCom, DingTalk and Feishu robots and a chain's own system, answering as those services do.
 */
let store: AppStore;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let smtpPort: number;
let mails: Buffer[] = [];
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;
let received: Received[] = [];
/** Answers to give, first in first out, before the usual success. */
const failures: number[] = [];

beforeAll(async () => {
  store = await tempAppStore();
  smtp = await startSmtp();
  smtpPort = smtp.port;
  mails = smtp.mails;
  receiver = await startReceiver((call) => {
    const failure = failures.shift();
    if (failure) return { status: failure, body: 'busy' };
    // Each robot's success, as its documentation shows it.
    if (call.path.startsWith('/feishu'))
      return { status: 200, body: JSON.stringify({ code: 0, msg: 'success' }) };
    if (call.path.startsWith('/webhook')) return { status: 200, body: '{}' };
    return { status: 200, body: JSON.stringify({ errcode: 0, errmsg: 'ok' }) };
  });
  base = receiver.base;
  received = receiver.calls;
});
afterAll(async () => {
  await smtp.close();
  await receiver.close();
  await store.close();
});

const message = {
  title: '毛利率预警 · 华南',
  text: '毛利率 17.2%，低于 18%',
  link: 'https://bi.example.cn/explore',
};

describe('alert channels', () => {
  it('mails by SMTP with the picture attached, and never gives a channel’s secret back', async () => {
    const channels = await Channels.open(store);
    const mail = await channels.save(
      {
        name: '区域经理邮件',
        kind: 'email',
        settings: {
          host: '127.0.0.1',
          port: smtpPort,
          security: 'none',
          from: 'bi@example.cn',
          to: ['li@example.cn'],
        },
        secret: { password: 'not-used-here' },
      },
      'admin',
    );
    expect(mail.settings).toMatchObject({ host: '127.0.0.1', to: ['li@example.cn'] });
    expect(JSON.stringify(await channels.list())).not.toContain('not-used-here');
    const [raw] = await store.query<{ secret_sealed: string }>(
      'SELECT secret_sealed FROM alert_channel WHERE id = $1',
      [mail.id],
    );
    expect(raw?.secret_sealed).not.toContain('not-used-here');
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    expect(
      await channels.enqueue(mail.id, 'mail-1', { ...message, image: { name: 'dashboard.png', png } }),
    ).toBe(true);
    expect(await channels.deliverDue()).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
    const parsed = await simpleParser(mails.at(-1) as Buffer);
    expect(parsed.subject).toBe(message.title);
    expect(parsed.text).toContain('低于 18%');
    expect(parsed.attachments[0]?.filename).toBe('dashboard.png');
    expect((parsed.to as { text: string }).text).toBe('li@example.cn');
  });

  it('posts each robot the JSON and the signature its service documents', async () => {
    const channels = await Channels.open(store);
    const wecom = await channels.save(
      { name: '企微群', kind: 'wecom', settings: {}, secret: { url: `${base}/wecom?key=k1` } },
      'admin',
    );
    const ding = await channels.save(
      {
        name: '钉钉群',
        kind: 'dingtalk',
        settings: {},
        secret: { url: `${base}/dingtalk?access_token=t1`, secret: 'SECdemo' },
      },
      'admin',
    );
    const feishu = await channels.save(
      {
        name: '飞书群',
        kind: 'feishu',
        settings: {},
        secret: { url: `${base}/feishu/hook`, secret: 'fs-secret' },
      },
      'admin',
    );
    await channels.enqueue(wecom.id, 'robot-1', message);
    await channels.enqueue(ding.id, 'robot-2', message);
    await channels.enqueue(feishu.id, 'robot-3', message);
    expect((await channels.deliverDue()).sent).toBe(3);
    const by = (path: string) => received.find((r) => r.path.startsWith(path)) as Received;
    const w = JSON.parse(by('/wecom').body);
    expect(w).toEqual({
      msgtype: 'markdown',
      markdown: { content: expect.stringContaining(`**${message.title}**`) },
    });
    expect(by('/wecom').query.get('key')).toBe('k1');
    const d = by('/dingtalk');
    expect(JSON.parse(d.body)).toMatchObject({ msgtype: 'markdown', markdown: { title: message.title } });
    const timestamp = Number(d.query.get('timestamp'));
    expect(d.query.get('sign')).toBe(dingTalkSign('SECdemo', timestamp));
    expect(Math.abs(Date.now() - timestamp)).toBeLessThan(60_000);
    const f = JSON.parse(by('/feishu').body);
    expect(f).toMatchObject({ msg_type: 'text', content: { text: expect.stringContaining(message.title) } });
    expect(f.sign).toBe(feishuSign('fs-secret', Number(f.timestamp)));
  });

  it('signs the generic webhook so a receiver can check it, and refuses a stale or forged call', async () => {
    const channels = await Channels.open(store);
    const hook = await channels.save(
      {
        name: '门店系统',
        kind: 'webhook',
        settings: { url: `${base}/webhook/in` },
        secret: { secret: 'a-long-shared-secret' },
      },
      'admin',
    );
    await channels.enqueue(hook.id, 'hook-1', message);
    await channels.deliverDue();
    const call = received.findLast((r) => r.path === '/webhook/in') as Received;
    expect(JSON.parse(call.body)).toMatchObject({ title: message.title, id: expect.any(String) });
    expect(verifyWebhook('a-long-shared-secret', call.headers, call.body)).toBe(true);
    expect(verifyWebhook('another-secret-entirely', call.headers, call.body)).toBe(false);
    expect(verifyWebhook('a-long-shared-secret', call.headers, call.body.replace('预警', '正常'))).toBe(
      false,
    );
    const later = Number(call.headers['x-zhongtai-timestamp']) + 600;
    expect(verifyWebhook('a-long-shared-secret', call.headers, call.body, later)).toBe(false);
  });

  it('keeps a message a channel refused, retries it after its backoff, and a restart neither loses nor repeats it', async () => {
    const channels = await Channels.open(store);
    const hook = await channels.save(
      {
        name: '不稳定系统',
        kind: 'webhook',
        settings: { url: `${base}/webhook/flaky` },
        secret: { secret: 'a-long-shared-secret' },
      },
      'admin',
    );
    failures.push(500, 503);
    expect(await channels.enqueue(hook.id, 'flaky-1', message)).toBe(true);
    expect(await channels.enqueue(hook.id, 'flaky-1', message)).toBe(false);
    // The queue's clock is the application's (not the database's): due from when it was queued.
    const start = new Date();
    expect(await channels.deliverDue(start)).toMatchObject({ sent: 0, failed: 1 });
    // Not due again before its 30 s.
    expect(await channels.deliverDue(new Date(start.getTime() + 10_000))).toMatchObject({
      sent: 0,
      failed: 0,
    });
    expect(await channels.deliverDue(new Date(start.getTime() + 31_000))).toMatchObject({ failed: 1 });
    // A restarted server (a new opener of the same store) sends it when due, once.
    const restarted = await Channels.open(store);
    expect(await restarted.deliverDue(new Date(start.getTime() + 95_000))).toMatchObject({ sent: 1 });
    expect(await restarted.deliverDue(new Date(start.getTime() + 10_000_000))).toMatchObject({ sent: 0 });
    const log = (await restarted.deliveries()).find(
      (d) => d.title === message.title && d.channel === '不稳定系统',
    );
    expect(log).toMatchObject({ status: 'sent', attempts: 3 });
    expect(received.filter((r) => r.path === '/webhook/flaky')).toHaveLength(3);
  });

  it('keeps a robot within its rate: the rest wait for the next minute', async () => {
    const channels = await Channels.open(store);
    const robot = await channels.save(
      { name: '限流群', kind: 'wecom', settings: {}, secret: { url: `${base}/wecom/limited` }, perMinute: 2 },
      'admin',
    );
    for (const n of [1, 2, 3])
      await channels.enqueue(robot.id, `limited-${n}`, { ...message, title: `第 ${n} 条` });
    const now = new Date();
    expect((await channels.deliverDue(now)).sent).toBe(2);
    expect((await channels.deliverDue(new Date(now.getTime() + 1_000))).sent).toBe(0);
    expect((await channels.deliverDue(new Date(now.getTime() + 61_000))).sent).toBe(1);
  });
});
