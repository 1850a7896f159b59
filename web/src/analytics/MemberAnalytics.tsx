import { useEffect, useMemo, useRef, useState } from 'react';
import {
  ApiError,
  api,
  type ClerkResult,
  type Cohort,
  type FunnelBy,
  type FunnelGroup,
  type FunnelMonth,
  type MemberHistoryAnswer,
  type ScoredMember,
  type SegmentsAnswer,
  type UpgradeEffect,
} from '../api';
import { Chart } from '../components/Chart';
import { Tabs } from '../components/Tabs';
import { addDays, type Lang } from '../format';
import { money } from '../members/text';
import { AudiencesTab } from './Audiences';
import { cohortHeatmap, funnelChart, histogram, percent, yuan } from './charts';

type Tab = 'funnel' | 'rfm' | 'cohorts' | 'clv' | 'members' | 'audiences' | 'clerks';
const TABS: [Tab, { zh: string; en: string }][] = [
  ['funnel', { zh: '等级漏斗', en: 'Tier funnel' }],
  ['rfm', { zh: 'RFM 分层', en: 'RFM segments' }],
  ['cohorts', { zh: '同期群', en: 'Cohorts' }],
  ['clv', { zh: '终身价值', en: 'Lifetime value' }],
  ['members', { zh: '会员列表', en: 'Members' }],
  ['audiences', { zh: '人群圈选', en: 'Audiences' }],
  ['clerks', { zh: '导购业绩', en: 'Clerks' }],
];

const TIERS: Record<string, { zh: string; en: string }> = {
  registered: { zh: '注册会员', en: 'Registered' },
  wallet: { zh: '储值会员', en: 'Wallet' },
  paid: { zh: '付费会员', en: 'Paid' },
};
const tierName = (tier: string | null, lang: Lang) => (tier ? (TIERS[tier]?.[lang] ?? tier) : '—');

const say = (e: unknown, lang: Lang) =>
  e instanceof ApiError ? (lang === 'zh' ? e.messageZh : e.message) : String(e);

/**
 * Loads once per change of `key` (what the load depends on, as text); the answer of a load overtaken by the next
 * is dropped.
 */
