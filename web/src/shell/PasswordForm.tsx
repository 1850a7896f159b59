import { type FormEvent, useState } from 'react';
import { ApiError, auth } from '../api';
import type { Lang } from '../format';
import { t } from '../i18n';

/** 修改密码: the current password, then the new one twice; other sessions of this person end. */
export function PasswordForm({ lang, onDone }: { lang: Lang; onDone: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [revokeTokens, setRevokeTokens] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next !== again) {
      setMessage({ error: true, text: t('passwordsDiffer', lang) });
      return;
    }
    try {
      const done = await auth.changePassword(current, next, revokeTokens);
      const revoked = done.revokedTokens ? ` · ${done.revokedTokens} ${t('tokensRevoked', lang)}` : '';
      setMessage({ error: false, text: `${t('passwordChanged', lang)}${revoked}` });
      setCurrent('');
      setNext('');
      setAgain('');
      setTimeout(onDone, 1500);
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(String(e), String(e));
      setMessage({ error: true, text: lang === 'zh' ? error.messageZh : error.message });
    }
  };
  const field = (label: string, value: string, set: (v: string) => void, id: string, auto: string) => (
    <label>
      {label}
      <input
        type="password"
        data-testid={id}
        autoComplete={auto}
        value={value}
        onChange={(e) => set(e.target.value)}
        required
        maxLength={256}
      />
    </label>
  );
  return (
    <form className="card theme-panel password-form" onSubmit={submit} data-testid="password-form">
      {field(t('currentPassword', lang), current, setCurrent, 'password-current', 'current-password')}
      {field(t('newPassword2', lang), next, setNext, 'password-next', 'new-password')}
      {field(t('repeatPassword', lang), again, setAgain, 'password-again', 'new-password')}
      <label className="check">
        <input
          type="checkbox"
          data-testid="password-revoke-tokens"
          checked={revokeTokens}
          onChange={(e) => setRevokeTokens(e.target.checked)}
        />
        {t('revokeMyTokens', lang)}
      </label>
      <button type="submit" className="primary" data-testid="password-save">
        {t('changePassword', lang)}
      </button>
      {message && (
        <p className={message.error ? 'banner error' : 'banner'} role="status" data-testid="password-message">
          {message.text}
        </p>
      )}
    </form>
  );
}
