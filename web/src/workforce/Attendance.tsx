import { Problem, useAnswer } from '../analytics/MemberAnalytics';
import { api } from '../api';
import { addDays, type Lang } from '../format';
import { hhmm, roleName, STATUS } from './text';

/** 考勤: the week's attendance against the published shifts, exceptions first, and each person's accrued hours. */
export function AttendanceTab({ lang, store, week }: { lang: Lang; store: number; week: string }) {
  const zh = lang === 'zh';
  const to = addDays(week, 6);
  const seen = useAnswer(() => api.attendance(store, week, to), `${store}:${week}`);
  const data = seen.data;
  const exceptions = data?.records.filter((r) => r.status !== 'ok').length ?? 0;
  return (
    <>
      <Problem error={seen.error} lang={lang} />
      {data && (
        <section className="card">
          <h3 data-testid="attendance-summary">
            {zh
              ? `${week} … ${to}：${data.records.length} 个班次/打卡，异常 ${exceptions} 条`
              : `${week} … ${to}: ${data.records.length} shifts or punches, ${exceptions} exceptions`}
          </h3>
          {data.records.length === 0 && (
            <p className="muted">
              {zh ? '本周尚无已发布的排班或打卡。' : 'No published shifts or punches this week.'}
            </p>
          )}
          <div className="gantt-scroll">
            <table className="table" data-testid="attendance-records">
              <thead>
                <tr>
                  <th>{zh ? '日期' : 'Date'}</th>
                  <th>{zh ? '员工' : 'Employee'}</th>
                  <th>{zh ? '班次' : 'Shift'}</th>
                  <th>{zh ? '上班卡' : 'In'}</th>
                  <th>{zh ? '下班卡' : 'Out'}</th>
                  <th>{zh ? '状态' : 'Status'}</th>
                  <th className="num">{zh ? '计薪工时' : 'Paid h'}</th>
                  <th className="num">{zh ? '加班' : 'Overtime h'}</th>
                </tr>
              </thead>
              <tbody>
                {data.records.map((r) => (
                  <tr
                    key={`${r.employee}|${r.date}|${r.clockIn}|${r.shift?.start}`}
                    className={r.status === 'ok' ? undefined : 'exception'}
                  >
                    <td>{r.date}</td>
                    <td>{r.name}</td>
                    <td>
                      {r.shift
                        ? `${hhmm(r.shift.start)}–${hhmm(r.shift.end)} ${roleName(r.shift.role, lang)}`
                        : '—'}
                    </td>
                    <td>{r.clockIn?.slice(11, 16) ?? '—'}</td>
                    <td>{r.clockOut?.slice(11, 16) ?? '—'}</td>
                    <td>
                      {STATUS[r.status]?.[lang] ?? r.status}
                      {r.lateMinutes > 0 ? ` ${r.lateMinutes}′` : ''}
                      {r.earlyLeaveMinutes > 0 ? ` ${r.earlyLeaveMinutes}′` : ''}
                    </td>
                    <td className="num">{r.paidHours.toFixed(2)}</td>
                    <td className="num">{r.overtimeHours ? r.overtimeHours.toFixed(1) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>
            {zh
              ? '工时核算（按规则包：工作日 150%、休息日 200%、法定节假日 300%）'
              : 'Accrued hours (workday 150%, rest day 200%, statutory holiday 300%)'}
          </h3>
          <table className="table" data-testid="attendance-accruals">
            <thead>
              <tr>
                <th>{zh ? '员工' : 'Employee'}</th>
                <th className="num">{zh ? '计薪工时' : 'Paid h'}</th>
                <th className="num">{zh ? '标准工时' : 'Regular h'}</th>
                <th className="num">{zh ? '工作日加班' : 'Workday OT'}</th>
                <th className="num">{zh ? '休息日加班' : 'Rest-day OT'}</th>
                <th className="num">{zh ? '节假日加班' : 'Holiday OT'}</th>
                <th className="num">{zh ? '应发工资' : 'Pay'}</th>
              </tr>
            </thead>
            <tbody>
              {data.accruals.map((a) => (
                <tr key={a.employee}>
                  <td>
                    {a.name}
                    {a.breaches.length > 0 && <span className="error"> {a.breaches.join('；')}</span>}
                  </td>
                  <td className="num">{a.paidHours.toFixed(2)}</td>
                  <td className="num">{a.regularHours.toFixed(2)}</td>
                  <td className="num">{a.overtime.workday.toFixed(2)}</td>
                  <td className="num">{a.overtime.restDay.toFixed(2)}</td>
                  <td className="num">{a.overtime.holiday.toFixed(2)}</td>
                  <td className="num">¥{a.pay}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
