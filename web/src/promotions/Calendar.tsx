import type { FlashSaleState, PresaleState, PromotionRecord } from '../api';
import { chainDay } from '../chain-time';
import type { Lang } from '../format';

const DAY_MS = 86_400_000;
const plus = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

interface Bar {
  key: string;
  label: string;
  kind: 'promotion' | 'flash' | 'presale';
  from: string | null;
  to: string | null;
  paused?: boolean;
}

/**
 * 促销日历: every promotion, flash sale and pre-sale as a bar over five weeks (the last one and four to come),
 * weekends shaded and today marked — where campaigns overlap, a marketer sees it before the tills do.
 */
export function PromotionCalendar({
  lang,
  promotions,
  flash,
  presales,
  today = chainDay(new Date()),
}: {
  lang: Lang;
  promotions: PromotionRecord[];
  flash: FlashSaleState[];
  presales: PresaleState[];
  today?: string;
}) {
  const first = plus(today, -7);
  const days = Array.from({ length: 35 }, (_, i) => plus(first, i));
  const last = days.at(-1) as string;
  const bars: Bar[] = [
    ...promotions.map((p) => ({
      key: `p:${p.promotion.id}`,
      label: p.promotion.name[lang],
      kind: 'promotion' as const,
      from: p.promotion.scope.from ?? null,
      to: p.promotion.scope.to ?? null,
      paused: !p.active,
    })),
    ...flash.map((f) => ({
      key: `f:${f.sale.id}`,
      label: `${lang === 'zh' ? '秒杀' : 'Flash'} · ${f.sale.name[lang]}`,
      kind: 'flash' as const,
      from: chainDay(f.sale.startsAt),
      to: chainDay(new Date(new Date(f.sale.endsAt).getTime() - 1)),
    })),
    ...presales.map((p) => ({
      key: `s:${p.presale.id}`,
      label: `${lang === 'zh' ? '预售' : 'Pre-sale'} · ${p.presale.name[lang]}`,
      kind: 'presale' as const,
      from: chainDay(p.presale.depositFrom),
      to: chainDay(new Date(new Date(p.presale.balanceTo).getTime() - 1)),
    })),
  ].filter((b) => (b.from ?? first) <= last && (b.to ?? last) >= first);
  const weekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
  return (
    <section className="card">
      <h2>{lang === 'zh' ? '促销日历' : 'Promotion calendar'}</h2>
      <div className="scroll">
        <table className="promo-calendar" data-testid="promotion-calendar">
          <thead>
            <tr>
              <th />
              {days.map((d) => (
                <th
                  key={d}
                  className={`${weekend(d) ? 'weekend' : ''} ${d === today ? 'today' : ''}`}
                  title={d}
                >
                  {d.slice(8) === '01' || d === first ? d.slice(5).replace('-', '/') : d.slice(8)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {bars.map((b) => (
              <tr key={b.key} data-testid="calendar-row">
                <th scope="row">{b.label}</th>
                {days.map((d) => {
                  const on = (b.from ?? first) <= d && d <= (b.to ?? last);
                  return (
                    <td
                      key={d}
                      className={`${weekend(d) ? 'weekend' : ''} ${d === today ? 'today' : ''} ${on ? `on ${b.kind}${b.paused ? ' paused' : ''}${b.from === null && b.to === null ? ' open-ended' : ''}` : ''}`}
                      title={on ? `${b.label} · ${b.from ?? '…'} – ${b.to ?? '…'}` : undefined}
                    />
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        {!bars.length && (
          <p className="muted">{lang === 'zh' ? '这五周没有活动' : 'Nothing runs in these five weeks'}</p>
        )}
      </div>
      <p className="muted">
        {lang === 'zh'
          ? '蓝：促销活动（浅色：长期有效；灰：已停用）；橙：秒杀；绿：预售（定金期至尾款期）'
          : 'Blue: promotions (light: no end date; grey: paused); orange: flash sales; green: pre-sales (deposit to balance)'}
      </p>
    </section>
  );
}