export function useAnswer<T>(load: () => Promise<T>, key: string): { data: T | null; error: unknown } {
  const [state, setState] = useState<{ data: T | null; error: unknown }>({ data: null, error: null });
  const latest = useRef(load);
  latest.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names what the load depends on
  useEffect(() => {
    let live = true;
    setState({ data: null, error: null });
    latest.current().then(
      (data) => live && setState({ data, error: null }),
      (error: unknown) => live && setState({ data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}

/**
 * 会员分析: who the members are and what they are worth — the tier funnel and what upgrading changes, RFM segments,
 * cohorts, lifetime values, the member list with each member's history, and the clerks who recruited them. A store
 * manager sees his store's members only (the server filters by grant).
 */
export function MemberAnalyticsPage({ lang }: { lang: Lang }) {
  const [tab, setTab] = useState<Tab>('funnel');
  const [segment, setSegment] = useState<string | undefined>();
  return (
    <main className="member-analytics">
      <Tabs tabs={TABS} active={tab} onPick={setTab} lang={lang} testId="analytics-tabs" />
      {tab === 'funnel' && <FunnelTab lang={lang} />}
      {tab === 'rfm' && (
        <RfmTab
          lang={lang}
          onPick={(s) => {
            setSegment(s);
            setTab('members');
          }}
        />
      )}
      {tab === 'cohorts' && <CohortsTab lang={lang} />}
      {tab === 'clv' && <ClvTab lang={lang} />}
      {tab === 'members' && <MembersTab lang={lang} segment={segment} onSegment={setSegment} />}
      {tab === 'audiences' && <AudiencesTab lang={lang} />}
      {tab === 'clerks' && <ClerksTab lang={lang} />}
    </main>
  );
}

export function Problem({ error, lang }: { error: unknown; lang: Lang }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {lang === 'zh' ? '无法加载：' : 'Could not load: '}
      {say(error, lang)}
    </p>
  );
}

function FunnelTab({ lang }: { lang: Lang }) {
  const funnel = useAnswer(() => api.memberFunnel(), 'once');
  const [by, setBy] = useState<FunnelBy>('channel');
  const groups = useAnswer(() => api.memberConversion(by), String(by));
  const [stage, setStage] = useState<'paid' | 'wallet'>('paid');
  const effect = useAnswer(() => api.upgradeEffect(stage), String(stage));
  const months: FunnelMonth[] = funnel.data?.months ?? [];
  // The month of the last day with data is partial unless that day ends it: the cards show the last whole month.
  const lastDay = funnel.data?.lastDay ?? '';
  const partial = (month: string) => lastDay.startsWith(month) && addDays(lastDay, 1).slice(0, 7) === month;
  const last = months.filter((m) => !partial(m.month)).at(-1);
  return (
    <>
      <Problem error={funnel.error} lang={lang} />
      {last && (
        <section className="kpis" data-testid="funnel-kpis">
          {[
            [lang === 'zh' ? '注册会员' : 'Registered', last.registered, null],
            [lang === 'zh' ? '储值会员' : 'Wallet', last.wallet, last.wallet / Math.max(1, last.registered)],
            [lang === 'zh' ? '付费会员' : 'Paid', last.paid, last.paid / Math.max(1, last.wallet)],
            [
              lang === 'zh' ? `付费续费率（${last.month}）` : `Paid renewal (${last.month})`,
              null,
              last.renewalRate,
            ],
          ].map(([label, value, share]) => (
            <div className="card kpi" key={String(label)}>
              <h3>{label as string}</h3>
              <div className="kpi-value">
                {value === null ? percent(share as number | null) : Number(value).toLocaleString()}
              </div>
              {value !== null && share !== null && (
                <div className="muted">
                  {lang === 'zh' ? '占上一级 ' : 'of the stage before: '}
                  {percent(share as number)}
                </div>
              )}
            </div>
          ))}
        </section>
      )}
      <section className="card">
        <h2>
          {lang === 'zh'
            ? `会员三代：各月末人数与升级率（${funnel.data?.from ?? ''} … ${funnel.data?.to ?? ''}）`
            : 'Members at each stage and upgrade rates by month'}
        </h2>
        {months.length > 0 && <Chart option={funnelChart(months, lang)} height={320} testId="funnel-chart" />}
        <div className="scroll">
          <table className="table" data-testid="funnel-table">
            <thead>
              <tr>
                <th>{lang === 'zh' ? '月份' : 'Month'}</th>
                <th className="num">{lang === 'zh' ? '新注册' : 'Joined'}</th>
                <th className="num">{lang === 'zh' ? '升储值' : 'To wallet'}</th>
                <th className="num">{lang === 'zh' ? '储值转化率' : 'Wallet rate'}</th>
                <th className="num">{lang === 'zh' ? '升付费' : 'To paid'}</th>
                <th className="num">{lang === 'zh' ? '付费转化率' : 'Paid rate'}</th>
                <th className="num">{lang === 'zh' ? '到期 / 续费' : 'Due / renewed'}</th>
              </tr>
            </thead>
            <tbody>
              {months.map((m) => (
                <tr key={m.month}>
                  <td>
                    {m.month}
                    {partial(m.month) && (
                      <span className="muted" data-testid="partial-month">
                        {lang === 'zh'
                          ? `（截至 ${lastDay.slice(5)}，不完整）`
                          : ` (to ${lastDay.slice(5)}, partial)`}
                      </span>
                    )}
                  </td>
                  <td className="num">{m.joined}</td>
                  <td className="num">{m.toWallet}</td>
                  <td className="num">{percent(m.walletRate, 2)}</td>
                  <td className="num">{m.toPaid}</td>
                  <td className="num">{percent(m.paidRate, 2)}</td>
                  <td className="num">
                    {m.renewalsDue} / {m.renewed}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">
          {lang === 'zh'
            ? '转化率 = 当月升级人数 ÷ 月初尚未达到该等级的会员；续费率 = 当月续费 ÷ 当月到期的付费会员期。'
            : 'Rate = upgrades in the month ÷ members below that stage at its start; renewal = renewed ÷ paid periods due that month.'}
        </p>
      </section>
      <section className="card">
        <h2>
          {lang === 'zh' ? '升级转化：按' : 'Conversion by '}
          <select value={by} onChange={(e) => setBy(e.target.value as FunnelBy)} data-testid="conversion-by">
            <option value="channel">{lang === 'zh' ? '注册渠道' : 'registration channel'}</option>
            <option value="store">{lang === 'zh' ? '门店' : 'home store'}</option>
            <option value="clerk">{lang === 'zh' ? '导购' : 'recruiting clerk'}</option>
          </select>
        </h2>
        <Problem error={groups.error} lang={lang} />
        <ConversionTable groups={groups.data?.groups ?? []} lang={lang} />
      </section>
      <section className="card" data-testid="upgrade-effect">
        <h2>
          {lang === 'zh' ? '升级真的让会员多消费吗？' : 'Does upgrading make members spend more?'}{' '}
          <select value={stage} onChange={(e) => setStage(e.target.value as 'paid' | 'wallet')}>
            <option value="paid">{lang === 'zh' ? '付费会员' : 'paid'}</option>
            <option value="wallet">{lang === 'zh' ? '储值会员' : 'wallet'}</option>
          </select>
        </h2>
        <Problem error={effect.error} lang={lang} />
        {effect.data && <UpgradeCard effect={effect.data} lang={lang} />}
      </section>
    </>
  );
}

function ConversionTable({ groups, lang }: { groups: FunnelGroup[]; lang: Lang }) {
  return (
    <div className="scroll">
      <table className="table" data-testid="conversion-table">
        <thead>
          <tr>
            <th>{lang === 'zh' ? '分组' : 'Group'}</th>
            <th className="num">{lang === 'zh' ? '新注册' : 'Joined'}</th>
            <th className="num">{lang === 'zh' ? '已储值' : 'Wallet'}</th>
            <th className="num">{lang === 'zh' ? '储值率' : 'Wallet %'}</th>
            <th className="num">{lang === 'zh' ? '已付费' : 'Paid'}</th>
            <th className="num">{lang === 'zh' ? '付费率' : 'Paid %'}</th>
          </tr>
        </thead>
        <tbody>
          {groups.slice(0, 50).map((g) => (
            <tr key={g.key}>
              <td>{g.label}</td>
              <td className="num">{g.joined}</td>
              <td className="num">{g.wallet}</td>
              <td className="num">{percent(g.wallet / Math.max(1, g.joined))}</td>
              <td className="num">{g.paid}</td>
              <td className="num">{percent(g.paid / Math.max(1, g.joined))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UpgradeCard({ effect, lang }: { effect: UpgradeEffect; lang: Lang }) {
  if (effect.lift === null)
    return (
      <p className="muted">
        {lang === 'zh' ? '期内没有可比较的升级会员。' : 'No upgraders to compare in the span.'}
      </p>
    );
  // Fewer upgraders than this: a spend distribution this skewed makes a bootstrap interval too narrow (on the demo
  // chain, with no effect planted, 3 of 8 runs of 100–200 upgraders excluded 0; 650 upgraders held it).
  const few = effect.treated < 300;
  const clear = !few && ((effect.low ?? 0) > 0 || (effect.high ?? 0) < 0);
  return (
    <div>
      <p className="kpi-value" data-testid="upgrade-lift">
        {yuan(effect.lift, true)}
        <span className="muted">
          {' '}
          (95%: {yuan(effect.low)} … {yuan(effect.high)})
        </span>
      </p>
      <p>
        {lang === 'zh'
          ? `升级后 ${effect.days} 天人均消费，与同店、同入会时长、同前期消费档、未升级的会员相比（双重差分）。${few ? '升级会员不足 300 人：消费分布偏斜，区间可能偏窄，结论仅供参考。' : clear ? '区间不含 0：差异显著。' : '区间含 0：看不出升级带来的差异。'}`
          : `Spend per upgrader in the ${effect.days} days after, against members of the same store, tenure and prior spend who did not upgrade (difference in differences). ${few ? 'Fewer than 300 upgraders: spend this skewed may make the interval too narrow; read it with care.' : clear ? 'The interval excludes 0.' : 'The interval includes 0: no difference shown.'}`}
      </p>
      <p className="muted">
        {lang === 'zh'
          ? `升级会员 ${effect.treated} 人，对照 ${effect.control} 人；前期人均消费 ${yuan(effect.preTreated)} 对 ${yuan(effect.preControl)}。简单对比（不配对）会说 ${yuan(effect.naive, true)}。`
          : `${effect.treated} upgraders, ${effect.control} controls; spend before ${yuan(effect.preTreated)} vs ${yuan(effect.preControl)}. A naive comparison (unmatched) would say ${yuan(effect.naive, true)}.`}
        {effect.monthsLeftOut.length > 0 &&
          (lang === 'zh'
            ? ` 数据尚不足以跟踪的月份未计入：${effect.monthsLeftOut.join('、')}。`
            : ` Months the data cannot follow yet are left out: ${effect.monthsLeftOut.join(', ')}.`)}
      </p>
    </div>
  );
}

function RfmTab({ lang, onPick }: { lang: Lang; onPick: (segment: string) => void }) {
  const answer = useAnswer(() => api.memberSegments(), 'once');
  const segments: SegmentsAnswer['segments'] = answer.data?.segments ?? [];
  const total = segments.reduce((s, x) => s + x.members, 0);
  return (
    <section className="card">
      <h2>
        {lang === 'zh' ? 'RFM 八类会员' : 'The eight RFM segments'}
        {answer.data?.asOf && (
          <span className="muted">
            {' '}
            · {lang === 'zh' ? `评分日 ${answer.data.asOf}` : `scored ${answer.data.asOf}`}
          </span>
        )}
      </h2>
      <Problem error={answer.error} lang={lang} />
      {answer.data && !answer.data.asOf && (
        <p className="muted">
          {lang === 'zh'
            ? '尚未评分：运行 zhongtai members score。'
            : 'Not scored yet: run zhongtai members score.'}
        </p>
      )}
      <div className="rfm-grid" data-testid="rfm-grid">
        {segments.map((s) => (
          <button
            type="button"
            className="card rfm-cell"
            key={s.segment}
            onClick={() => onPick(s.segment)}
            data-testid={`rfm-${s.segment}`}
          >
            <strong>{s.label[lang]}</strong>
            <span className="muted">
              R{s.r ? '↑' : '↓'} F{s.f ? '↑' : '↓'} M{s.m ? '↑' : '↓'}
            </span>
            <span className="kpi-value">{s.members.toLocaleString()}</span>
            <span>
              {percent(s.members / Math.max(1, total))} · {money(s.monetary, lang)}
            </span>
            <span className="muted">
              {lang === 'zh'
                ? `平均 ${s.recency === null ? '—' : Math.round(s.recency)} 天前 · ${s.frequency === null ? '—' : s.frequency.toFixed(1)} 单`
                : `${s.recency === null ? '—' : Math.round(s.recency)} days ago · ${s.frequency === null ? '—' : s.frequency.toFixed(1)} orders`}
            </span>
          </button>
        ))}
      </div>
      <Movement lang={lang} labels={new Map(segments.map((x) => [x.segment, x.label[lang]]))} />
      <p className="muted">
        {lang === 'zh'
          ? '近一年的订单：R 最近一次消费、F 次数、M 金额，各与会员平均比高低（↑ 优于平均）。点击一类查看会员。'
          : 'Orders of the year to the scoring day: recency, frequency and spend, each better (↑) or worse than the members’ average. Click a segment for its members.'}
      </p>
    </section>
  );
}

/** Members from each segment a month ago (rows) to each now (columns): who moved up, who slipped, who left. */
function Movement({ lang, labels }: { lang: Lang; labels: Map<string, string> }) {
  const answer = useAnswer(() => api.rfmMovement(30), 'once');
  const moves = answer.data?.moves ?? [];
  if (!moves.length) return <Problem error={answer.error} lang={lang} />;
  const none = lang === 'zh' ? '（无订单）' : '(no orders)';
  const ids = [...labels.keys(), 'none'];
  const name = (id: string) => (id === 'none' ? none : (labels.get(id) ?? id));
  const cell = (from: string, to: string) => moves.find((m) => m.from === from && m.to === to)?.members ?? 0;
  return (
    <div className="scroll" data-testid="rfm-movement">
      <h3>
        {lang === 'zh'
          ? `分层迁移：${answer.data?.since} → ${answer.data?.date}（行：当时，列：现在）`
          : `Moves: ${answer.data?.since} → ${answer.data?.date} (rows then, columns now)`}
      </h3>
      <table className="table compact">
        <thead>
          <tr>
            <th />
            {ids.map((to) => (
              <th key={to} className="num">
                {name(to)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ids.map((from) => (
            <tr key={from}>
              <th>{name(from)}</th>
              {ids.map((to) => (
                <td key={to} className={`num${from === to ? ' strong' : ''}`}>
                  {from === 'none' && to === 'none' ? '' : cell(from, to) || ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CohortsTab({ lang }: { lang: Lang }) {
  const [by, setBy] = useState<'first_purchase' | 'registration'>('first_purchase');
  const [channel, setChannel] = useState('');
  const answer = useAnswer(() => api.memberCohorts(by, channel || undefined), `${by}|${channel}`);
  const cohorts: Cohort[] = answer.data?.cohorts ?? [];
  return (
    <section className="card">
      <h2>
        {lang === 'zh' ? '同期群留存（按' : 'Retention by cohort of '}
        <select value={by} onChange={(e) => setBy(e.target.value as typeof by)} data-testid="cohort-by">
          <option value="first_purchase">{lang === 'zh' ? '首购月' : 'first purchase'}</option>
          <option value="registration">{lang === 'zh' ? '注册月' : 'registration'}</option>
        </select>
        {lang === 'zh' ? '）' : ''}
        <select value={channel} onChange={(e) => setChannel(e.target.value)} data-testid="cohort-channel">
          <option value="">{lang === 'zh' ? '全部注册渠道' : 'every channel'}</option>
          <option value="mini_program">{lang === 'zh' ? '小程序' : 'mini-program'}</option>
          <option value="pos">{lang === 'zh' ? '门店收银' : 'POS'}</option>
          <option value="delivery">{lang === 'zh' ? '外卖/到家' : 'delivery'}</option>
          <option value="app">App</option>
        </select>
      </h2>
      <Problem error={answer.error} lang={lang} />
      {cohorts.length > 0 && (
        <Chart
          option={cohortHeatmap(cohorts, lang)}
          height={Math.max(260, 28 * cohorts.length + 80)}
          testId="cohort-heatmap"
        />
      )}
      <p className="muted">
        {lang === 'zh'
          ? '每格：该月份入群的会员在其后第 N 个月仍有消费的比例；悬停可见人均消费。'
          : 'Each cell: the share of the cohort who bought in its Nth month; hover for spend per member.'}
      </p>
    </section>
  );
}

function ClvTab({ lang }: { lang: Lang }) {
  const answer = useAnswer(() => api.memberSegments(), 'once');
  const values = answer.data?.values ?? [];
  return (
    <>
      <section className="kpis" data-testid="clv-bands">
        {(answer.data?.bands ?? []).map((b) => (
          <div className="card kpi" key={b.band}>
            <h3>{b.label[lang]}</h3>
            <div className="kpi-value">{b.members.toLocaleString()}</div>
            <div className="muted">
              {lang === 'zh' ? '未来一年预期消费 ' : 'expected next year '}
              {money(b.value, lang)}
            </div>
          </div>
        ))}
      </section>
      <section className="card">
        <h2>
          {lang === 'zh'
            ? '会员终身价值分布（未来一年预期消费）'
            : 'Lifetime value: expected spend over the next year'}
        </h2>
        <Problem error={answer.error} lang={lang} />
        {values.length > 0 && <Chart option={histogram(values, lang)} height={300} testId="clv-histogram" />}
        <p className="muted">
          {lang === 'zh'
            ? 'BG/NBD 购买模型 × Gamma-Gamma 客单模型（Fader、Hardie、Lee 2005），以最大似然拟合；按会员评分日计算。'
            : 'BG/NBD purchases × Gamma-Gamma spend (Fader, Hardie and Lee 2005), fitted by maximum likelihood, as of the scoring day.'}
        </p>
      </section>
    </>
  );
}

function MembersTab({
  lang,
  segment,
  onSegment,
}: {
  lang: Lang;
  segment: string | undefined;
  onSegment: (s: string | undefined) => void;
}) {
  const [band, setBand] = useState<string | undefined>();
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  const answer = useAnswer(
    () => api.scoredMembers({ segment, band, offset, limit: 50 }),
    JSON.stringify([segment, band, offset]),
  );
  const segments = useAnswer(() => api.memberSegments(), 'once');
  const labels = useMemo(
    () => new Map((segments.data?.segments ?? []).map((s) => [s.segment, s.label[lang]])),
    [segments.data, lang],
  );
  const members: ScoredMember[] = answer.data?.members ?? [];
  return (
    <section className="card">
      <h2>{lang === 'zh' ? '会员列表' : 'Members'}</h2>
      <div className="filters">
        <select
          value={segment ?? ''}
          onChange={(e) => {
            onSegment(e.target.value || undefined);
            setOffset(0);
          }}
          data-testid="member-segment"
        >
          <option value="">{lang === 'zh' ? '全部分层' : 'All segments'}</option>
          {[...labels].map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </select>
        <select
          value={band ?? ''}
          onChange={(e) => {
            setBand(e.target.value || undefined);
            setOffset(0);
          }}
        >
          <option value="">{lang === 'zh' ? '全部价值档' : 'All value bands'}</option>
          {(segments.data?.bands ?? []).map((b) => (
            <option key={b.band} value={b.band}>
              {b.label[lang]}
            </option>
          ))}
        </select>
        <span className="muted">
          {answer.data ? `${answer.data.total.toLocaleString()} ${lang === 'zh' ? '人' : 'members'}` : ''}
        </span>
      </div>
      <Problem error={answer.error} lang={lang} />
      <div className="scroll">
        <table className="table" data-testid="member-list">
          <thead>
            <tr>
              <th>{lang === 'zh' ? '会员' : 'Member'}</th>
              <th>{lang === 'zh' ? '门店' : 'Store'}</th>
              <th>{lang === 'zh' ? '等级' : 'Tier'}</th>
              <th>{lang === 'zh' ? '分层' : 'Segment'}</th>
              <th className="num">{lang === 'zh' ? '近一年消费' : 'Spend (year)'}</th>
              <th className="num">{lang === 'zh' ? '活跃概率' : 'P(alive)'}</th>
              <th className="num">{lang === 'zh' ? '预期价值' : 'Expected value'}</th>
            </tr>
          </thead>
          <tbody>
            {/* Rows wait for the segments' names: a code never shows in place of its label. */}
            {(segments.data ? members : []).map((m) => (
              <tr
                key={m.member}
                className="clickable"
                onClick={() => setOpen(m.member)}
                data-testid="member-row"
              >
                <td>{m.code ?? m.member}</td>
                <td>{m.store ?? '—'}</td>
                <td>{tierName(m.tier, lang)}</td>
                <td>{m.segment ? (labels.get(m.segment) ?? m.segment) : '—'}</td>
                <td className="num">{money(m.monetary, lang)}</td>
                <td className="num">{m.pAlive === null ? '—' : percent(m.pAlive)}</td>
                <td className="num">{m.expectedValue === null ? '—' : money(m.expectedValue, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="filters">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 50))}>
          {lang === 'zh' ? '上一页' : 'Previous'}
        </button>
        <button
          type="button"
          disabled={!answer.data || offset + 50 >= answer.data.total}
          onClick={() => setOffset(offset + 50)}
        >
          {lang === 'zh' ? '下一页' : 'Next'}
        </button>
      </div>
      {open !== null && <MemberStory id={open} lang={lang} onClose={() => setOpen(null)} />}
    </section>
  );
}

function MemberStory({ id, lang, onClose }: { id: number; lang: Lang; onClose: () => void }) {
  const answer = useAnswer<MemberHistoryAnswer>(() => api.memberStory(id), String(id));
  const story = answer.data;
  return (
    <div className="card member-story" data-testid="member-story">
      <button type="button" className="close" onClick={onClose} aria-label={lang === 'zh' ? '关闭' : 'Close'}>
        ×
      </button>
      <Problem error={answer.error} lang={lang} />
      {story && (
        <>
          <h3>
            {story.member.code ?? story.member.member} · {tierName(story.member.tier, lang)} ·{' '}
            {story.member.store ?? ''}
          </h3>
          <p className="muted">
            {lang === 'zh'
              ? `${story.member.registeredAt} 经 ${story.member.channel} 注册${story.member.recruitedBy ? `，导购 ${story.member.recruitedBy}` : ''}`
              : `Joined ${story.member.registeredAt} via ${story.member.channel}${story.member.recruitedBy ? `, recruited by ${story.member.recruitedBy}` : ''}`}
          </p>
          <Chart
            height={200}
            option={{
              tooltip: { trigger: 'axis' },
              grid: { left: 60, right: 16, top: 16, bottom: 28 },
              xAxis: { type: 'category', data: story.months.map((m) => m.month) },
              yAxis: { type: 'value' },
              series: [
                {
                  type: 'bar',
                  name: lang === 'zh' ? '月消费' : 'Spend',
                  data: story.months.map((m) => Number(m.net)),
                },
              ],
            }}
          />
          <div className="scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>{lang === 'zh' ? '时间' : 'Time'}</th>
                  <th>{lang === 'zh' ? '门店' : 'Store'}</th>
                  <th>{lang === 'zh' ? '渠道' : 'Channel'}</th>
                  <th className="num">{lang === 'zh' ? '金额' : 'Amount'}</th>
                </tr>
              </thead>
              <tbody>
                {story.orders.slice(0, 12).map((o) => (
                  <tr key={o.order}>
                    <td>{o.ts}</td>
                    <td>{o.store ?? '—'}</td>
                    <td>{o.channel}</td>
                    <td className="num">{money(o.net, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

function ClerksTab({ lang }: { lang: Lang }) {
  const answer = useAnswer(() => api.clerks(), 'once');
  const clerks: ClerkResult[] = answer.data?.clerks ?? [];
  return (
    <section className="card">
      <h2>
        {lang === 'zh' ? '导购拉新与业绩' : 'Members recruited by each employee'}
        {answer.data && (
          <span className="muted">
            {' '}
            · {answer.data.from} … {answer.data.to}
          </span>
        )}
      </h2>
      <Problem error={answer.error} lang={lang} />
      <div className="scroll">
        <table className="table" data-testid="clerk-table">
          <thead>
            <tr>
              <th>{lang === 'zh' ? '门店' : 'Store'}</th>
              <th className="num">#</th>
              <th>{lang === 'zh' ? '员工' : 'Employee'}</th>
              <th className="num">{lang === 'zh' ? '累计拉新' : 'Recruits'}</th>
              <th className="num">{lang === 'zh' ? '期内新增' : 'Joined'}</th>
              <th className="num">{lang === 'zh' ? '复购率' : 'Repurchase'}</th>
              <th className="num">{lang === 'zh' ? '期内升级' : 'Upgrades'}</th>
              <th className="num">{lang === 'zh' ? '会员消费' : 'Their sales'}</th>
            </tr>
          </thead>
          <tbody>
            {clerks.map((c) => (
              <tr key={c.employee}>
                <td>{c.storeName}</td>
                <td className="num">{c.rank}</td>
                <td>{c.name}</td>
                <td className="num">{c.recruits}</td>
                <td className="num">{c.joined}</td>
                <td className="num">{percent(c.repeaters / Math.max(1, c.buyers))}</td>
                <td className="num">{c.upgrades}</td>
                <td className="num">{yuan(c.sales)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        {lang === 'zh'
          ? '复购率 = 期内下单 2 次及以上的拉新会员 ÷ 期内下单的拉新会员；门店内按会员消费排名。'
          : 'Repurchase = recruits with 2+ orders in the span ÷ recruits who bought; ranked within each store by their sales.'}
      </p>
    </section>
  );
}
