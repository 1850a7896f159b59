import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { ZhongtaiError } from '../model/index.js';

export const MAX_JSON_DEPTH = 32;

/** How deep a JSON text nests, read without parsing it (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

/** JSON bodies nested deeper than any real request are refused before parsing (no stack, no CPU spent). */
export function installJsonDepthLimit(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(
        new ZhongtaiError('BAD_REQUEST', {
          en: `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`,
          zh: `JSON 请求体嵌套超过 ${MAX_JSON_DEPTH} 层`,
        }),
        undefined,
      );
      return;
    }
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      // Keys that would reach an object's prototype are dropped, as Fastify's own parser does.
      parsed = JSON.parse(text, (key, value) =>
        key === '__proto__' || key === 'constructor' ? undefined : value,
      );
    } catch (error) {
      done(
        new ZhongtaiError('BAD_REQUEST', {
          en: `The body is not valid JSON: ${(error as Error).message}`,
          zh: `请求体不是合法的 JSON：${(error as Error).message}`,
        }),
        undefined,
      );
      return;
    }
    const nul = nulPath(parsed, '');
    if (nul !== undefined) return done(nulRefused(nul || 'body'), undefined);
    done(null, parsed);
  });
  // Query strings and path parameters too (`?actor=%00`): PostgreSQL text cannot hold a NUL.
  app.addHook('preValidation', async (request) => {
    const nul = nulPath(request.query, 'query') ?? nulPath(request.params, 'path');
    if (nul !== undefined) throw nulRefused(nul);
  });
}

/** Where in a value a string holds a NUL character (as `a.b[2]`), if anywhere. */
export function nulPath(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? at : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\0')) return at;
    const found = nulPath(inner, Array.isArray(value) ? `${at}[${key}]` : at ? `${at}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

const nulRefused = (field: string) =>
  new ZhongtaiError(
    'BAD_REQUEST',
    {
      en: `${field}: text may not contain NUL characters (\\u0000)`,
      zh: `${field}：文本中不能含有 NUL 字符（\\u0000）`,
    },
    { field },
  );

/**
 * Helmet's headers with a content security policy the web app lives within (its own scripts, inline styles
 * for charts, data: images for the logo). /embed/ pages may be framed by the origins given; nothing else may.
 */
export async function installSecurityHeaders(app: FastifyInstance, embedOrigins: string[]): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // The web app loads nothing from other origins; these would only get in the way of embedding.
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/embed/')) return;
    reply.removeHeader('x-frame-options');
    const csp = String(reply.getHeader('content-security-policy') ?? '');
    reply.header(
      'content-security-policy',
      csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${embedOrigins.join(' ')}`),
    );
  });
}
