import { createWriteStream, type WriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import type { FastifyRequest } from 'fastify';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Paths whose last part is a secret: an embed link's token. */
const SECRET_IN_PATH = /^(\/(?:api\/v1\/)?embed\/)[^/?#]+/;

/** A URL as the log may keep it: embed tokens cut, the query string dropped (filters can hold names). */
export const loggableUrl = (url: string) => url.split('?')[0]?.replace(SECRET_IN_PATH, '$1…') ?? '';

/**
 * The server's request and error log (Fastify's pino, JSON lines): each request with its method, path, status
 * and time, errors with their stack. Never a header that carries a secret, never a body.
 */
export function loggerOptions(level: boolean | LogLevel | undefined, stream?: NodeJS.WritableStream) {
  return {
    level: typeof level === 'string' ? level : 'info',
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-embed-token"]'],
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: loggableUrl(request.url),
        ip: request.ip,
      }),
    },
    ...(stream ? { stream } : {}),
  };
}

/**
 * A log file that logrotate can rotate: appended to, and reopened on SIGHUP (after the old one was moved),
 * so nothing is lost and nothing keeps writing into a moved file.
 */
export function reopenableLogFile(path: string): Writable {
  let file: WriteStream = createWriteStream(path, { flags: 'a' });
  process.on('SIGHUP', () => {
    const old = file;
    file = createWriteStream(path, { flags: 'a' });
    old.end();
  });
  return new Writable({
    write(chunk, _encoding, done) {
      file.write(chunk, done);
    },
  });
}
