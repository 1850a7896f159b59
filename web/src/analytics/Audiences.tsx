import { type FormEvent, useEffect, useState } from 'react';
import { type Audience, type AudienceRule, api, type SegmentsAnswer } from '../api';
import type { Lang } from '../format';
import { Problem, useAnswer } from './MemberAnalytics';

const TIERS = [
  ['registered', { zh: '注册会员', en: 'Registered' }],
  ['wallet', { zh: '储值会员', en: 'Wallet' }],
  ['paid', { zh: '付费会员', en: 'Paid' }],
] as const;
const DIMENSIONS = [
  ['category_l1', { zh: '一级品类', en: 'Category L1' }],
  ['category_l2', { zh: '二级品类', en: 'Category L2' }],
  ['brand', { zh: '品牌', en: 'Brand' }],
  ['store', { zh: '门店', en: 'Store' }],
  ['channel', { zh: '渠道', en: 'Channel' }],
] as const;
const RESPONSES = [
  ['targeted', { zh: '被触达', en: 'targeted' }],
  ['redeemed', { zh: '已核销', en: 'redeemed' }],
  ['not_redeemed', { zh: '触达未核销', en: 'targeted, not redeemed' }],
  ['holdout', { zh: '对照组', en: 'hold-out' }],
] as const;

interface Draft {
  segments: string[];
  bands: string[];
  tiers: string[];
  registeredFrom: string;
  registeredTo: string;
  minSpend: string;
  minRecencyDays: string;
  boughtDimension: string;
  boughtValues: string;
  boughtDays: string;
  campaign: string;
  response: string;
}
const BLANK: Draft = {
  segments: [],
  bands: [],
  tiers: [],
  registeredFrom: '',
  registeredTo: '',
  minSpend: '',
  minRecencyDays: '',
  boughtDimension: 'category_l1',
  boughtValues: '',
  boughtDays: '90',
  campaign: '',
  response: 'redeemed',
};

/** The rule a draft says: only what was filled in (an empty rule is every member within the reader's stores). */
export function ruleOf(d: Draft): AudienceRule {
  const values = d.boughtValues
    .split(/[,，、\n]/)
    .map((v) => v.trim())
    .filter(Boolean);
  return {
    ...(d.segments.length ? { segments: d.segments as AudienceRule['segments'] } : {}),
    ...(d.bands.length ? { bands: d.bands as AudienceRule['bands'] } : {}),
    ...(d.tiers.length ? { tiers: d.tiers as AudienceRule['tiers'] } : {}),
    ...(d.registeredFrom ? { registeredFrom: d.registeredFrom } : {}),
    ...(d.registeredTo ? { registeredTo: d.registeredTo } : {}),
    ...(d.minSpend ? { minSpend: Number(d.minSpend) } : {}),
    ...(d.minRecencyDays ? { minRecencyDays: Number(d.minRecencyDays) } : {}),
    ...(values.length
      ? {
          bought: {
            dimension: d.boughtDimension as NonNullable<AudienceRule['bought']>['dimension'],
            values,
            days: Number(d.boughtDays || 90),
          },
        }
      : {}),
    ...(d.campaign
      ? {
          campaign: {
            id: Number(d.campaign),
            response: d.response as NonNullable<AudienceRule['campaign']>['response'],
          },
        }
      : {}),
  };
}

const toggle = (list: string[], value: string) =>
  list.includes(value) ? list.filter((v) => v !== value) : [...list, value];

/**
 * 人群圈选: a rule built from segments, value bands, tiers, cohorts, what members bought and how they answered a
 * campaign, with the live count of members it holds; saved as an audience (refreshed daily) and exported for a
 * campaign or a coupon drop — phones masked unless the reader may see them.
 */
