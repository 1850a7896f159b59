import { createHmac, timingSafeEqual } from 'node:crypto';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { AlertChannelKind } from '../../contract/index.js';

/**
 * How each kind of channel is reached and what it is sent, as the services document it: email over SMTP; the
 * WeCom (企业微信) group robot; the DingTalk (钉钉) robot, signed with its secret and a timestamp; the Feishu (飞书)
 * bot, signed likewise; and a generic webhook signed with HMAC-SHA256 over the timestamp and the body. A send
 * that the service refuses throws with the service's own answer.
 */
export interface Message {
  title: string;
  /** Plain text, lines separated by \n (Markdown-friendly for the robots). */
  text: string;
  link?: string;
  /** A PNG (a dashboard's picture), base64: attached to mail, linked elsewhere. */
  image?: { name: string; png: string };
}

const url = z.string().url().max(2000);
/** Each of the contract's channel kinds with what it needs (a kind added on one side only does not compile). */
export const CHANNEL_SETTINGS = {
  email: z
    .object({
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65535).default(587),
      security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
      user: z.string().max(255).optional(),
      from: z.string().min(3).max(255),
      to: z.array(z.string().email()).min(1).max(100),
    })
    .strict(),
  wecom: z.object({}).strict(),
  dingtalk: z.object({}).strict(),
  feishu: z.object({}).strict(),
  webhook: z.object({ url }).strict(),
} as const satisfies Record<AlertChannelKind, z.ZodType>;
export const CHANNEL_SECRETS = {
  email: z.object({ password: z.string().max(500).optional() }).strict(),
  wecom: z.object({ url }).strict(),
  dingtalk: z.object({ url, secret: z.string().max(500).optional() }).strict(),
  feishu: z.object({ url, secret: z.string().max(500).optional() }).strict(),
  webhook: z.object({ secret: z.string().min(16).max(500) }).strict(),
} as const;
export type ChannelKind = AlertChannelKind;
export const CHANNEL_KINDS = Object.keys(CHANNEL_SETTINGS) as ChannelKind[];

const TIMEOUT_MS = 10_000;

async function postJson(to: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const text = JSON.stringify(body);
  const response = await fetch(to, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: text,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const answer = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${answer.slice(0, 300)}`);
  try {
    return JSON.parse(answer) as unknown;
  } catch {
    return answer;
  }
}

/** The robots answer 200 with an error code inside: 0 is the only success. */
function robotAnswer(answer: unknown, field: 'errcode' | 'code'): void {
  const code =
    (answer as Record<string, unknown> | null)?.[field] ??
    (answer as Record<string, unknown> | null)?.StatusCode;
  if (code !== 0) throw new Error(`refused: ${JSON.stringify(answer).slice(0, 300)}`);
}

const withLink = (m: Message) => (m.link ? `${m.text}\n\n[${m.link}](${m.link})` : m.text);

/** DingTalk's documented signature: base64(HMAC-SHA256(secret, "timestamp\nsecret")), URL-encoded. */
export const dingTalkSign = (secret: string, timestamp: number) =>
  createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');

/** Feishu's documented signature: base64(HMAC-SHA256 keyed by "timestamp\nsecret" over nothing). */
export const feishuSign = (secret: string, timestamp: number) =>
  createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');

/** The generic webhook's signature: hex HMAC-SHA256(secret, "timestamp.body"). */
export const webhookSign = (secret: string, timestamp: number, body: string) =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/**
 * For a receiving system: whether a webhook call is ours, fresh (within `windowSeconds` of its timestamp, so a
 * captured call cannot be replayed later) and unaltered.
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  windowSeconds = 300,
): boolean {
  const timestamp = Number(headers['x-zhongtai-timestamp']);
  const signature = String(headers['x-zhongtai-signature'] ?? '');
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > windowSeconds) return false;
  const expected = Buffer.from(webhookSign(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function sendBy(
  kind: ChannelKind,
  settings: Record<string, unknown>,
  secret: Record<string, unknown>,
  message: Message,
  deliveryId: string,
  now = new Date(),
): Promise<void> {
  switch (kind) {
    case 'email': {
      const s = CHANNEL_SETTINGS.email.parse(settings);
      const password = CHANNEL_SECRETS.email.parse(secret).password;
      const transport = nodemailer.createTransport({
        host: s.host,
        port: s.port,
        secure: s.security === 'tls',
        requireTLS: s.security === 'starttls',
        ignoreTLS: s.security === 'none',
        ...(s.user ? { auth: { user: s.user, pass: password ?? '' } } : {}),
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
      });
      await transport.sendMail({
        from: s.from,
        to: s.to,
        subject: message.title,
        text: withLink(message),
        headers: { 'X-Zhongtai-Delivery': deliveryId },
        ...(message.image
          ? {
              attachments: [
                { filename: message.image.name, content: Buffer.from(message.image.png, 'base64') },
              ],
            }
          : {}),
      });
      return;
    }
    case 'wecom': {
      const { url: to } = CHANNEL_SECRETS.wecom.parse(secret);
      const answer = await postJson(to, {
        msgtype: 'markdown',
        markdown: { content: `**${message.title}**\n${withLink(message)}` },
      });
      return robotAnswer(answer, 'errcode');
    }
    case 'dingtalk': {
      const s = CHANNEL_SECRETS.dingtalk.parse(secret);
      const timestamp = now.getTime();
      const signed = s.secret
        ? `${s.url}${s.url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${encodeURIComponent(dingTalkSign(s.secret, timestamp))}`
        : s.url;
      const answer = await postJson(signed, {
        msgtype: 'markdown',
        markdown: { title: message.title, text: `### ${message.title}\n${withLink(message)}` },
      });
      return robotAnswer(answer, 'errcode');
    }
    case 'feishu': {
      const s = CHANNEL_SECRETS.feishu.parse(secret);
      const timestamp = Math.floor(now.getTime() / 1000);
      const answer = await postJson(s.url, {
        ...(s.secret ? { timestamp: String(timestamp), sign: feishuSign(s.secret, timestamp) } : {}),
        msg_type: 'text',
        content: { text: `${message.title}\n${message.text}${message.link ? `\n${message.link}` : ''}` },
      });
      return robotAnswer(answer, 'code');
    }
    case 'webhook': {
      const { url: to } = CHANNEL_SETTINGS.webhook.parse(settings);
      const { secret: key } = CHANNEL_SECRETS.webhook.parse(secret);
      const timestamp = Math.floor(now.getTime() / 1000);
      const body = JSON.stringify({ id: deliveryId, ...message, sentAt: now.toISOString() });
      const response = await fetch(to, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-zhongtai-delivery': deliveryId,
          'x-zhongtai-timestamp': String(timestamp),
          'x-zhongtai-signature': webhookSign(key, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
      return;
    }
  }
}
