import { useEffect, useMemo, useState } from 'react';
import { Problem, useAnswer } from '../analytics/MemberAnalytics';
import { api, can, type RosterScore, type WeekPlan, type WorkforceShift } from '../api';
import { Chart } from '../components/Chart';
import { Tabs } from '../components/Tabs';
import { addDays, type Lang } from '../format';
import { PALETTE } from '../palette';
import { AttendanceTab } from './Attendance';
import { Gantt } from './Gantt';
import { hhmm, mondayOf, roleName, WEEKDAYS } from './text';

type Tab = 'schedule' | 'attendance';
const TABS: [Tab, { zh: string; en: string }][] = [
  ['schedule', { zh: '排班', en: 'Schedule' }],
  ['attendance', { zh: '考勤', en: 'Attendance' }],
];

/**
 * 排班 / 考勤: a store-week's forecast requirement against the staff scheduled, per role and hour; the week as a
 * Gantt per employee, where dragging a shift re-checks every rule and shows what the change does to coverage
 * and wages; the solver's roster as a draft; versions and publishing; then attendance against what was published.
 * A store manager sees her stores only (the server answers 403 for any other).
 */
export function WorkforcePage({ lang, dataEnd }: { lang: Lang; dataEnd: string }) {
  const [tab, setTab] = useState<Tab>('schedule');
  const stores = useAnswer(() => api.workforceStores(), 'once');
  const [store, setStore] = useState<number | null>(null);
  const [week, setWeek] = useState(mondayOf(addDays(dataEnd, 1)));
  const list = stores.data?.stores ?? [];
  useEffect(() => {
    if (store === null && list[0]) setStore(list[0].id);
  }, [list, store]);
  const zh = lang === 'zh';
  return (
    <main className="workforce" data-testid="workforce-page">
      <Tabs tabs={TABS} active={tab} onPick={setTab} lang={lang} testId="workforce-tabs" />
      <section className="controls">
        <label>
          {zh ? '门店' : 'Store'}{' '}
          <select
            data-testid="workforce-store"
            value={store ?? ''}
            onChange={(e) => setStore(Number(e.target.value))}
          >
            {list.map((s) => (
              <option key={s.id} value={s.id}>
                {s.code} {s.name}（{s.staff} {zh ? '人' : 'staff'}）
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => setWeek(addDays(week, -7))}
          aria-label={zh ? '上一周' : 'Previous week'}
        >
          ‹
        </button>
        <label>
          {zh ? '周（周一）' : 'Week (Monday)'}{' '}
          <input
            type="date"
            data-testid="workforce-week"
            value={week}
            onChange={(e) => e.target.value && setWeek(mondayOf(e.target.value))}
          />
        </label>
        <button
          type="button"
          onClick={() => setWeek(addDays(week, 7))}
          aria-label={zh ? '下一周' : 'Next week'}
        >
          ›
        </button>
      </section>
      <Problem error={stores.error} lang={lang} />
      {store !== null && tab === 'schedule' && <ScheduleTab lang={lang} store={store} week={week} />}
      {store !== null && tab === 'attendance' && <AttendanceTab lang={lang} store={store} week={week} />}
    </main>
  );
}

function ScheduleTab({ lang, store, week }: { lang: Lang; store: number; week: string }) {
  const zh = lang === 'zh';
  const [round, setRound] = useState(0);
  const loaded = useAnswer(() => api.workforceWeek(store, week), `${store}:${week}:${round}`);
  const [plan, setPlan] = useState<WeekPlan | null>(null);
  const [shifts, setShifts] = useState<WorkforceShift[]>([]);
  const [score, setScore] = useState<RosterScore | null>(null);
  const [busy, setBusy] = useState('');
  const [problem, setProblem] = useState<unknown>(null);
  const [said, setSaid] = useState('');
  useEffect(() => {
    if (!loaded.data) return;
    setPlan(loaded.data);
    setShifts(loaded.data.roster?.shifts ?? []);
    setScore(loaded.data.score);
  }, [loaded.data]);
  const saved = plan?.roster?.shifts ?? [];
  const edited = JSON.stringify(shifts) !== JSON.stringify(saved);
  const act = async (label: string, work: () => Promise<WeekPlan>, done: (p: WeekPlan) => string) => {
    setBusy(label);
    setProblem(null);
    try {
      const next = await work();
      setPlan(next);
      setShifts(next.roster?.shifts ?? []);
      setScore(next.score);
      setSaid(done(next));
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy('');
    }
  };
  const change = async (next: WorkforceShift[]) => {
    setShifts(next);
    try {
      setScore(await api.checkRoster(store, week, next));
      setProblem(null);
    } catch (error) {
      setProblem(error);
    }
  };
  const version = plan?.roster;
  const canPlan = can('workforce.plan');
  const base = plan?.score;
  const delta = (now: number, before: number | undefined, unit: string) =>
    before === undefined || Math.abs(now - before) < 1e-9
      ? ''
      : ` (${now > before ? '+' : ''}${(now - before).toFixed(unit === '¥' ? 2 : 1)}${unit})`;
  return (
    <>
      {said && (
        <p className="banner" data-testid="workforce-said">
          {said}
        </p>
      )}
      <Problem error={problem ?? loaded.error} lang={lang} />
      {plan && score && (
        <section className="card" data-testid="workforce-summary">
          <div className="controls">
            {canPlan && (
              <button
                type="button"
                data-testid="workforce-solve"
                disabled={Boolean(busy)}
                onClick={() =>
                  act(
                    'solve',
                    () => api.solveWeek(store, week),
                    (p) => solvedText(p, lang),
                  )
                }
              >
                {busy === 'solve'
                  ? zh
                    ? '计算中…（最长 8 秒）'
                    : 'Solving… (up to 8 s)'
                  : zh
                    ? '智能排班'
                    : 'Solve'}
              </button>
            )}
            {canPlan && (
              <button
                type="button"
                data-testid="workforce-save"
                disabled={!edited || Boolean(busy) || score.violations.length > 0}
                onClick={() =>
                  act(
                    'save',
                    () => api.saveRoster(store, week, shifts, version?.version ?? 0),
                    (p) =>
                      zh ? `已保存为版本 ${p.roster?.version}` : `Saved as version ${p.roster?.version}`,
                  )
                }
              >
                {zh ? '保存' : 'Save'}
              </button>
            )}
            {canPlan && version && version.status === 'draft' && (
              <button
                type="button"
                data-testid="workforce-publish"
                disabled={edited || Boolean(busy) || score.violations.length > 0}
                onClick={() =>
                  act(
                    'publish',
                    () => api.publishRoster(store, week, version.version),
                    (p) =>
                      zh
                        ? `已发布版本 ${p.roster?.version}，员工与数据仓库将看到此排班`
                        : `Published version ${p.roster?.version}`,
                  )
                }
              >
                {zh ? `发布版本 ${version.version}` : `Publish version ${version.version}`}
              </button>
            )}
            {edited && (
              <button type="button" onClick={() => change(saved)}>
                {zh ? '撤销修改' : 'Undo edits'}
              </button>
            )}
          </div>
          <p data-testid="workforce-score">
            {zh ? '需求 ' : 'Demand '}
            <b>{score.demandHours}</b> {zh ? '人时 · 覆盖 ' : 'staff-hours · covered '}
            <b>{score.demandHours ? ((score.coveredHours / score.demandHours) * 100).toFixed(1) : '0.0'}%</b>
            {delta(score.coveredHours, edited ? base?.coveredHours : undefined, 'h')}
            {zh ? ' · 超配 ' : ' · over '}
            {score.overHours}
            {zh ? ' 人时 · 工资 ¥' : ' staff-hours · wages ¥'}
            {score.wages}
            {edited && base ? delta(Number(score.wages), Number(base.wages), '¥') : ''}
            {plan.solve?.coverageBoundHours != null &&
              (zh
                ? ` · 任何合规排班最多可覆盖 ${((plan.solve.coverageBoundHours / Math.max(score.demandHours, 1e-9)) * 100).toFixed(1)}%`
                : ` · no legal roster covers more than ${((plan.solve.coverageBoundHours / Math.max(score.demandHours, 1e-9)) * 100).toFixed(1)}%`)}
            {' · '}
            {version
              ? zh
                ? `版本 ${version.version}（${version.status === 'published' ? '已发布' : '草稿'}，${version.madeBy}）${edited ? ' · 有未保存的修改' : ''}`
                : `version ${version.version} (${version.status}, ${version.madeBy})${edited ? ' · unsaved edits' : ''}`
              : zh
                ? '尚无排班'
                : 'no roster yet'}
          </p>
          {score.violations.length > 0 && (
            <ul className="error" data-testid="workforce-violations">
              {score.violations.slice(0, 12).map((v) => (
                <li key={`${v.rule}|${v.employee}|${v.date}|${v.en}`}>
                  [{v.rule}] {plan.staff.find((s) => s.id === v.employee)?.name ?? v.employee}{' '}
                  {zh ? v.zh : v.en}
                </li>
              ))}
            </ul>
          )}
          {plan.solve && plan.solve.gaps.length > 0 && (
            <details data-testid="workforce-gaps">
              <summary>
                {zh
                  ? `未覆盖的需求（${plan.solve.gaps.length} 段）及原因`
                  : `Demand left uncovered (${plan.solve.gaps.length}) and why`}
              </summary>
              <ul>
                {plan.solve.gaps.slice(0, 30).map((g) => (
                  <li key={g.en}>{zh ? g.zh : g.en}</li>
                ))}
              </ul>
            </details>
          )}
        </section>
      )}
      {score && <CoverageChart score={score} lang={lang} />}
      {plan && (
        <section className="card">
          <h3>
            {zh
              ? '本周排班（拖动班次平移；Shift+拖动改下班时间；双击删除或新增）'
              : 'The week (drag to move a shift; Shift+drag to change its end; double-click to remove or add)'}
          </h3>
          <Gantt plan={plan} shifts={shifts} lang={lang} editable={canPlan} onChange={change} />
        </section>
      )}
      {plan && plan.versions.length > 0 && (
        <section className="card">
          <h3>{zh ? '版本' : 'Versions'}</h3>
          <table className="table" data-testid="workforce-versions">
            <tbody>
              {plan.versions.map((v) => (
                <tr key={v.version}>
                  <td>{v.version}</td>
                  <td>
                    {zh ? { draft: '草稿', published: '已发布', replaced: '已被替换' }[v.status] : v.status}
                  </td>
                  <td>{v.madeBy}</td>
                  <td>{v.madeAt.replace('T', ' ').slice(0, 16)}</td>
                  <td>
                    {v.publishedAt
                      ? `${zh ? '发布于' : 'published'} ${v.publishedAt.replace('T', ' ').slice(0, 16)}`
                      : ''}
                  </td>
                  <td>{v.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <button type="button" className="link" onClick={() => setRound(round + 1)}>
        {zh ? '重新载入' : 'Reload'}
      </button>
    </>
  );
}

/** Required against scheduled staff per hour of the week, a line per role. */
function CoverageChart({ score, lang }: { score: RosterScore; lang: Lang }) {
  const zh = lang === 'zh';
  const option = useMemo(() => {
    const hours = Array.from(
      { length: 7 * 24 },
      (_, h) => `${WEEKDAYS[lang][Math.floor(h / 24)]} ${hhmm((h % 24) * 60)}`,
    );
    const series = score.byRole.flatMap((r, k) => [
      {
        name: `${roleName(r.role, lang)} ${zh ? '需求' : 'required'}`,
        type: 'line',
        step: 'end',
        symbol: 'none',
        lineStyle: { type: 'dashed', color: PALETTE[k % PALETTE.length] },
        itemStyle: { color: PALETTE[k % PALETTE.length] },
        data: r.required,
      },
      {
        name: `${roleName(r.role, lang)} ${zh ? '已排' : 'scheduled'}`,
        type: 'line',
        step: 'end',
        symbol: 'none',
        areaStyle: { opacity: 0.12 },
        lineStyle: { color: PALETTE[k % PALETTE.length] },
        itemStyle: { color: PALETTE[k % PALETTE.length] },
        data: r.scheduled,
      },
    ]);
    return {
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 40, right: 16, top: 48, bottom: 28 },
      xAxis: { type: 'category', data: hours, axisLabel: { interval: 23 } },
      yAxis: { type: 'value', minInterval: 1, name: zh ? '人' : 'staff' },
      series,
    };
  }, [score, lang, zh]);
  return (
    <section className="card">
      <h3>{zh ? '需求与排班（每小时人数）' : 'Required and scheduled staff per hour'}</h3>
      <Chart option={option} height={280} testId="workforce-coverage" />
      <p className="muted">
        {zh ? '岗位：' : 'Roles: '}
        {score.byRole.map((r) => roleName(r.role, lang)).join(zh ? '、' : ', ')}
      </p>
    </section>
  );
}

/** What a solve did, in words: proven optimal, or how far its coverage is from the most any legal roster covers. */
function solvedText(p: WeekPlan, lang: Lang): string {
  const zh = lang === 'zh';
  const s = p.solve;
  if (!s) return '';
  const demand = Math.max(p.score.demandHours, 1e-9);
  const short =
    s.coverageBoundHours == null ? null : ((s.coverageBoundHours - p.score.coveredHours) / demand) * 100;
  const how =
    s.status === 'optimal'
      ? zh
        ? '已证明最优'
        : 'proven optimal'
      : short == null
        ? zh
          ? '限时内的最好结果（本店规模大，上限未能在限时内算出）'
          : 'the best found in time (a big store: no bound in time)'
        : zh
          ? `限时内的最好结果，覆盖率距可证上限 ${short.toFixed(1)} 个百分点`
          : `the best found in time, ${short.toFixed(1)} pp below the proven most coverable`;
  return zh
    ? `智能排班完成：${how}，用时 ${s.seconds.toFixed(1)} 秒，存为版本 ${p.roster?.version}（草稿）`
    : `Solved: ${how}, ${s.seconds.toFixed(1)} s, saved as version ${p.roster?.version} (draft)`;
}
