import type { FastifyError, FastifyInstance } from 'fastify';
import { type ErrorCode, isZhongtaiError } from '../model/index.js';

/** The one place error codes become HTTP statuses. */
const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNKNOWN_METRIC: 400,
  UNKNOWN_DIMENSION: 400,
  BAD_FILTER: 400,
  BAD_TIME_RANGE: 400,
  NOT_CUTTABLE: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  NOT_ENOUGH: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TOO_MANY_REQUESTS: 429,
  QUERY_LIMIT: 422,
  BUSY: 503,
  SCHEMA_TOO_NEW: 500,
  ENGINE: 500,
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (isZhongtaiError(error)) {
      return reply.status(STATUS[error.code]).send({ error: error.toJSON() });
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status === 429) {
      // The per-address rate limit (sign-in): said as what it is, with when to try again.
      const retry = reply.getHeader('retry-after');
      return reply.status(429).send({
        error: {
          code: 'TOO_MANY_REQUESTS',
          message: `Too many requests from this address; try again${retry ? ` in ${retry} s` : ' later'}`,
          messageZh: `该地址请求过于频繁，请${retry ? ` ${retry} 秒后` : '稍后'}再试`,
        },
      });
    }
    if (status < 500) {
      // Fastify's own request errors (bad JSON, body too large): their message names the problem.
      return reply.status(status).send({
        error: { code: 'BAD_REQUEST', message: error.message, messageZh: `请求无效：${error.message}` },
      });
    }
    // Never send engine text, SQL or a stack to the client; keep it in the server log.
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({
      error: {
        code: 'ENGINE',
        message: 'Internal error; see the server log',
        messageZh: '服务器内部错误，详见服务端日志',
      },
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `No route ${request.method} ${request.url}`,
        messageZh: `没有该接口 ${request.method} ${request.url}`,
      },
    }),
  );
}
