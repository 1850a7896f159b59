import { type FormEvent, useMemo, useState } from 'react';
import { wholeMonth } from '../../../src/model/periods';
import { Problem, useAnswer } from '../analytics/MemberAnalytics';
import { api, type Catalog, type TargetRow } from '../api';
import { Chart } from '../components/Chart';
import { axisFormatter, formatNumber, type Lang } from '../format';
import { PALETTE } from '../palette';
import { useQuery } from '../useQuery';

const KPIS: TargetRow['kpi'][] = ['net_sales', 'gross_profit', 'orders', 'units'];
const LEVELS: [TargetRow['level'], { zh: string; en: string }][] = [
  ['chain', { zh: '全链', en: 'chain' }],
  ['region', { zh: '大区', en: 'region' }],
  ['format', { zh: '业态', en: 'format' }],
  ['store', { zh: '门店（编码）', en: 'store (code)' }],
];

/**
 * 目标: a month's targets as a grid to type into (a value emptied removes it), saved and phased to store-days at
 * once, with the phased curve of the month beside it — last year's weekday mix and holidays, by day.
 */
export function TargetsPage({ lang, catalog, dataEnd }: { lang: Lang; catalog: Catalog; dataEnd: string }) {
  const zh = lang === 'zh';
  const [month, setMonth] = useState(dataEnd.slice(0, 7));
  const [round, setRound] = useState(0);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<unknown>(null);
  const [said, setSaid] = useState('');
  const [added, setAdded] = useState({
    kpi: 'net_sales' as TargetRow['kpi'],
    level: 'region' as TargetRow['level'],
    code: '',
    value: '',
  });
  const targets = useAnswer(() => api.targets(month), `${month}:${round}`);
  const rows = targets.data?.targets ?? [];
  const key = (r: Pick<TargetRow, 'kpi' | 'level' | 'code'>) => `${r.kpi}|${r.level}|${r.code}`;
  const curve = useQuery(
    useMemo(
      () => ({
        metrics: ['target_net_sales', 'net_sales'],
        grain: 'day' as const,
        timeRange: wholeMonth(month),
      }),
      [month],
    ),
    round,
  );
  const save = (
    changes: { kpi: TargetRow['kpi']; level: TargetRow['level']; code: string; value: string | null }[],
  ) =>
    api.saveTargets(month, changes).then(
      (phased) => {
        setProblem(null);
        setEdits({});
        setSaid(
          zh
            ? `已保存并分解：${phased.targets} 个目标 → ${phased.storeDays} 个门店日（${phased.seconds.toFixed(2)} 秒）`
            : `Saved and phased: ${phased.targets} targets → ${phased.storeDays} store-days in ${phased.seconds.toFixed(2)} s`,
        );
        setRound((r) => r + 1);
      },
      (e: unknown) => setProblem(e),
    );
  const submitGrid = (event: FormEvent) => {
    event.preventDefault();
    const changes = rows
      .filter((r) => edits[key(r)] !== undefined && edits[key(r)] !== r.value)
      .map((r) => ({ kpi: r.kpi, level: r.level, code: r.code, value: edits[key(r)]?.trim() || null }));
    if (changes.length) save(changes);
  };
  const submitNew = (event: FormEvent) => {
    event.preventDefault();
    save([{ ...added, code: added.level === 'chain' ? '' : added.code.trim(), value: added.value.trim() }]);
  };
  const label = (kpi: string) => catalog.metrics.find((m) => m.id === kpi)?.label[lang] ?? kpi;
  const option = useMemo(() => {
    const label = (kpi: string) => catalog.metrics.find((m) => m.id === kpi)?.label[lang] ?? kpi;
    const days = curve.result?.rows ?? [];
    return {
      color: [PALETTE[0], PALETTE[1]],
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatNumber(v, 'CNY', lang) },
      legend: { top: 0, data: [label('target_net_sales'), label('net_sales')] },
      grid: { left: 60, right: 20, top: 36, bottom: 30 },
      xAxis: { type: 'category', data: days.map((r) => String(r.day).slice(5)) },
      yAxis: {
        type: 'value',
        axisLabel: {
          formatter: axisFormatter(
            Math.max(0, ...days.map((r) => Number(r.target_net_sales ?? 0))),
            'CNY',
            lang,
          ),
        },
      },
      series: [
        { name: label('target_net_sales'), type: 'bar', data: days.map((r) => r.target_net_sales) },
        { name: label('net_sales'), type: 'line', data: days.map((r) => r.net_sales) },
      ],
    };
  }, [curve.result, lang, catalog]);
  return (
    <main className="alerts" data-testid="targets-page">
      <Problem error={problem ?? targets.error} lang={lang} />
      {said && <p className="banner">{said}</p>}
      <section className="card">
        <h2>
          {zh ? '月度目标' : 'Monthly targets'}{' '}
          <input
            type="month"
            value={month}
            onChange={(e) => setMonth(e.target.value)}
            data-testid="targets-month"
          />
        </h2>
        <form onSubmit={submitGrid}>
          <table className="table" data-testid="targets-grid">
            <thead>
              <tr>
                <th>{zh ? '指标' : 'KPI'}</th>
                <th>{zh ? '层级' : 'Level'}</th>
                <th>{zh ? '对象' : 'Of'}</th>
                <th>{zh ? '目标值' : 'Target'}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={key(r)}>
                  <td>{label(r.kpi)}</td>
                  <td>{LEVELS.find(([l]) => l === r.level)?.[1][lang]}</td>
                  <td>{r.code || (zh ? '全链' : 'chain')}</td>
                  <td>
                    <input
                      inputMode="decimal"
                      value={edits[key(r)] ?? r.value}
                      onChange={(e) => setEdits({ ...edits, [key(r)]: e.target.value })}
                      aria-label={`${label(r.kpi)} ${r.code}`}
                    />
                  </td>
                </tr>
              ))}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={4} className="muted">
                    {zh
                      ? '本月尚无目标：在下方添加，或用 zhongtai targets import 导入 CSV/Excel'
                      : 'No targets this month: add below, or zhongtai targets import a CSV/xlsx'}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          {rows.length > 0 && (
            <button type="submit" data-testid="targets-save">
              {zh ? '保存修改并分解' : 'Save and phase'}
            </button>
          )}
        </form>
        <form className="alert-form" onSubmit={submitNew} data-testid="targets-add">
          <select
            value={added.kpi}
            onChange={(e) => setAdded({ ...added, kpi: e.target.value as TargetRow['kpi'] })}
          >
            {KPIS.map((k) => (
              <option key={k} value={k}>
                {label(k)}
              </option>
            ))}
          </select>
          <select
            value={added.level}
            onChange={(e) => setAdded({ ...added, level: e.target.value as TargetRow['level'] })}
          >
            {LEVELS.map(([id, l]) => (
              <option key={id} value={id}>
                {l[lang]}
              </option>
            ))}
          </select>
          {added.level !== 'chain' && (
            <input
              placeholder={
                added.level === 'store'
                  ? zh
                    ? '门店编码'
                    : 'store code'
                  : added.level === 'region'
                    ? zh
                      ? '大区名称'
                      : 'region'
                    : 'supermarket / convenience …'
              }
              value={added.code}
              onChange={(e) => setAdded({ ...added, code: e.target.value })}
            />
          )}
          <input
            placeholder={zh ? '目标值（元/单/件）' : 'value'}
            inputMode="decimal"
            value={added.value}
            onChange={(e) => setAdded({ ...added, value: e.target.value })}
          />
          <button type="submit">{zh ? '添加目标' : 'Add target'}</button>
        </form>
        <label className="alert-form" data-testid="targets-import">
          {zh
            ? '导入目标表（CSV / Excel：指标,层级,编码,开始,结束,目标）'
            : 'Import a sheet (CSV / xlsx: kpi, level, code, start, end, value)'}
          <input
            type="file"
            accept=".csv,.xlsx"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              api.importTargets(file).then(
                (r) => {
                  setProblem(null);
                  setSaid(
                    zh
                      ? `已导入「${file.name}」：${r.loaded} 行，拒收 ${r.rejected} 行，未变 ${r.skipped} 行；已分解 ${r.targets} 个目标 → ${r.storeDays} 个门店日`
                      : `Imported ${file.name}: ${r.loaded} rows, ${r.rejected} rejected, ${r.skipped} unchanged; ${r.targets} targets phased to ${r.storeDays} store-days`,
                  );
                  setRound((n) => n + 1);
                },
                (error: unknown) => setProblem(error),
              );
            }}
          />
        </label>
        <p className="muted">
          {zh
            ? '保存即按去年同店同期曲线分解到门店日（星期结构、节假日与春节按日历对齐）；无法分解（门店不存在、同一门店两层目标）时不保存并说明原因。'
            : 'Saving phases each target to store-days by last year’s curve of the same stores (weekdays, holidays and Spring Festival aligned by the calendar); what cannot be phased is not saved, and the reason is given.'}
        </p>
      </section>
      <section className="card">
        <h2>{zh ? '分解预览：销售额目标按日' : 'Phasing: net sales target by day'}</h2>
        <Chart option={option} testId="targets-curve" />
      </section>
    </main>
  );
}
