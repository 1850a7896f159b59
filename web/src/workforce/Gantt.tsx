import { useRef, useState } from 'react';
import type { WeekPlan, WorkforceShift } from '../api';
import type { Lang } from '../format';
import { hhmm, roleName, WEEKDAYS } from './text';

/** Where a shift is being dragged: by how many whole hours, and whether its end (Shift held) or all of it. */
interface Drag {
  index: number;
  x: number;
  width: number;
  hours: number;
  resize: boolean;
}

/**
 * The week per employee: a row each, a day per column, each day its working hours wide with the shift as a bar. Dragging a
 * bar moves it by whole hours (Shift held: moves its end); a double-click removes it, and on an empty day adds
 * 09:00–17:00 in the person's first role. Every change goes to `onChange`, which has the server check it.
 */
export function Gantt({
  plan,
  shifts,
  lang,
  editable,
  onChange,
}: {
  plan: WeekPlan;
  shifts: WorkforceShift[];
  lang: Lang;
  editable: boolean;
  onChange: (next: WorkforceShift[]) => void;
}) {
  const zh = lang === 'zh';
  const [drag, setDrag] = useState<Drag | null>(null);
  const moved = useRef(false);
  const moveBy = (s: WorkforceShift, d: Drag): WorkforceShift => {
    const minutes = d.hours * 60;
    if (d.resize) return { ...s, end: Math.min(s.start + 24 * 60, Math.max(s.start + 60, s.end + minutes)) };
    // A shift stays on its date (it may run into the next morning): it starts by 23:00 at the latest.
    const start = Math.min(23 * 60, Math.max(0, s.start + minutes));
    return { ...s, start, end: start + (s.end - s.start) };
  };
  // The day drawn from the earliest hour anyone is needed or works to the latest, not 0–24 h: wider bars.
  const needed = plan.score.byRole
    .flatMap((r) => r.required.map((v, h) => (v > 0 ? h % 24 : -1)))
    .filter((h) => h >= 0);
  const from = Math.min(...needed.map((h) => h * 60), ...shifts.map((s) => s.start), 24 * 60) || 0;
  const to = Math.max(
    ...needed.map((h) => h * 60 + 60),
    ...shifts.map((s) => Math.min(s.end, 1440)),
    from + 60,
  );
  const span = to - from;
  const hoursOf = (s: WorkforceShift) => (s.end - s.start) / 60;
  const weekHours = (employee: string) =>
    shifts.filter((s) => s.employee === employee).reduce((sum, s) => sum + hoursOf(s), 0);
  return (
    <div className="gantt-scroll">
      <table className="table gantt" data-testid="workforce-gantt">
        <thead>
          <tr>
            <th>{zh ? '员工' : 'Employee'}</th>
            {plan.dates.map((d, k) => (
              <th key={d}>
                {WEEKDAYS[lang][k]} {d.slice(5)}
              </th>
            ))}
            <th className="num">{zh ? '周工时' : 'Week h'}</th>
          </tr>
        </thead>
        <tbody>
          {plan.staff.map((person) => (
            <tr key={person.id} data-testid={`gantt-row-${person.id}`}>
              <th scope="row">
                {person.name}
                <span className="muted"> {person.skills.map((r) => roleName(r, lang)).join('/')}</span>
              </th>
              {plan.dates.map((date) => {
                const index = shifts.findIndex((s) => s.employee === person.id && s.date === date);
                const shift = shifts[index];
                const shown = shift && drag?.index === index ? moveBy(shift, drag) : shift;
                return (
                  <td
                    key={date}
                    className="gantt-day"
                    onDoubleClick={() => {
                      if (!editable || shift) return;
                      onChange([
                        ...shifts,
                        {
                          store: String(plan.store),
                          employee: person.id,
                          date,
                          start: 9 * 60,
                          end: 17 * 60,
                          role: person.skills[0] ?? person.role,
                        },
                      ]);
                    }}
                  >
                    {shown && (
                      <button
                        type="button"
                        className="gantt-bar"
                        data-testid={`shift-${person.id}-${date}`}
                        title={`${hhmm(shown.start)}–${hhmm(shown.end)} ${roleName(shown.role, lang)}`}
                        style={{
                          left: `${((shown.start - from) / span) * 100}%`,
                          width: `${((Math.min(shown.end, to) - shown.start) / span) * 100}%`,
                        }}
                        onPointerDown={(e) => {
                          if (!editable) return;
                          e.currentTarget.setPointerCapture(e.pointerId);
                          moved.current = false;
                          const cell = e.currentTarget.parentElement as HTMLElement;
                          setDrag({
                            index,
                            x: e.clientX,
                            width: cell.clientWidth,
                            hours: 0,
                            resize: e.shiftKey,
                          });
                        }}
                        onPointerMove={(e) => {
                          if (!drag || drag.index !== index) return;
                          const hours = Math.round(((e.clientX - drag.x) / drag.width) * (span / 60));
                          if (hours !== drag.hours) {
                            moved.current = true;
                            setDrag({ ...drag, hours });
                          }
                        }}
                        onPointerUp={() => {
                          if (!drag || drag.index !== index) return;
                          const done = drag;
                          setDrag(null);
                          if (done.hours !== 0 && shift)
                            onChange(shifts.map((s, k) => (k === index ? moveBy(s, done) : s)));
                        }}
                        onDoubleClick={(e) => {
                          e.stopPropagation();
                          if (editable && !moved.current) onChange(shifts.filter((_, k) => k !== index));
                        }}
                      >
                        {hhmm(shown.start)}–{hhmm(shown.end)} {roleName(shown.role, lang)}
                      </button>
                    )}
                  </td>
                );
              })}
              <td className="num">{weekHours(person.id)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
