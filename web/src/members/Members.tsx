import { type FormEvent, useState } from 'react';
import {
  ApiError,
  api,
  can,
  type Member,
  type MemberDetail,
  type PointsEntry,
  type WalletEntry,
} from '../api';
import { formatDateTime, type Lang } from '../format';
import { type TextKey, t } from '../i18n';
import { AdjustForm, AdjustQueue } from './Adjustments';
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
        const [detail, wallet, points, paid] = await Promise.all([
          api.member(member.code),
          api.memberWallet(member.code),
          api.memberPoints(member.code),
          api.memberships(member.code),
        ]);
        // Paid periods run back to back: benefits last to the end of the last one not refunded.
        const paidUntil =
          paid.memberships.filter(
            (p) => p.refunded === null && p.endsOn >= (paid.active?.startsOn ?? '9999'),
          )[0]?.endsOn ?? null;
        setFound({ member: detail, wallet: wallet.entries, points: points.entries, paidUntil });
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
          <section className="card">
            <h2>{t('walletLedger', lang)}</h2>
            <div className="scroll">
              <table className="table" data-testid="wallet-entries">
                <thead>
                  <tr>
                    <th>{t('entryTime', lang)}</th>
                    <th>{t('entryKind', lang)}</th>
                    <th className="num">{t('entryAmount', lang)}</th>
                    <th className="num">{t('walletPrincipal', lang)}</th>
                    <th className="num">{t('walletBonus', lang)}</th>
                    <th>{t('entryStore', lang)}</th>
                    <th>{t('entryReference', lang)}</th>
                    <th className="num">{t('entryAfter', lang)}</th>
                  </tr>
                </thead>
                <tbody>
                  {found.wallet.map((e) => (
                    <tr key={e.entry}>
                      <td>{formatDateTime(e.at)}</td>
                      <td>{t(`kind_${e.kind}` as TextKey, lang)}</td>
                      <td className="num">{money(e.amount, lang)}</td>
                      <td className="num">{money(e.principal, lang)}</td>
                      <td className="num">{money(e.bonus, lang)}</td>
                      <td>{e.store ?? '—'}</td>
                      <td>{e.reference ?? ''}</td>
                      <td className="num">{money(e.after.balance, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {!found.wallet.length && <p className="muted">{t('noEntries', lang)}</p>}
            </div>
          </section>
          <section className="card">
            <h2>{t('pointsLedger', lang)}</h2>
            <div className="scroll">
              <table className="table" data-testid="points-entries">
                <thead>
                  <tr>
                    <th>{t('entryTime', lang)}</th>
                    <th>{t('entryKind', lang)}</th>
                    <th className="num">{t('entryPoints', lang)}</th>
                    <th>{t('entryStore', lang)}</th>
                    <th>{t('entryReference', lang)}</th>
                    <th className="num">{t('entryAfter', lang)}</th>
                  </tr>
                </thead>
                <tbody>
                  {found.points.map((e) => (
                    <tr key={e.entry}>
                      <td>{formatDateTime(e.at)}</td>
                      <td>{t(`kind_${e.kind}` as TextKey, lang)}</td>
                      <td className="num">{e.points > 0 ? `+${e.points}` : e.points}</td>
                      <td>{e.store ?? '—'}</td>
                      <td>{e.reference ?? ''}</td>
                      <td className="num">{e.balance}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {!found.points.length && <p className="muted">{t('noEntries', lang)}</p>}
            </div>
          </section>
        </>
      )}
    </main>
  );
}
