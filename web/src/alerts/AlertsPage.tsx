import { type FormEvent, useState } from 'react';
import { Problem, useAnswer } from '../analytics/MemberAnalytics';
import {
  type AlertChannel,
  type AlertEvent,
  type AlertRuleInput,
  type AlertRuleView,
  api,
  type Catalog,
  currentUser,
} from '../api';
import { chainLocal } from '../chain-time';
import type { Lang } from '../format';
import { RecipientFields, recipientsOf, useActions } from './parts';

const KINDS: [AlertChannel['kind'], { zh: string; en: string }][] = [
  ['wecom', { zh: '企业微信群机器人', en: 'WeCom robot' }],
  ['dingtalk', { zh: '钉钉机器人', en: 'DingTalk robot' }],
  ['feishu', { zh: '飞书机器人', en: 'Feishu bot' }],
  ['email', { zh: '邮件 (SMTP)', en: 'Email (SMTP)' }],
  ['webhook', { zh: '通用 Webhook（签名）', en: 'Signed webhook' }],
];
type RuleKind = AlertRuleInput['condition']['kind'];
const RULE_KINDS: [RuleKind, { zh: string; en: string }][] = [
  ['threshold', { zh: '阈值', en: 'threshold' }],
  ['change', { zh: '周环比变化', en: 'change vs last week' }],
  ['attainment', { zh: '目标达成落后（百分点）', en: 'behind target (points)' }],
  ['forecast_band', { zh: '超出预测区间 P10–P90', en: 'outside forecast P10–P90' }],
  ['anomaly', { zh: '智能洞察异常（最小影响 ¥）', en: 'anomaly (min. impact ¥)' }],
  ['freshness', { zh: '营业日无销售数据（时:分）', en: 'no sales since (HH:MM)' }],
];

function conditionText(c: AlertRuleInput['condition'], lang: Lang): string {
  const zh = lang === 'zh';
  switch (c.kind) {
    case 'threshold':
      return `${c.op === 'below' ? '<' : '>'} ${c.value}`;
    case 'change':
      return `${c.compare} ${c.direction === 'down' ? '↓' : '↑'} ${c.by}`;
    case 'attainment':
      return `${zh ? '达成落后' : 'behind'} ${c.behind}`;
    case 'forecast_band':
      return zh ? '超出预测区间' : 'outside forecast band';
    case 'anomaly':
      return `${zh ? '智能洞察' : 'anomaly'}${c.minImpact ? ` ≥ ¥${c.minImpact}` : ''}`;
    case 'freshness':
      return `${zh ? '无销售 自' : 'no sales since'} ${c.since}`;
  }
}

