import { type FormEvent, useState } from 'react';
import {
  ApiError,
  api,
  can,
  type Member,
  type MemberChange,
  type MemberDetail,
  type PointsEntry,
  type WalletEntry,
} from '../api';
import { formatDateTime, type Lang } from '../format';
import { type TextKey, t } from '../i18n';
import { AdjustForm, AdjustQueue } from './Adjustments';
import { RulesCard } from './Rules';
import { lookupOf, money } from './text';

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(String(e), String(e)));

/** 会员中心: find a member (phone masked unless the reader may see it), their profile and ledgers. */
export function MembersPage({ lang }: { lang: Lang }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [changes, setChanges] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [found, setFound] = useState<{
    member: MemberDetail;
    wallet: WalletEntry[];
    points: PointsEntry[];
    history: MemberChange[];
    paidUntil: string | null;
  } | null>(null);

  const find = (event?: FormEvent) => {
    event?.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    api
      .findMember(lookupOf(text))
      .then(async (member: Member) => {
        const [detail, wallet, points, paid, history] = await Promise.all([
          api.member(member.code),
          api.memberWallet(member.code),
          api.memberPoints(member.code),
          api.memberships(member.code),
          api.memberHistory(member.code),
        ]);
        // Paid periods run back to back: benefits last to the end of the last one not refunded.
        const paidUntil =
          paid.memberships.filter(
            (p) => p.refunded === null && p.endsOn >= (paid.active?.startsOn ?? '9999'),
          )[0]?.endsOn ?? null;
        setFound({
          member: detail,
          wallet: wallet.entries,
          points: points.entries,
          history: history.changes,
          paidUntil,
        });
      })
      .catch((e: unknown) => {
        setFound(null);
        setError(asError(e));
      })
      .finally(() => setBusy(false));
  };

  const m = found?.member;
  return (
    <main className="members">
      <form className="member-search card" onSubmit={find}>
        <input
          data-testid="member-search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('memberSearch', lang)}
          aria-label={t('memberSearch', lang)}
        />
        <button type="submit" disabled={busy} data-testid="member-find">
          {t('memberFind', lang)}
        </button>
      </form>
      {can('members.adjust') && <AdjustQueue lang={lang} refresh={changes} />}
      {error && (
        <p className="banner error" role="alert" data-testid="member-error">
          {lang === 'zh' ? error.messageZh : error.message}
        </p>
      )}
      {!m && !error && <p className="muted">{t('memberNone', lang)}</p>}
      {m && found && (
        <>
          <section className="card member-profile" data-testid="member-profile">
            <h2>
              {m.name ?? m.code} <span className="muted">{m.code}</span>
            </h2>
            <dl>
              <dt>{t('memberPhone', lang)}</dt>
              <dd data-testid="member-phone">{m.phone}</dd>
              <dt>{t('memberGeneration', lang)}</dt>
              <dd data-testid="member-generation">
                {t(`gen_${m.generation}` as TextKey, lang)}
                {found.paidUntil && ` · ${t('paidUntil', lang)} ${found.paidUntil}`}
              </dd>
              <dt>{t('memberGrade', lang)}</dt>
              <dd data-testid="member-grade">
                {['normal', 'silver', 'gold', 'diamond'].includes(m.grade)
                  ? t(`grade_${m.grade}` as TextKey, lang)
                  : m.grade}
              </dd>
              <dt>{t('memberHomeStore', lang)}</dt>
              <dd>{m.homeStore ?? '—'}</dd>
              <dt>{t('memberSince', lang)}</dt>
              <dd>{formatDateTime(m.registeredAt)}</dd>
              <dt>{t('memberIds', lang)}</dt>
              <dd>{m.externalIds.map((id) => `${id.kind}:${id.value}`).join(', ') || '—'}</dd>
            </dl>
            <div className="kpis member-balances">
              <div className="kpi">
                <h3>{t('walletBalance', lang)}</h3>
                <div className="kpi-value" data-testid="member-wallet">
                  {money(m.wallet.balance, lang)}
                </div>
                <p className="muted">
                  {t('walletPrincipal', lang)} {money(m.wallet.principal, lang)} · {t('walletBonus', lang)}{' '}
                  {money(m.wallet.bonus, lang)}
                </p>
              </div>
              <div className="kpi">
                <h3>{t('pointsBalance', lang)}</h3>
                <div className="kpi-value" data-testid="member-points">
                  {m.points.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US')}
                </div>
              </div>
            </div>
          </section>
          {can('members.adjust') && (
            <AdjustForm
              code={m.code}
              lang={lang}
              onDone={() => {
                setChanges((n) => n + 1);
                find();
              }}
            />
          )}
          <Ledger
            title={t('walletLedger', lang)}
            testId="wallet-entries"
            lang={lang}
            head={[
              ['entryTime', false],
              ['entryKind', false],
              ['entryAmount', true],
              ['walletPrincipal', true],
              ['walletBonus', true],
              ['entryStore', false],
              ['entryReference', false],
              ['entryAfter', true],
            ]}
            rows={found.wallet.map((e) => ({
              key: e.entry,
              cells: [
                formatDateTime(e.at),
                t(`kind_${e.kind}` as TextKey, lang),
                money(e.amount, lang),
                money(e.principal, lang),
                money(e.bonus, lang),
                e.store ?? '—',
                e.reference ?? '',
                money(e.after.balance, lang),
              ],
            }))}
          />
          <Ledger
            title={t('pointsLedger', lang)}
            testId="points-entries"
            lang={lang}
            head={[
              ['entryTime', false],
              ['entryKind', false],
              ['entryPoints', true],
              ['entryStore', false],
              ['entryReference', false],
              ['entryAfter', true],
            ]}
            rows={found.points.map((e) => ({
              key: e.entry,
              cells: [
                formatDateTime(e.at),
                t(`kind_${e.kind}` as TextKey, lang),
                e.points > 0 ? `+${e.points}` : e.points,
                e.store ?? '—',
                e.reference ?? '',
                e.balance,
              ],
            }))}
          />
          <Ledger
            title={t('memberHistory', lang)}
            testId="member-history"
            lang={lang}
            head={[
              ['entryTime', false],
              ['entryKind', false],
              ['changeFrom', false],
              ['changeTo', false],
            ]}
            rows={found.history.map((c, i) => ({
              key: i,
              cells: [
                formatDateTime(c.at),
                t(`change_${c.change}` as TextKey, lang),
                c.from === null ? '—' : shown(c.change, c.from, lang),
                shown(c.change, c.to, lang),
              ],
            }))}
          />
        </>
      )}
      <RulesCard lang={lang} />
    </main>
  );
}

const GENERATIONS = ['registered', 'wallet', 'paid'];
const GRADES = ['normal', 'silver', 'gold', 'diamond'];

/** A generation or grade in words; a member code (a merge) as it is. */
function shown(change: MemberChange['change'], value: string, lang: Lang): string {
  if ((change === 'generation' || change === 'registered') && GENERATIONS.includes(value))
    return t(`gen_${value}` as TextKey, lang);
  if (change === 'grade' && GRADES.includes(value)) return t(`grade_${value}` as TextKey, lang);
  return value;
}

/** A ledger's entries, newest first: its columns' words and which are numbers (right-aligned). */
function Ledger({
  title,
  testId,
  lang,
  head,
  rows,
}: {
  title: string;
  testId: string;
  lang: Lang;
  head: [TextKey, boolean][];
  rows: { key: number; cells: (string | number)[] }[];
}) {
  return (
    <section className="card">
      <h2>{title}</h2>
      <div className="scroll">
        <table className="table" data-testid={testId}>
          <thead>
            <tr>
              {head.map(([word, numeric]) => (
                <th key={word} className={numeric ? 'num' : undefined}>
                  {t(word, lang)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                {row.cells.map((cell, i) => (
                  <td key={head[i]?.[0]} className={head[i]?.[1] ? 'num' : undefined}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {!rows.length && <p className="muted">{t('noEntries', lang)}</p>}
      </div>
    </section>
  );
}
