import { useState } from 'react';
import { api, type CampaignEvaluation, type CampaignSeries, can } from '../api';
import { Chart } from '../components/Chart';
import type { Lang } from '../format';
import { money } from '../members/text';
import { percent, yuan } from './charts';
import { Problem, useAnswer } from './MemberAnalytics';

type Evaluated = CampaignEvaluation & { evaluatedAt: string };

const DESIGN = {
  holdout: { zh: '随机对照', en: 'Hold-out' },
  diff_in_diff: { zh: '双重差分', en: 'Diff-in-diff' },
  difference: { zh: '均值差', en: 'Difference' },
  none: { zh: '—', en: '—' },
};

/**
 * 营销活动: every campaign on one standard — cost, cycle, reach, redemption, the incremental sales against a control
 * with its interval, ROI — and a campaign's page with its targeted and control members day by day. What weakens a
 * row (no hold-out, overlapping campaigns, unknown costs) is shown beside it, not hidden.
 */
export function CampaignsPage({ lang }: { lang: Lang }) {
  const [round, setRound] = useState(0);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<unknown>(null);
  const answer = useAnswer(() => api.campaigns(), String(round));
  const [open, setOpen] = useState<number | null>(null);
  const list: Evaluated[] = answer.data?.campaigns ?? [];
  const chosen = list.find((c) => c.campaign === open);
  const zh = lang === 'zh';
  const evaluate = () => {
    setBusy(true);
    setFailed(null);
    api
      .evaluateCampaigns()
      .then(() => setRound((r) => r + 1))
      .catch((e: unknown) => setFailed(e))
      .finally(() => setBusy(false));
  };
  return (
    <main className="campaigns">
      <section className="card">
        <h2>
          {zh ? '营销效果评估' : 'Campaign evaluation'}
          {list[0] && (
            <span className="muted">
              {' '}
              ·{' '}
              {zh
                ? `评估于 ${list[0].evaluatedAt.slice(0, 16)}`
                : `evaluated ${list[0].evaluatedAt.slice(0, 16)}`}
            </span>
          )}
        </h2>
        {can('promotions.edit') && (
          <button type="button" onClick={evaluate} disabled={busy} data-testid="evaluate-campaigns">
            {busy ? (zh ? '评估中…' : 'Evaluating…') : zh ? '重新评估' : 'Evaluate again'}
          </button>
        )}
        <Problem error={answer.error ?? failed} lang={lang} />
        {answer.data && list.length === 0 && (
          <p className="muted">
            {zh
              ? '尚无评估结果：运行 zhongtai campaigns evaluate。'
              : 'No evaluation yet: run zhongtai campaigns evaluate.'}
          </p>
        )}
        <div className="scroll">
          <table className="table" data-testid="campaign-table">
            <thead>
              <tr>
                <th>{zh ? '活动' : 'Campaign'}</th>
                <th>{zh ? '周期' : 'Dates'}</th>
                <th>{zh ? '方法' : 'Design'}</th>
                <th className="num">{zh ? '触达 / 对照' : 'Targeted / control'}</th>
                <th className="num">{zh ? '核销率' : 'Redeemed'}</th>
                <th className="num">{zh ? '人均增量 (95% 区间)' : 'Lift per member (95%)'}</th>
                <th className="num">{zh ? '增量销售' : 'Incremental sales'}</th>
                <th className="num">{zh ? '成本' : 'Cost'}</th>
                <th className="num">ROI</th>
                <th>{zh ? '提示' : 'Notes'}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => {
                const clear = c.liftLow !== null && c.liftHigh !== null && (c.liftLow > 0 || c.liftHigh < 0);
                return (
                  <tr
                    key={c.campaign}
                    className={`clickable${open === c.campaign ? ' active' : ''}`}
                    onClick={() => setOpen(c.campaign)}
                    data-testid="campaign-row"
                  >
                    <td>{c.name}</td>
                    <td>
                      {c.start} … {c.end}
                    </td>
                    <td>{DESIGN[c.design][lang]}</td>
                    <td className="num">
                      {c.targeted.toLocaleString()} / {c.control.toLocaleString()}
                    </td>
                    <td className="num">{percent(c.redemptionRate)}</td>
                    <td className={`num${clear ? ' strong' : ''}`}>
                      {yuan(c.liftPerMember, true)}
                      <span className="muted">
                        {' '}
                        ({yuan(c.liftLow)} … {yuan(c.liftHigh)})
                      </span>
                    </td>
                    <td className="num">{yuan(c.incrementalSales, true)}</td>
                    <td className="num">
                      {c.cost === null ? (zh ? '未知' : 'unknown') : money(c.cost, lang)}
                    </td>
                    <td
                      className={`num${clear ? '' : ' muted'}`}
                      title={
                        clear
                          ? undefined
                          : zh
                            ? '增量区间含 0：ROI 未经证实'
                            : 'The lift’s interval includes 0: ROI not shown to differ from 0'
                      }
                    >
                      {c.roi === null ? '—' : c.roi.toFixed(2)}
                    </td>
                    <td className="muted" title={c.notes.join('\n')}>
                      {c.notes.length ? `⚠ ${c.notes.length}` : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="muted">
          {zh
            ? '人均增量：活动期内目标会员比对照会员多出的人均销售（有随机对照组时直接比较；否则与同期未触达、前一年消费相近的会员做双重差分），区间不含 0 时加粗。ROI = 增量毛利 ÷ 成本（核销券面额 + 其他费用）。'
            : 'Lift: extra sales per targeted member in the campaign against its control (its random hold-out; else members no campaign reached, of like prior spend, by difference in differences); bold where the interval excludes 0. ROI = incremental gross profit ÷ cost (coupon faces redeemed + other costs).'}
        </p>
      </section>
      {chosen && <CampaignDetail campaign={chosen} lang={lang} />}
    </main>
  );
}

function CampaignDetail({ campaign, lang }: { campaign: Evaluated; lang: Lang }) {
  const series = useAnswer<CampaignSeries>(
    () => api.campaignSeries(campaign.campaign),
    String(campaign.campaign),
  );
  const zh = lang === 'zh';
  const days = series.data?.days ?? [];
  return (
    <section className="card" data-testid="campaign-detail">
      <h2>
        {campaign.name} · {campaign.type}
      </h2>
      <div className="kpis">
        <div className="card kpi">
          <h3>{zh ? '人均增量' : 'Lift per member'}</h3>
          <div className="kpi-value">{yuan(campaign.liftPerMember, true)}</div>
          <div className="muted">
            95%: {yuan(campaign.liftLow)} … {yuan(campaign.liftHigh)}
          </div>
        </div>
        <div className="card kpi">
          <h3>{zh ? '增量销售 / 增量毛利' : 'Incremental sales / profit'}</h3>
          <div className="kpi-value">{yuan(campaign.incrementalSales, true)}</div>
          <div className="muted">{yuan(campaign.incrementalGrossProfit, true)}</div>
        </div>
        <div className="card kpi">
          <h3>{zh ? '成本 / ROI' : 'Cost / ROI'}</h3>
          <div className="kpi-value">
            {campaign.cost === null ? (zh ? '未知' : 'unknown') : money(campaign.cost, lang)}
          </div>
          <div className="muted">ROI {campaign.roi === null ? '—' : campaign.roi.toFixed(2)}</div>
        </div>
        <div className="card kpi">
          <h3>{zh ? '前期人均消费（目标 / 对照）' : 'Spend before (targeted / control)'}</h3>
          <div className="kpi-value">{yuan(campaign.preTargeted)}</div>
          <div className="muted">{yuan(campaign.preControl)}</div>
        </div>
      </div>
      <Problem error={series.error} lang={lang} />
      {days.length > 0 && (
        <Chart
          height={300}
          testId="campaign-series"
          option={{
            tooltip: { trigger: 'axis', valueFormatter: (v: number) => `¥${v.toFixed(2)}` },
            legend: { top: 0 },
            grid: { left: 56, right: 16, top: 36, bottom: 28 },
            xAxis: { type: 'category', data: days.map((d) => d.date) },
            yAxis: { type: 'value', name: zh ? '人均销售 ¥' : '¥ per member' },
            series: [
              {
                type: 'line',
                name: zh
                  ? `目标会员（${series.data?.targeted ?? 0}）`
                  : `Targeted (${series.data?.targeted ?? 0})`,
                data: days.map((d) => d.targeted),
                showSymbol: false,
                markArea: {
                  itemStyle: { color: 'rgba(86, 180, 233, 0.12)' },
                  data: [
                    [{ xAxis: campaign.start, name: zh ? '活动期' : 'campaign' }, { xAxis: campaign.end }],
                  ],
                },
              },
              {
                type: 'line',
                name: zh
                  ? `对照会员（${series.data?.control ?? 0}）`
                  : `Control (${series.data?.control ?? 0})`,
                data: days.map((d) => d.control),
                showSymbol: false,
              },
            ],
          }}
        />
      )}
      <ul className="notes" data-testid="campaign-notes">
        <li>
          {zh
            ? `核销 ${campaign.redemptions} 张，中位 ${campaign.daysToRedeem ?? '—'} 天；比较了 ${campaign.analysed} 名目标会员与 ${campaign.control} 名对照会员。`
            : `${campaign.redemptions} coupons redeemed, median ${campaign.daysToRedeem ?? '—'} days; ${campaign.analysed} targeted compared with ${campaign.control} controls.`}
        </li>
        {campaign.notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
    </section>
  );
}
