import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type Adjustment, ApiError, api, currentUser } from '../api';
import type { Lang } from '../format';
import { t } from '../i18n';
import { money } from './text';

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(String(e), String(e)));
/** One key per action a person takes: a double click or a retry after a lost answer is taken once. */
const newKey = () => `web-${crypto.randomUUID()}`;

/** 人工调整: into or out of a member's principal or bonus, with a reason; above the limit it waits. */
export function AdjustForm({ code, lang, onDone }: { code: string; lang: Lang; onDone: () => void }) {
  const [account, setAccount] = useState<'principal' | 'bonus'>('principal');
  const [direction, setDirection] = useState<'in' | 'out'>('in');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(newKey);
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    api
      .adjustWallet(code, { account, direction, amount, reason }, key)
      .then((made) => {
        setResult({
          text: t(made.status === 'posted' ? 'adjustPosted' : 'adjustPending', lang),
          error: false,
        });
        setAmount('');
        setReason('');
        setKey(newKey());
        onDone();
      })
      .catch((e: unknown) => {
        const error = asError(e);
        setResult({ text: lang === 'zh' ? error.messageZh : error.message, error: true });
      });
  };
  return (
    <form className="card adjust-form" onSubmit={submit} data-testid="adjust-form">
      <h2>{t('adjustTitle', lang)}</h2>
      <div className="adjust-fields">
        <select
          aria-label={t('adjustAccount', lang)}
          value={account}
          onChange={(e) => setAccount(e.target.value as 'principal' | 'bonus')}
        >
          <option value="principal">{t('walletPrincipal', lang)}</option>
          <option value="bonus">{t('walletBonus', lang)}</option>
        </select>
        <select
          aria-label={t('entryKind', lang)}
          value={direction}
          onChange={(e) => setDirection(e.target.value as 'in' | 'out')}
        >
          <option value="in">{t('adjustIn', lang)}</option>
          <option value="out">{t('adjustOut', lang)}</option>
        </select>
        <input
          data-testid="adjust-amount"
          inputMode="decimal"
          placeholder="0.00"
          aria-label={t('entryAmount', lang)}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
        <input
          data-testid="adjust-reason"
          placeholder={t('adjustReason', lang)}
          aria-label={t('adjustReason', lang)}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        <button type="submit" data-testid="adjust-submit" disabled={!amount || reason.trim().length < 4}>
          {t('adjustSubmit', lang)}
        </button>
      </div>
      {result && (
        <p className={result.error ? 'banner error' : 'muted'} role="status" data-testid="adjust-result">
          {result.text}
        </p>
      )}
    </form>
  );
}

/** The adjustments waiting for a second person; the one who asked sees theirs without the buttons. */
export function AdjustQueue({ lang, refresh }: { lang: Lang; refresh: number }) {
  const [waiting, setWaiting] = useState<Adjustment[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(() => {
    api
      .adjustments('pending')
      .then((r) => setWaiting(r.adjustments))
      .catch((e: unknown) => setError(asError(e)));
  }, []);
  useEffect(() => {
    void refresh;
    load();
  }, [load, refresh]);
  const me = currentUser()?.username;
  const decide = (id: number, approve: boolean) =>
    api
      .decideAdjustment(id, approve, newKey())
      .then(load)
      .catch((e: unknown) => setError(asError(e)));
  if (!waiting.length && !error) return null;
  return (
    <section className="card" data-testid="adjust-queue">
      <h2>{t('adjustQueue', lang)}</h2>
      {error && <p className="banner error">{lang === 'zh' ? error.messageZh : error.message}</p>}
      <div className="scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t('memberCode', lang)}</th>
              <th>{t('adjustAccount', lang)}</th>
              <th className="num">{t('entryAmount', lang)}</th>
              <th>{t('adjustReasonShort', lang)}</th>
              <th>{t('adjustBy', lang)}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {waiting.map((a) => (
              <tr key={a.id} data-testid="adjust-waiting">
                <td>{a.member}</td>
                <td>{t(a.account === 'principal' ? 'walletPrincipal' : 'walletBonus', lang)}</td>
                <td className="num">{money(a.amount, lang)}</td>
                <td>{a.reason}</td>
                <td>{a.requestedBy}</td>
                <td>
                  {a.requestedBy === me ? (
                    <span className="muted">{t('adjustYours', lang)}</span>
                  ) : (
                    <>
                      <button type="button" data-testid="adjust-approve" onClick={() => decide(a.id, true)}>
                        {t('adjustApprove', lang)}
                      </button>{' '}
                      <button type="button" onClick={() => decide(a.id, false)}>
                        {t('adjustReject', lang)}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
