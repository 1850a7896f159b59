import { z } from 'zod';

/** Sign-in, users, roles, grants, tokens and the audit log, as the API takes them. */

/** What a role may do. Which rows it may read is a separate matter: its grants. */
export const PERMISSIONS = [
  'data.read',
  'data.export',
  'dashboards.edit',
  'forecast.run',
  'ingest.push',
  'settings.edit',
  'users.manage',
  'audit.read',
  /** The member center: look members up, and see their wallet and points. */
  'members.read',
  /** Register members and move their wallet and points (tills, mini-programs). */
  'members.write',
  /** See members' phone numbers in full (personal data); others see 138****1234. */
  'members.pii',
  /** Correct a wallet by hand, with a reason; above the chain's limit another holder approves. */
  'members.adjust',
  /** Price carts, check out and take returns at the promotion center (tills, mini-programs). */
  'promotions.sell',
  /** Create and change promotions, their budgets and limits (marketing). */
  'promotions.edit',
  /** Alert rules, their channels (with secrets) and subscriptions: who is told what, where. */
  'alerts.manage',
  /** Load and change targets (目标/预算). */
  'targets.edit',
  /** Make, edit and publish staff schedules of the granted stores (排班). */
  'workforce.plan',
  /** Send clock events (time clocks, 考勤机). */
  'workforce.clock',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a grant reaches: stores by id or code, a region, a format, or a supplier's products. */
export const GRANT_KINDS = ['store', 'region', 'format', 'supplier'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

export const grantSchema = z
  .object({ kind: z.enum(GRANT_KINDS), value: z.string().min(1).max(100) })
  .strict();
export type Grant = z.output<typeof grantSchema>;
export const grantsRequestSchema = z.object({ grants: z.array(grantSchema).min(1).max(1000) }).strict();

export const signInSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict();

export const passwordChangeSchema = z
  .object({
    current: z.string().min(1).max(256),
    next: z.string().min(1).max(256),
    /** Also revoke every API token of this user (a password thought leaked may have made them). */
    revokeTokens: z.boolean().default(false),
  })
  .strict();

export const usernameSchema = z
  .string()
  .regex(/^[\w.@-]{2,64}$/, 'letters, digits and . _ @ -, 2..64 characters');

export const userInputSchema = z
  .object({
    username: usernameSchema,
    displayName: z.string().min(1).max(80).optional(),
    role: z.string().min(1).max(32),
    /** Omitted: one is generated and returned once. */
    password: z.string().max(256).optional(),
  })
  .strict();

export const userChangeSchema = z
  .object({
    role: z.string().min(1).max(32).optional(),
    disabled: z.boolean().optional(),
    password: z.string().min(1).max(256).optional(),
    /** With a new password: revoke the user's API tokens too (default true, as a reset follows a leak). */
    revokeTokens: z.boolean().optional(),
  })
  .strict();

export const roleInputSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{1,31}$/, 'lower-case letters, digits and _, 2..32, starting with a letter'),
    label: z.string().min(1).max(60),
    permissions: z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length),
    allData: z.boolean().default(false),
  })
  .strict();

/**
 * An API token for a machine (a POS pushing sales, a report job): it acts as its user, never with more, and
 * can be limited to one ingest source.
 */
export const tokenInputSchema = z
  .object({
    username: z.string().min(1).max(64),
    name: z.string().min(1).max(80),
    /** Default: read data. */
    permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length).default(['data.read']),
    /** Only this ingest source may be pushed to. */
    source: z
      .string()
      .regex(/^[\w.-]{1,64}$/)
      .optional(),
    expiresInDays: z.number().int().min(1).max(3660).default(90),
  })
  .strict();
/** A token asked for over the API: for the caller unless an administrator names another user. */
export const tokenRequestSchema = tokenInputSchema.partial({ username: true });

/** What the audit log records: each a code tools filter on (by family: `login` matches login.ok …). */
export const AUDIT_ACTIONS = [
  'login.ok',
  'login.failed',
  'login.locked',
  'logout',
  'user.add',
  'user.password',
  'user.role',
  'user.grant',
  'user.revoke',
  'user.disable',
  'user.enable',
  'role.save',
  'token.create',
  'token.revoke',
  'embed.create',
  'export',
  'ingest.load',
  'dashboard.create',
  'dashboard.update',
  'dashboard.delete',
  'dashboard.restore',
  'settings.theme',
  'member.merge',
  'member.unmerge',
  'members.rules',
  'promotions.save',
  'coupons.template',
  'flash.save',
  'groups.save',
  'presales.save',
  'member.adjust',
  'member.adjust.decide',
  'alerts.channel',
  'alerts.rule',
  'alerts.subscription',
  'targets.edit',
  'roster.publish',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditQuerySchema = z
  .object({
    actor: z.string().max(64).optional(),
    /** An action or its family: `login` matches login.ok and login.failed. */
    action: z.string().max(64).optional(),
    since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(200),
  })
  .strict();

/** The signed-in person as /auth/me and sign-in answer: role, permissions and what rows they may read. */
export interface Me {
  username: string;
  displayName: string;
  role: string;
  permissions: Permission[];
  scope: { all: true } | { all: false; grants: Grant[] };
}

export interface Role {
  name: string;
  label: { zh: string; en: string };
  permissions: Permission[];
  /** Reads every store and supplier, whatever its grants; otherwise only what is granted. */
  allData: boolean;
  builtin: boolean;
}

/** An API token as listed: never its secret. */
export interface ApiToken {
  id: string;
  username: string;
  name: string;
  permissions: Permission[];
  source: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type UserInput = z.input<typeof userInputSchema>;
export type RoleInput = z.input<typeof roleInputSchema>;
export type TokenInput = z.input<typeof tokenInputSchema>;
export type AuditQuery = z.input<typeof auditQuerySchema>;