/** A rule's history: each breach opened and recovered, newest first, with its message (and why). */
function History({ id, lang }: { id: number; lang: Lang }) {
  const zh = lang === 'zh';
  const [round, setRound] = useState(0);
  const history = useAnswer(() => api.alertHistory(id), `h${id}:${round}`);
  const events = history.data?.events ?? [];
  // The newest event of each breach: an open one can be snoozed (it stays open; its recovery is not sent).
  const newest = new Map<string, number>();
  for (const e of events)
    if (!newest.has(`${e.username}|${e.groupKey}`)) newest.set(`${e.username}|${e.groupKey}`, e.id);
  const snooze = (e: AlertEvent) =>
    api.snoozeAlert(id, e.username, e.groupKey, 24).then(() => setRound((r) => r + 1));
  return (
    <div className="scroll" data-testid="alert-history">
      <h3>{zh ? '预警历史' : 'History'}</h3>
      {events.length === 0 && <p className="muted">{zh ? '尚无预警' : 'Nothing fired yet'}</p>}
      <table className="table">
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>{chainLocal(e.at)}</td>
              <td>{e.event === 'open' ? (zh ? '触发' : 'opened') : zh ? '恢复' : 'recovered'}</td>
              <td>{e.username}</td>
              <td style={{ whiteSpace: 'pre-line' }}>{e.text}</td>
              <td>
                {e.event === 'open' &&
                  newest.get(`${e.username}|${e.groupKey}`) === e.id &&
                  (e.snoozedUntil ? (
                    <span className="muted">
                      {zh
                        ? `已暂缓至 ${chainLocal(e.snoozedUntil)}`
                        : `snoozed until ${chainLocal(e.snoozedUntil)}`}
                    </span>
                  ) : (
                    <button type="button" data-testid="alert-snooze" onClick={() => void snooze(e)}>
                      {zh ? '暂缓 24 小时' : 'Snooze 24 h'}
                    </button>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const PERIODS: [string, { zh: string; en: string }][] = [
  ['last1', { zh: '最新一天', en: 'newest day' }],
  ['last7', { zh: '近7天', en: 'last 7 days' }],
  ['last14', { zh: '近14天', en: 'last 14 days' }],
  ['last30', { zh: '近30天', en: 'last 30 days' }],
  ['mtd', { zh: '本月至今', en: 'month to date' }],
];

/**
 * 预警: the channels messages go out by (secrets typed in, never shown again, a test button), the rules with their
 * last run (run now, mute a day), a form for a new rule over the catalogue, and the delivery log.
 */
export function AlertsPage({ lang, catalog }: { lang: Lang; catalog: Catalog }) {
  const zh = lang === 'zh';
  const { round, problem, said, act } = useActions();
  const [historyOf, setHistoryOf] = useState<number | null>(null);
  const [editing, setEditing] = useState<AlertRuleView | null>(null);
  const channels = useAnswer(() => api.alertChannels(), `c${round}`);
  const rules = useAnswer(() => api.alertRules(), `r${round}`);
  const deliveries = useAnswer(() => api.alertDeliveries(), `d${round}`);
  const list = channels.data?.channels ?? [];
  return (
    <main className="alerts">
      <Problem error={problem ?? channels.error ?? rules.error} lang={lang} />
      {said && <p className="banner">{said}</p>}
      <section className="card">
        <h2>{zh ? '预警规则' : 'Alert rules'}</h2>
        <div className="scroll">
          <table className="table" data-testid="alert-rules">
            <thead>
              <tr>
                <th>{zh ? '名称' : 'Name'}</th>
                <th>{zh ? '指标' : 'Metric'}</th>
                <th>{zh ? '条件' : 'Condition'}</th>
                <th>{zh ? '计划' : 'Schedule'}</th>
                <th>{zh ? '上次评估' : 'Last run'}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(rules.data?.rules ?? []).map((r) => (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td>{catalog.metrics.find((m) => m.id === r.metric)?.label[lang] ?? r.metric}</td>
                  <td>{conditionText(r.condition, lang)}</td>
                  <td>
                    {r.schedule} <span className="muted">{r.timezone}</span>
                    {r.mutedUntil && new Date(r.mutedUntil) > new Date() && (
                      <span className="muted"> · {zh ? '静默中' : 'muted'}</span>
                    )}
                  </td>
                  <td>{r.lastEvaluatedAt ? chainLocal(r.lastEvaluatedAt) : '—'}</td>
                  <td className="actions">
                    <button
                      type="button"
                      data-testid="alert-run"
                      onClick={() =>
                        act(api.runAlertRule(r.id), (a) => {
                          const x = a as { opened: number; recovered: number; queued: number };
                          return zh
                            ? `「${r.name}」：新预警 ${x.opened}，恢复 ${x.recovered}，已发送 ${x.queued} 条`
                            : `${r.name}: ${x.opened} opened, ${x.recovered} recovered, ${x.queued} sent`;
                        })
                      }
                    >
                      {zh ? '立即评估' : 'Run now'}
                    </button>{' '}
                    <button type="button" onClick={() => act(api.muteAlertRule(r.id, r.mutedUntil ? 0 : 24))}>
                      {r.mutedUntil ? (zh ? '取消静默' : 'Unmute') : zh ? '静默 24 小时' : 'Mute 24 h'}
                    </button>{' '}
                    <button type="button" data-testid="alert-edit" onClick={() => setEditing(r)}>
                      {zh ? '编辑' : 'Edit'}
                    </button>{' '}
                    <button
                      type="button"
                      data-testid="alert-history-open"
                      onClick={() => setHistoryOf(historyOf === r.id ? null : r.id)}
                    >
                      {zh ? '历史' : 'History'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {historyOf !== null && <History id={historyOf} lang={lang} />}
        <RuleForm
          key={editing?.id ?? 'new'}
          lang={lang}
          catalog={catalog}
          channels={list}
          initial={editing}
          onCancel={() => setEditing(null)}
          onSave={(rule) =>
            act(editing ? api.updateAlertRule(editing.id, rule) : api.saveAlertRule(rule), () => {
              setEditing(null);
              return zh ? `已保存「${rule.name}」` : `Saved ${rule.name}`;
            })
          }
        />
      </section>
      <section className="card">
        <h2>{zh ? '通知渠道' : 'Channels'}</h2>
        <table className="table" data-testid="alert-channels">
          <tbody>
            {list.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{KINDS.find(([k]) => k === c.kind)?.[1][lang]}</td>
                <td className="muted">{zh ? `每分钟最多 ${c.perMinute} 条` : `${c.perMinute} a minute`}</td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      act(api.testAlertChannel(c.id), (a) => {
                        const d = (a as { delivery?: { status: string; lastError: string | null } }).delivery;
                        return d?.status === 'sent'
                          ? zh
                            ? `已发送测试消息到「${c.name}」`
                            : `Test sent to ${c.name}`
                          : `${zh ? '发送失败：' : 'Not sent: '}${d?.lastError ?? ''}`;
                      })
                    }
                  >
                    {zh ? '发送测试' : 'Send test'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <ChannelForm lang={lang} onSave={(body) => act(api.saveAlertChannel(body))} />
      </section>
      <section className="card">
        <h2>{zh ? '发送记录' : 'Deliveries'}</h2>
        <div className="scroll">
          <table className="table" data-testid="alert-deliveries">
            <tbody>
              {(deliveries.data?.deliveries ?? []).slice(0, 50).map((d) => (
                <tr key={d.id}>
                  <td>{chainLocal(d.createdAt)}</td>
                  <td>{d.channel}</td>
                  <td>{d.title}</td>
                  <td>
                    {
                      {
                        pending: zh ? '等待重试' : 'pending',
                        sending: zh ? '发送中' : 'sending',
                        sent: zh ? '已发送' : 'sent',
                        gave_up: zh ? '已放弃' : 'gave up',
                      }[d.status]
                    }
                    {d.attempts > 1 ? ` · ${d.attempts}` : ''}
                  </td>
                  <td className="muted">{d.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}

/** The form's text of a saved rule's number (threshold, change, attainment, minimum impact or time). */
function conditionValue(c: AlertRuleInput['condition']): string {
  switch (c.kind) {
    case 'threshold':
      return String(c.value);
    case 'change':
      return String(c.by);
    case 'attainment':
      return String(c.behind);
    case 'anomaly':
      return String(c.minImpact ?? 0);
    case 'freshness':
      return c.since;
    case 'forecast_band':
      return '';
  }
}

function RuleForm({
  lang,
  catalog,
  channels,
  initial,
  onSave,
  onCancel,
}: {
  lang: Lang;
  catalog: Catalog;
  channels: AlertChannel[];
  /** A saved rule being changed; none: a new one. */
  initial: AlertRuleView | null;
  onSave: (rule: AlertRuleInput) => void;
  onCancel: () => void;
}) {
  const zh = lang === 'zh';
  const c = initial?.condition;
  const [name, setName] = useState(initial?.name ?? '');
  const [metric, setMetric] = useState(initial?.metric ?? 'gross_margin');
  const [dimension, setDimension] = useState(initial ? (initial.dimensions[0] ?? '') : 'store');
  const [period, setPeriod] = useState(initial?.period ?? 'last7');
  const [kind, setKind] = useState<RuleKind>(c?.kind ?? 'threshold');
  const [preview, setPreview] = useState<string[] | null>(null);
  const [op, setOp] = useState<'below' | 'above'>(
    c?.kind === 'threshold' ? c.op : c?.kind === 'change' && c.direction === 'up' ? 'above' : 'below',
  );
  const [value, setValue] = useState(c ? conditionValue(c) : '0.18');
  const [schedule, setSchedule] = useState(initial?.schedule ?? '30 8 * * *');
  const [recipients, setRecipients] = useState(
    initial ? initial.recipients.map((r) => r.username).join(', ') : (currentUser()?.username ?? ''),
  );
  const [channel, setChannel] = useState(initial ? String(initial.recipients[0]?.channel ?? '') : '');
  const chosen = catalog.metrics.find((m) => m.id === metric);
  const rule = (): AlertRuleInput => {
    const number = Number(value);
    const perStore = kind === 'anomaly' || kind === 'freshness';
    return {
      name: name || (chosen?.label[lang] ?? metric),
      metric: kind === 'forecast_band' || kind === 'freshness' ? 'net_sales' : metric,
      dimensions: perStore ? [] : dimension ? [dimension] : [],
      period,
      condition:
        kind === 'threshold'
          ? { kind, op, value: number }
          : kind === 'change'
            ? { kind, compare: 'wow', direction: op === 'below' ? 'down' : 'up', by: number }
            : kind === 'attainment'
              ? { kind, behind: number }
              : kind === 'anomaly'
                ? { kind, minImpact: number || 0 }
                : kind === 'freshness'
                  ? { kind, since: value }
                  : { kind },
      schedule,
      recipients: recipientsOf(recipients, channel, channels),
    };
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(rule());
  };
  const tryIt = () =>
    api.previewAlertRule(rule()).then(
      (answer) =>
        setPreview(
          answer.rows.length
            ? answer.rows.map(
                (r) => `${r.label || (zh ? '全部' : 'all')}：${r.value}${r.detail ? `（${r.detail}）` : ''}`,
              )
            : [zh ? '按今天的数据不会触发' : 'Nothing would fire today'],
        ),
      (e: unknown) => setPreview([String((e as { messageZh?: string; message?: string }).messageZh ?? e)]),
    );
  return (
    <form className="alert-form" onSubmit={submit} data-testid="alert-rule-form">
      <input
        placeholder={zh ? '规则名称' : 'Rule name'}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <select value={metric} onChange={(e) => setMetric(e.target.value)} data-testid="alert-metric">
        {catalog.metrics.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label[lang]}
          </option>
        ))}
      </select>
      <select value={dimension} onChange={(e) => setDimension(e.target.value)}>
        <option value="">{zh ? '（全链）' : '(chain)'}</option>
        {catalog.dimensions
          .filter(
            (d) => chosen?.dimensions.includes(d.id) && !['day', 'week', 'month', 'hour'].includes(d.id),
          )
          .map((d) => (
            <option key={d.id} value={d.id}>
              {d.label[lang]}
            </option>
          ))}
      </select>
      <select value={period} onChange={(e) => setPeriod(e.target.value)}>
        {PERIODS.map(([id, label]) => (
          <option key={id} value={id}>
            {label[lang]}
          </option>
        ))}
      </select>
      <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="alert-kind">
        {RULE_KINDS.map(([id, label]) => (
          <option key={id} value={id}>
            {label[lang]}
          </option>
        ))}
      </select>
      {(kind === 'threshold' || kind === 'change') && (
        <select value={op} onChange={(e) => setOp(e.target.value as typeof op)}>
          <option value="below">{kind === 'change' ? (zh ? '下降' : 'down') : zh ? '低于' : 'below'}</option>
          <option value="above">{kind === 'change' ? (zh ? '上升' : 'up') : zh ? '高于' : 'above'}</option>
        </select>
      )}
      <input
        inputMode="decimal"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        title={zh ? '比率与变化用小数：0.18 即 18%' : 'ratios and changes as fractions: 0.18 is 18%'}
        data-testid="alert-value"
      />
      <input value={schedule} onChange={(e) => setSchedule(e.target.value)} title="cron: 分 时 日 月 周" />
      <RecipientFields
        lang={lang}
        channels={channels}
        names={recipients}
        channel={channel}
        onNames={setRecipients}
        onChannel={setChannel}
      />
      <button type="button" onClick={tryIt} data-testid="alert-preview">
        {zh ? '预览今天' : 'Preview today'}
      </button>
      <button type="submit" disabled={!channels.length} data-testid="alert-save">
        {initial ? (zh ? '保存修改' : 'Save changes') : zh ? '保存规则' : 'Save rule'}
      </button>
      {initial && (
        <button type="button" onClick={onCancel}>
          {zh ? '取消编辑' : 'Cancel'}
        </button>
      )}
      {preview && (
        <ul className="muted" data-testid="alert-preview-rows">
          {preview.slice(0, 20).map((line) => (
            <li key={line}>{line}</li>
          ))}
          {preview.length > 20 && <li>… {preview.length - 20}</li>}
        </ul>
      )}
    </form>
  );
}

function ChannelForm({ lang, onSave }: { lang: Lang; onSave: (body: unknown) => void }) {
  const zh = lang === 'zh';
  const [kind, setKind] = useState<AlertChannel['kind']>('wecom');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [smtp, setSmtp] = useState({ host: '', port: '587', from: '', to: '', user: '' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body =
      kind === 'email'
        ? {
            name,
            kind,
            settings: {
              host: smtp.host,
              port: Number(smtp.port),
              from: smtp.from,
              to: smtp.to.split(/[,，\s]+/).filter(Boolean),
              ...(smtp.user ? { user: smtp.user } : {}),
            },
            secret: secret ? { password: secret } : {},
          }
        : kind === 'webhook'
          ? { name, kind, settings: { url }, secret: { secret } }
          : { name, kind, settings: {}, secret: { url, ...(secret ? { secret } : {}) } };
    onSave(body);
    setSecret('');
  };
  return (
    <form className="alert-form" onSubmit={submit} data-testid="alert-channel-form">
      <input
        placeholder={zh ? '渠道名称' : 'Channel name'}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <select value={kind} onChange={(e) => setKind(e.target.value as AlertChannel['kind'])}>
        {KINDS.map(([id, label]) => (
          <option key={id} value={id}>
            {label[lang]}
          </option>
        ))}
      </select>
      {kind === 'email' ? (
        <>
          <input
            placeholder="SMTP host"
            value={smtp.host}
            onChange={(e) => setSmtp({ ...smtp, host: e.target.value })}
          />
          <input
            placeholder="port"
            value={smtp.port}
            onChange={(e) => setSmtp({ ...smtp, port: e.target.value })}
          />
          <input
            placeholder="from"
            value={smtp.from}
            onChange={(e) => setSmtp({ ...smtp, from: e.target.value })}
          />
          <input
            placeholder={zh ? '收件人' : 'to'}
            value={smtp.to}
            onChange={(e) => setSmtp({ ...smtp, to: e.target.value })}
          />
          <input
            placeholder="user"
            value={smtp.user}
            onChange={(e) => setSmtp({ ...smtp, user: e.target.value })}
          />
        </>
      ) : (
        <input placeholder="Webhook URL" value={url} onChange={(e) => setUrl(e.target.value)} />
      )}
      <input
        type="password"
        autoComplete="new-password"
        placeholder={
          kind === 'email' ? (zh ? '密码' : 'password') : zh ? '签名密钥（可选）' : 'signing secret'
        }
        value={secret}
        onChange={(e) => setSecret(e.target.value)}
      />
      <button type="submit">{zh ? '保存渠道' : 'Save channel'}</button>
      <span className="muted">
        {zh ? '密钥加密保存，保存后不再显示。' : 'Secrets are sealed and never shown again.'}
      </span>
    </form>
  );
}