export function AudiencesTab({ lang }: { lang: Lang }) {
  const zh = lang === 'zh';
  const [draft, setDraft] = useState<Draft>(BLANK);
  const [name, setName] = useState('');
  const [count, setCount] = useState<{ members: number } | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  const saved = useAnswer(() => api.audiences(), String(round));
  const segments = useAnswer(() => api.memberSegments(), 'once');
  const campaigns = useAnswer(() => api.campaigns().catch(() => ({ campaigns: [] })), 'once');
  const rule = ruleOf(draft);
  const ruleKey = JSON.stringify(rule);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.previewAudience(JSON.parse(ruleKey) as AudienceRule).then(
        (c) => {
          if (!live) return;
          setCount(c);
          setProblem(null);
        },
        (e: unknown) => live && setProblem(e),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [ruleKey]);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const save = (event: FormEvent) => {
    event.preventDefault();
    api.saveAudience({ name: name.trim() || (zh ? '未命名人群' : 'Untitled audience'), rule }).then(
      () => {
        setRound((r) => r + 1);
        setName('');
      },
      (e: unknown) => setProblem(e),
    );
  };
  const act = (work: Promise<unknown>) =>
    work.then(
      () => setRound((r) => r + 1),
      (e: unknown) => setProblem(e),
    );
  const segmentList: SegmentsAnswer['segments'] = segments.data?.segments ?? [];
  return (
    <>
      <form className="card audience-builder" onSubmit={save} data-testid="audience-builder">
        <h2>{zh ? '人群圈选' : 'Build an audience'}</h2>
        <fieldset>
          <legend>{zh ? 'RFM 分层' : 'RFM segments'}</legend>
          {segmentList.map((s) => (
            <label key={s.segment} className="check">
              <input
                type="checkbox"
                checked={draft.segments.includes(s.segment)}
                onChange={() => set({ segments: toggle(draft.segments, s.segment) })}
                data-testid={`aud-segment-${s.segment}`}
              />
              {s.label[lang]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{zh ? '价值档 · 等级' : 'Value band · tier'}</legend>
          {(segments.data?.bands ?? []).map((b) => (
            <label key={b.band} className="check">
              <input
                type="checkbox"
                checked={draft.bands.includes(b.band)}
                onChange={() => set({ bands: toggle(draft.bands, b.band) })}
              />
              {b.label[lang]}
            </label>
          ))}
          {TIERS.map(([id, label]) => (
            <label key={id} className="check">
              <input
                type="checkbox"
                checked={draft.tiers.includes(id)}
                onChange={() => set({ tiers: toggle(draft.tiers, id) })}
                data-testid={`aud-tier-${id}`}
              />
              {label[lang]}
            </label>
          ))}
        </fieldset>
        <fieldset className="audience-fields">
          <legend>{zh ? '同期群 · 消费' : 'Cohort · spend'}</legend>
          <label>
            {zh ? '注册月 从' : 'Joined from'}
            <input
              type="month"
              value={draft.registeredFrom}
              onChange={(e) => set({ registeredFrom: e.target.value })}
            />
          </label>
          <label>
            {zh ? '至' : 'to'}
            <input
              type="month"
              value={draft.registeredTo}
              onChange={(e) => set({ registeredTo: e.target.value })}
            />
          </label>
          <label>
            {zh ? '近一年消费 ≥ ¥' : 'Spend in the year ≥ ¥'}
            <input
              inputMode="decimal"
              value={draft.minSpend}
              onChange={(e) => set({ minSpend: e.target.value })}
            />
          </label>
          <label>
            {zh ? '未消费 ≥ 天' : 'No purchase for ≥ days'}
            <input
              inputMode="numeric"
              value={draft.minRecencyDays}
              onChange={(e) => set({ minRecencyDays: e.target.value })}
            />
          </label>
        </fieldset>
        <fieldset className="audience-fields">
          <legend>{zh ? '购买过' : 'Bought'}</legend>
          <select value={draft.boughtDimension} onChange={(e) => set({ boughtDimension: e.target.value })}>
            {DIMENSIONS.map(([id, label]) => (
              <option key={id} value={id}>
                {label[lang]}
              </option>
            ))}
          </select>
          <input
            placeholder={zh ? '取值，逗号分隔，如 生鲜, 粮油' : 'values, comma-separated'}
            value={draft.boughtValues}
            onChange={(e) => set({ boughtValues: e.target.value })}
            data-testid="aud-bought-values"
          />
          <label>
            {zh ? '近' : 'in the last'}
            <input
              inputMode="numeric"
              value={draft.boughtDays}
              onChange={(e) => set({ boughtDays: e.target.value })}
            />
            {zh ? '天' : 'days'}
          </label>
        </fieldset>
        <fieldset className="audience-fields">
          <legend>{zh ? '活动响应' : 'Campaign response'}</legend>
          <select value={draft.campaign} onChange={(e) => set({ campaign: e.target.value })}>
            <option value="">{zh ? '（不限）' : '(any)'}</option>
            {(campaigns.data?.campaigns ?? []).map((c) => (
              <option key={c.campaign} value={c.campaign}>
                {c.name}
              </option>
            ))}
          </select>
          <select value={draft.response} onChange={(e) => set({ response: e.target.value })}>
            {RESPONSES.map(([id, label]) => (
              <option key={id} value={id}>
                {label[lang]}
              </option>
            ))}
          </select>
        </fieldset>
        <p className="audience-count" data-testid="audience-count">
          {count
            ? zh
              ? `符合条件：${count.members.toLocaleString()} 人`
              : `${count.members.toLocaleString()} members`
            : '…'}
        </p>
        <Problem error={problem} lang={lang} />
        <div className="filters">
          <input
            placeholder={zh ? '人群名称' : 'Audience name'}
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="audience-name"
          />
          <button type="submit" data-testid="audience-save">
            {zh ? '保存人群（每日刷新）' : 'Save (refreshed daily)'}
          </button>
          <button type="button" onClick={() => setDraft(BLANK)}>
            {zh ? '清空条件' : 'Clear'}
          </button>
        </div>
      </form>
      <section className="card">
        <h2>{zh ? '已保存的人群' : 'Saved audiences'}</h2>
        <Problem error={saved.error} lang={lang} />
        <div className="scroll">
          <table className="table" data-testid="audience-list">
            <thead>
              <tr>
                <th>{zh ? '名称' : 'Name'}</th>
                <th className="num">{zh ? '人数' : 'Members'}</th>
                <th>{zh ? '刷新于' : 'Refreshed'}</th>
                <th>{zh ? '创建人' : 'Owner'}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(saved.data?.audiences ?? []).map((a: Audience) => (
                <tr key={a.id}>
                  <td>{a.name}</td>
                  <td className="num">{a.size.toLocaleString()}</td>
                  <td>{a.refreshedAt ?? '—'}</td>
                  <td>{a.owner}</td>
                  <td className="actions">
                    <a href={`/api/v1/audiences/${a.id}/export`} download data-testid="audience-export">
                      {zh ? '导出 CSV' : 'Export CSV'}
                    </a>{' '}
                    <button type="button" onClick={() => act(api.refreshAudience(a.id))}>
                      {zh ? '刷新' : 'Refresh'}
                    </button>{' '}
                    <button type="button" onClick={() => act(api.deleteAudience(a.id))}>
                      {zh ? '删除' : 'Delete'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">
          {zh
            ? '导出的手机号按您的权限脱敏（138****1234）；每次导出记入审计日志。人群只包含您有权查看的门店的会员。'
            : 'Exported phones are masked unless your role may see them; each export is audited. An audience holds members of your stores only.'}
        </p>
      </section>
    </>
  );
}
