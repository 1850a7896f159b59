import type { FastifyRequest } from 'fastify';
import type { MemberActor } from '../members/index.js';
import { resolveScope } from '../metrics/index.js';
import type { Engine } from '../warehouse/index.js';
import { callerOf, clientIp, scopeOf } from './auth.js';

/**
 * Who calls a business center, as the centers take it: whose idempotency keys these are, the stores the caller
 * may act for (a till's token: its store; grants by region or format reach the stores the warehouse's store
 * table puts there), and whether it sees phone numbers in full.
 */
export const actorOfRequest =
  (engine: Engine | undefined) =>
  async (request: FastifyRequest): Promise<MemberActor> => {
    const caller = callerOf(request);
    const scope = scopeOf(request);
    const stores = scope.all
      ? null
      : engine
        ? new Set((await resolveScope(engine, scope)).storeIds ?? [])
        : new Set(scope.grants.filter((g) => g.kind === 'store').map((g) => Number(g.value)));
    return {
      id: `user:${caller.userId}`,
      stores,
      pii: caller.permissions.has('members.pii'),
      username: caller.username,
      ip: clientIp(request),
    };
  };
