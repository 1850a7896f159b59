import {
  type AuditAction,
  type AuditEntry,
  type AuditQuery,
  auditQuerySchema,
} from '../../contract/index.js';
import { parseInput } from '../../model/index.js';
import type { AppStore, Queryable } from '../store.js';
import { iso } from './time.js';

export { type AuditEntry, type AuditQuery, auditQuerySchema } from '../../contract/index.js';

export interface AuditEvent {
  actor?: string | null;
  action: AuditAction;
  target?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

/** Into the audit log; in a transaction (`Queryable`), the entry commits with what it records. */
export async function recordAudit(store: Queryable, event: AuditEvent): Promise<void> {
  await store.query('INSERT INTO audit_log (actor, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5)', [
    event.actor ?? null,
    event.action,
    event.target ?? null,
    JSON.stringify(event.detail ?? {}),
    event.ip ?? null,
  ]);
}

export async function listAudit(store: AppStore, input: AuditQuery = {}): Promise<AuditEntry[]> {
  const q = parseInput(auditQuerySchema, input);
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.actor) {
    params.push(q.actor);
    where.push(`actor = $${params.length}`);
  }
  if (q.action) {
    params.push(q.action, `${q.action}.%`);
    where.push(`(action = $${params.length - 1} OR action LIKE $${params.length})`);
  }
  if (q.since) {
    params.push(q.since);
    where.push(`at >= $${params.length}::timestamptz`);
  }
  params.push(q.limit);
  const rows = await store.query<{
    id: string | number;
    at: Date | string;
    actor: string | null;
    action: string;
    target: string | null;
    detail: Record<string, unknown>;
    ip: string | null;
  }>(
    `SELECT id, at, actor, action, target, detail, ip FROM audit_log
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: iso(r.at),
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: r.detail,
    ip: r.ip,
  }));
}
