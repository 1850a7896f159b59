/** The web app reads only the public API; its answers are typed by the contract the server writes them by. */
import type { z } from 'zod';
import type {
  Adjustment,
  AlertEvent,
  AlertPreviewRow,
  AlertRuleDefinition,
  AlertRuleInput,
  ApiToken,
  AttendanceView,
  Audience,
  AudienceRule,
  AuditAction,
  AuditEntry,
  adjustmentSchema,
  audienceInputSchema,
  CampaignEvaluation,
  CampaignSeries,
  Cell,
  ChannelView,
  ClerkResult,
  Cohort,
  ColumnMeta,
  Dashboard as ContractDashboard,
  Coupon,
  CouponTemplate,
  CouponTemplateInput,
  Coverage,
  DashboardInput,
  DashboardVersion,
  DeliveryView,
  DrillInput,
  embedRequestSchema,
  FlashSaleInput,
  FlashSaleState,
  ForecastRun,
  ForecastStatus,
  FunnelBy,
  FunnelGroup,
  FunnelMonth,
  forecastRequestSchema,
  Grant,
  GroupDealInput,
  Insight,
  Label,
  Me,
  Member,
  MemberChange,
  MemberHistoryAnswer,
  MemberRulesView,
  Membership,
  Permission,
  PointsEntry,
  PresaleInput,
  PresaleState,
  PriceAnswer,
  PromotionRecord,
  PromotionRecordInput,
  priceRequestSchema,
  QueryInput,
  QueryResult,
  Role,
  RosterScore,
  Row,
  replenishRequestSchema,
  ScoredMember,
  SegmentsAnswer,
  Share,
  Subscription,
  SubscriptionInput,
  Suggestion,
  Theme,
  Tile,
  UpgradeEffect,
  User,
  userChangeSchema,
  userInputSchema,
  WalletBalance,
  WalletEntry,
  WeekPlan,
  WorkforceShift,
} from '../../src/contract/index.js';

// Requests and answers, as the contract shared with the server writes them (types only: no server code in
// the bundle).
export type {
  Adjustment,
  AlertEvent,
  AlertRuleInput,
  ApiToken,
  AttendanceView,
  Audience,
  AudienceRule,
  AuditAction,
  AuditEntry,
  CampaignEvaluation,
  CampaignSeries,
  Cell,
  ChannelView as AlertChannel,
  ClerkResult,
  Cohort,
  ColumnMeta,
  Coupon,
  CouponTemplate,
  CouponTemplateInput,
  Coverage,
  DashboardVersion,
  FlashSaleInput,
  FlashSaleState,
  ForecastRun,
  ForecastStatus,
  FunnelBy,
  FunnelGroup,
  FunnelMonth,
  GroupDealInput,
  Label,
  Me,
  Member,
  MemberChange,
  MemberHistoryAnswer,
  MemberRulesView,
  PointsEntry,
  PresaleInput,
  PresaleState,
  PriceAnswer,
  PromotionRecord,
  PromotionRecordInput,
  QueryResult,
  Role,
  RosterScore,
  Row,
  ScoredMember,
  SegmentsAnswer,
  Share,
  Suggestion,
  Theme,
  UpgradeEffect,
  User,
  WalletEntry,
  WeekPlan,
  WorkforceShift,
};
/** A coupon template with coupons issued, redeemed and open, and the open ones' liability (券负债). */
export interface CouponTemplateSummary {
  template: CouponTemplate;
  issued: number;
  redeemed: number;
  open: number;
  liability: string | null;
}
/** A group deal with how many of its groups are open, filled and failed. */
export interface GroupDealSummary {
  deal: GroupDealInput & { size: number; hours: number };
  open: number;
  succeeded: number;
  failed: number;
}
/** A member with what their wallet and points hold. */
export type MemberDetail = Member & { wallet: WalletBalance; points: number };
/** A saved question on a dashboard. */
export type SavedTile = Tile;
export type Dashboard = ContractDashboard<SavedTile>;

