import { type FormEvent, useState } from 'react';
import { ApiError, auth, type Me } from '../api';
import type { Lang } from '../format';
import { t } from '../i18n';

/** 登录: user name and password; the server sets an HttpOnly session cookie. */
export function SignIn({
  lang,
  onLang,
  onSignedIn,
}: {
  lang: Lang;
  onLang: () => void;
  onSignedIn: (me: Me) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await auth.signIn(username.trim(), password));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(String(e), String(e)));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form className="tile signin-form" onSubmit={submit} aria-label={t('signIn', lang)}>
        <h1>{t('product', lang)}</h1>
        <p className="muted">{t('signInHint', lang)}</p>
        <label>
          {t('username', lang)}
          <input
            data-testid="signin-username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            maxLength={64}
          />
        </label>
        <label>
          {t('password', lang)}
          <input
            data-testid="signin-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            maxLength={256}
          />
        </label>
        {error && (
          <p className="banner error" role="alert" data-testid="signin-error">
            {lang === 'zh' ? error.messageZh : error.message}
          </p>
        )}
        <button type="submit" className="primary" data-testid="signin-submit" disabled={busy}>
          {busy ? t('loading', lang) : t('signIn', lang)}
        </button>
        <button type="button" className="lang" onClick={onLang}>
          {t('switchLang', lang)}
        </button>
      </form>
    </main>
  );
}