export interface CatalogMetric {
  id: string;
  label: Label;
  description: Label;
  unit: string;
  higherIsBetter: boolean;
  /** A sum or a count; a ratio or an average is not, and its total comes from summed parts. */
  additive: boolean;
  /** The dimensions it can be cut by. */
  dimensions: string[];
}
export interface CatalogDimension {
  id: string;
  label: Label;
  group: string;
  /** The next level down (region → city → store, month → week …). */
  child?: string;
  values?: Record<string, Label>;
}
export interface Catalog {
  metrics: CatalogMetric[];
  dimensions: CatalogDimension[];
}

export interface TargetRow {
  kpi: 'net_sales' | 'gross_profit' | 'orders' | 'units';
  level: 'store' | 'region' | 'format' | 'chain';
  code: string;
  value: string;
}
export interface InsightsAnswer {
  from: string | null;
  to: string | null;
  insights: Insight[];
}
export type AlertRuleView = AlertRuleDefinition & {
  id: number;
  owner: string;
  mutedUntil: string | null;
  lastEvaluatedAt: string | null;
};

/** A question to the API, as the server's own schema takes it (what may be left out, left out). */
export type QueryBody = QueryInput;

export class ApiError extends Error {
  constructor(
    message: string,
    readonly messageZh: string,
    /** The server's error code (FORBIDDEN, QUERY_LIMIT …), when it gave one. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** Who is signed in, the session's CSRF token, or an embed link's token: sent with every call. */
const session: { me: Me | null; csrf: string | null; embedToken: string | null } = {
  me: null,
  csrf: null,
  embedToken: null,
};
export const SIGNED_OUT = 'zhongtai:signed-out';

/** Whether the signed-in person's role allows it (the server checks again; this only hides what would fail). */
export const can = (permission: Permission): boolean => Boolean(session.me?.permissions.includes(permission));
export const currentUser = (): Me | null => session.me;
/** An embedded dashboard reads with its link's token instead of a session. */
export function setEmbedToken(token: string): void {
  session.embedToken = token;
}

/** `?a=1&b=2` of the values given (none: nothing). */
function queryOf(values: Record<string, string | undefined>): string {
  const given = Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return given.length ? `?${new URLSearchParams(given).toString()}` : '';
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const headers = new Headers(init?.headers);
  if (init?.method && init.method !== 'GET' && session.csrf) headers.set('x-csrf-token', session.csrf);
  if (session.embedToken) headers.set('x-embed-token', session.embedToken);
  const response = await fetch(path, { ...init, headers });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = body?.error;
    // A session that ended (expired, signed out elsewhere, user disabled): back to the sign-in page.
    if (response.status === 401 && !path.startsWith('/api/v1/auth/login') && !session.embedToken)
      window.dispatchEvent(new Event(SIGNED_OUT));
    throw new ApiError(
      error?.message ?? `HTTP ${response.status}`,
      error?.messageZh ?? `请求失败（HTTP ${response.status}）`,
      typeof error?.code === 'string' ? error.code : null,
    );
  }
  return body as T;
}

export const auth = {
  me: async () => {
    const answer = await call<{ user: Me | null; csrf: string | null }>('/api/v1/auth/me');
    session.me = answer.user;
    session.csrf = answer.csrf;
    return answer.user;
  },
  signIn: async (username: string, password: string) => {
    const answer = await call<{ user: Me; csrf: string }>(
      '/api/v1/auth/login',
      send('POST', { username, password }),
    );
    session.me = answer.user;
    session.csrf = answer.csrf;
    return answer.user;
  },
  signOut: async () => {
    await call<null>('/api/v1/auth/logout', { method: 'POST' });
    session.me = null;
    session.csrf = null;
  },
  changePassword: (current: string, next: string, revokeTokens: boolean) =>
    call<{ revokedTokens: number }>('/api/v1/auth/password', send('POST', { current, next, revokeTokens })),
  users: () => call<{ users: User[] }>('/api/v1/users'),
  roles: () => call<{ roles: Role[] }>('/api/v1/roles'),
  addUser: (body: z.input<typeof userInputSchema>) =>
    call<{ user: User; password?: string }>('/api/v1/users', send('POST', body)),
  changeUser: (username: string, body: z.input<typeof userChangeSchema>) =>
    call<User>(`/api/v1/users/${encodeURIComponent(username)}`, send('PUT', body)),
  grant: (username: string, grants: Grant[]) =>
    call<User>(`/api/v1/users/${encodeURIComponent(username)}/grants`, send('POST', { grants })),
  revoke: (username: string, grants: Grant[]) =>
    call<User>(`/api/v1/users/${encodeURIComponent(username)}/grants`, send('DELETE', { grants })),
  audit: (limit = 100) => call<{ entries: AuditEntry[] }>(`/api/v1/audit?limit=${limit}`),
  tokens: () => call<{ tokens: ApiToken[] }>('/api/v1/tokens'),
  revokeToken: (id: string) => call<ApiToken>(`/api/v1/tokens/${id}`, { method: 'DELETE' }),
};

const send = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const api = {
  theme: () => call<Theme>('/api/v1/settings/theme'),
  saveTheme: (theme: Theme) => call<Theme>('/api/v1/settings/theme', send('PUT', theme)),
  dashboards: () => call<{ dashboards: Dashboard[] }>('/api/v1/dashboards'),
  embedLink: (body: z.input<typeof embedRequestSchema>) =>
    call<{ token: string; path: string; expiresAt: string }>('/api/v1/embed', send('POST', body)),
  embedded: (token: string) =>
    call<{
      dashboard: Dashboard;
      filters: { dimension: string; value: string }[];
      days: number | null;
      expiresAt: string;
    }>(`/api/v1/embed/${encodeURIComponent(token)}`),
  dashboard: (id: number) => call<Dashboard>(`/api/v1/dashboards/${id}`),
  createDashboard: (body: DashboardInput) => call<Dashboard>('/api/v1/dashboards', send('POST', body)),
  /** `version`: the one the change started from; a dashboard changed meanwhile answers 409. */
  saveDashboard: (id: number, body: DashboardInput) =>
    call<Dashboard>(`/api/v1/dashboards/${id}`, send('PUT', body)),
  deleteDashboard: (id: number) => call<null>(`/api/v1/dashboards/${id}`, { method: 'DELETE' }),
  dashboardVersions: (id: number) =>
    call<{ versions: DashboardVersion[] }>(`/api/v1/dashboards/${id}/versions`),
  restoreDashboard: (id: number, version: number) =>
    call<Dashboard>(`/api/v1/dashboards/${id}/restore`, send('POST', { version })),
  health: () => call<{ engine: string; dataRange: { from: string; to: string } | null }>('/api/v1/health'),
  catalog: () => call<Catalog>('/api/v1/catalog'),
  query: (body: QueryBody) => call<QueryResult>('/api/v1/query', send('POST', body)),
  /** The same answer, taken out of the platform: within the caller's grants and written to the audit log. */
  exportAnswer: (query: QueryBody, title: string) =>
    call<QueryResult>('/api/v1/export', send('POST', { query, title, format: 'json' })),
  drill: (body: DrillInput) =>
    call<{ columns: { id: string; label: Label }[]; rows: Row[]; truncated: boolean }>(
      '/api/v1/drill',
      send('POST', body),
    ),
  findMember: (by: { phone: string } | { kind: string; value: string }) =>
    call<Member>(`/api/v1/members?${new URLSearchParams(by).toString()}`),
  member: (code: string) => call<MemberDetail>(`/api/v1/members/${encodeURIComponent(code)}`),
  memberWallet: (code: string) =>
    call<{ balance: WalletBalance; entries: WalletEntry[] }>(
      `/api/v1/members/${encodeURIComponent(code)}/wallet`,
    ),
  memberships: (code: string) =>
    call<{ active: Membership | null; memberships: Membership[] }>(
      `/api/v1/members/${encodeURIComponent(code)}/membership`,
    ),
  memberPoints: (code: string) =>
    call<{ balance: number; entries: PointsEntry[] }>(`/api/v1/members/${encodeURIComponent(code)}/points`),
  /** A write to the member center: one key per person's action, so a double click is taken once. */
  adjustWallet: (code: string, body: z.input<typeof adjustmentSchema>, key: string) =>
    call<Adjustment>(`/api/v1/members/${encodeURIComponent(code)}/wallet/adjust`, {
      ...send('POST', body),
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
    }),
  promotions: () => call<{ promotions: PromotionRecord[] }>('/api/v1/promotions'),
  savePromotion: (record: PromotionRecordInput) =>
    call<PromotionRecord>(
      `/api/v1/promotions/${encodeURIComponent(record.promotion.id)}`,
      send('PUT', record),
    ),
  couponTemplates: () => call<{ templates: CouponTemplateSummary[] }>('/api/v1/coupons/templates'),
  saveCouponTemplate: (template: CouponTemplateInput) =>
    call<CouponTemplate>(
      `/api/v1/coupons/templates/${encodeURIComponent(template.id)}`,
      send('PUT', template),
    ),
  /** 发券: `count` coupons to no one, under one key per click (a double click issues once). */
  issueCoupons: (template: string, count: number, key: string) =>
    call<{ coupons: Coupon[] }>('/api/v1/coupons/issue', {
      ...send('POST', { template, count }),
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
    }),
  flashSales: () => call<{ sales: FlashSaleState[] }>('/api/v1/flash-sales'),
  saveFlashSale: (sale: FlashSaleInput) =>
    call<FlashSaleState>(`/api/v1/flash-sales/${encodeURIComponent(sale.id)}`, send('PUT', sale)),
  presales: () => call<{ presales: PresaleState[] }>('/api/v1/presales'),
  savePresale: (sale: PresaleInput) =>
    call<PresaleState>(`/api/v1/presales/${encodeURIComponent(sale.id)}`, send('PUT', sale)),
  groupDeals: () => call<{ deals: GroupDealSummary[] }>('/api/v1/group-deals'),
  saveGroupDeal: (deal: GroupDealInput) =>
    call<GroupDealInput>(`/api/v1/group-deals/${encodeURIComponent(deal.id)}`, send('PUT', deal)),
  simulateCart: (body: z.input<typeof priceRequestSchema>) =>
    call<PriceAnswer>('/api/v1/promotions/simulate', send('POST', body)),
  memberHistory: (code: string) =>
    call<{ changes: MemberChange[] }>(`/api/v1/members/${encodeURIComponent(code)}/history`),
  memberRules: () => call<MemberRulesView>('/api/v1/members/rules'),
  saveMemberRules: (rules: MemberRulesView) =>
    call<MemberRulesView>('/api/v1/members/rules', send('PUT', rules)),
  adjustments: (status?: 'pending') =>
    call<{ adjustments: Adjustment[] }>(`/api/v1/members/adjustments${status ? `?status=${status}` : ''}`),
  decideAdjustment: (id: number, approve: boolean, key: string) =>
    call<Adjustment>(`/api/v1/members/adjustments/${id}/decide`, {
      ...send('POST', { approve }),
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
    }),
  forecastRuns: () => call<{ runs: ForecastRun[] }>('/api/v1/forecast/runs'),
  forecastStatus: () => call<ForecastStatus>('/api/v1/forecast/status'),
  forecastProgress: () =>
    call<{ running: boolean; step?: string; share?: number; seconds?: number; queued?: number }>(
      '/api/v1/forecast/progress',
    ),
  forecast: (body: z.input<typeof forecastRequestSchema>) =>
    call<{ runId: number; rows: unknown[] }>('/api/v1/forecast', send('POST', body)),
  memberFunnel: (from?: string, to?: string) =>
    call<{ from: string; to: string; lastDay: string; months: FunnelMonth[] }>(
      `/api/v1/member-analytics/funnel${queryOf({ from, to })}`,
    ),
  memberConversion: (by: FunnelBy, from?: string, to?: string) =>
    call<{ from: string; to: string; groups: FunnelGroup[] }>(
      `/api/v1/member-analytics/conversion${queryOf({ by, from, to })}`,
    ),
  upgradeEffect: (stage: 'wallet' | 'paid', from?: string, to?: string) =>
    call<UpgradeEffect>(`/api/v1/member-analytics/upgrade-effect${queryOf({ stage, from, to })}`),
  memberSegments: () => call<SegmentsAnswer>('/api/v1/member-analytics/segments'),
  rfmMovement: (days = 30) =>
    call<{ date: string; since: string; moves: { from: string; to: string; members: number }[] }>(
      `/api/v1/member-analytics/rfm-movement?days=${days}`,
    ),
  memberCohorts: (by: 'first_purchase' | 'registration', channel?: string, from?: string, to?: string) =>
    call<{ from: string; to: string; cohorts: Cohort[] }>(
      `/api/v1/member-analytics/cohorts${queryOf({ by, channel, from, to })}`,
    ),
  clerks: (from?: string, to?: string) =>
    call<{ from: string; to: string; clerks: ClerkResult[] }>(
      `/api/v1/member-analytics/clerks${queryOf({ from, to })}`,
    ),
  scoredMembers: (filter: { segment?: string; band?: string; offset?: number; limit?: number }) =>
    call<{ asOf: string | null; total: number; members: ScoredMember[] }>(
      `/api/v1/member-analytics/members${queryOf({ ...filter, offset: filter.offset?.toString(), limit: filter.limit?.toString() })}`,
    ),
  memberStory: (id: number) => call<MemberHistoryAnswer>(`/api/v1/member-analytics/members/${id}`),
  campaigns: () => call<{ campaigns: (CampaignEvaluation & { evaluatedAt: string })[] }>('/api/v1/campaigns'),
  evaluateCampaigns: () =>
    call<{ campaigns: (CampaignEvaluation & { evaluatedAt: string })[] }>(
      '/api/v1/campaigns/evaluate',
      send('POST', {}),
    ),
  campaignSeries: (id: number) => call<CampaignSeries>(`/api/v1/campaigns/${id}/series`),
  alertChannels: () => call<{ channels: ChannelView[] }>('/api/v1/alerts/channels'),
  saveAlertChannel: (body: unknown) => call<ChannelView>('/api/v1/alerts/channels', send('POST', body)),
  testAlertChannel: (id: number) =>
    call<{ delivery?: DeliveryView }>(`/api/v1/alerts/channels/${id}/test`, { method: 'POST' }),
  alertDeliveries: () => call<{ deliveries: DeliveryView[] }>('/api/v1/alerts/deliveries'),
  alertRules: () => call<{ rules: AlertRuleView[] }>('/api/v1/alerts/rules'),
  saveAlertRule: (body: AlertRuleInput) => call<AlertRuleView>('/api/v1/alerts/rules', send('POST', body)),
  runAlertRule: (id: number) =>
    call<{ opened: number; stillOpen: number; recovered: number; queued: number; skipped: string[] }>(
      `/api/v1/alerts/rules/${id}/run`,
      { method: 'POST' },
    ),
  muteAlertRule: (id: number, hours: number) =>
    call<AlertRuleView>(`/api/v1/alerts/rules/${id}/mute`, send('POST', { hours })),
  previewAlertRule: (body: AlertRuleInput) =>
    call<{ rows: AlertPreviewRow[] }>('/api/v1/alerts/rules/preview', send('POST', body)),
  alertHistory: (id: number) => call<{ events: AlertEvent[] }>(`/api/v1/alerts/rules/${id}/history`),
  snoozeAlert: (id: number, username: string, groupKey: string, hours: number) =>
    call<{ snoozed: boolean }>(
      `/api/v1/alerts/rules/${id}/snooze`,
      send('POST', { username, groupKey, hours }),
    ),
  subscriptions: () => call<{ subscriptions: Subscription[] }>('/api/v1/subscriptions'),
  saveSubscription: (body: SubscriptionInput) =>
    call<Subscription>('/api/v1/subscriptions', send('POST', body)),
  runSubscription: (id: number) =>
    call<{ queued: number; pictured: boolean; skipped: string[] }>(`/api/v1/subscriptions/${id}/run`, {
      method: 'POST',
    }),
  deleteSubscription: (id: number) => call<null>(`/api/v1/subscriptions/${id}`, { method: 'DELETE' }),
  insights: (days = 7) => call<InsightsAnswer>(`/api/v1/insights/anomalies?days=${days}`),
  workforceStores: () =>
    call<{ stores: { id: number; code: string; name: string; format: string; staff: number }[] }>(
      '/api/v1/workforce/stores',
    ),
  workforceWeek: (store: number, week: string) =>
    call<WeekPlan>(`/api/v1/workforce/week${queryOf({ store: String(store), week })}`),
  solveWeek: (store: number, week: string, timeLimitSeconds = 8) =>
    call<WeekPlan>('/api/v1/workforce/week/solve', send('POST', { store, week, timeLimitSeconds })),
  checkRoster: (store: number, week: string, shifts: WorkforceShift[]) =>
    call<RosterScore>('/api/v1/workforce/week/check', send('POST', { store, week, shifts })),
  saveRoster: (store: number, week: string, shifts: WorkforceShift[], basedOn: number) =>
    call<WeekPlan>('/api/v1/workforce/week', send('PUT', { store, week, shifts, basedOn })),
  publishRoster: (store: number, week: string, version: number) =>
    call<WeekPlan>('/api/v1/workforce/week/publish', send('POST', { store, week, version })),
  attendance: (store: number, from: string, to: string) =>
    call<AttendanceView>(`/api/v1/workforce/attendance${queryOf({ store: String(store), from, to })}`),
  targets: (month: string) =>
    call<{ month: string; targets: TargetRow[] }>(`/api/v1/targets?month=${encodeURIComponent(month)}`),
  importTargets: (file: File) =>
    call<{
      loadId: number;
      loaded: number;
      rejected: number;
      skipped: number;
      targets: number;
      storeDays: number;
    }>('/api/v1/targets/import', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) },
      body: file,
    }),
  updateAlertRule: (id: number, body: AlertRuleInput) =>
    call<AlertRuleView>(`/api/v1/alerts/rules/${id}`, send('PUT', body)),
  saveTargets: (month: string, rows: (Omit<TargetRow, 'value'> & { value: string | null })[]) =>
    call<{ targets: number; storeDays: number; seconds: number }>(
      '/api/v1/targets',
      send('PUT', { month, rows }),
    ),
  audiences: () => call<{ audiences: Audience[] }>('/api/v1/audiences'),
  previewAudience: (rule: AudienceRule) =>
    call<{ members: number }>('/api/v1/audiences/preview', send('POST', { rule })),
  saveAudience: (input: z.input<typeof audienceInputSchema>) =>
    call<Audience>('/api/v1/audiences', send('POST', input)),
  refreshAudience: (id: number) => call<Audience>(`/api/v1/audiences/${id}/refresh`, { method: 'POST' }),
  deleteAudience: (id: number) => call<null>(`/api/v1/audiences/${id}`, { method: 'DELETE' }),
  replenish: (body: z.input<typeof replenishRequestSchema>) =>
    call<{ date: string; series: number; toOrder: number; orderCost: number; rows: Suggestion[] }>(
      '/api/v1/replenish',
      send('POST', body),
    ),
};
