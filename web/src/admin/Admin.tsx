import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, type ApiToken, type AuditEntry, auth, type Role, type User } from '../api';
import { formatDateTime, type Lang } from '../format';
import { t } from '../i18n';
import { actionName } from './admin-actions';

const KINDS = ['store', 'region', 'format', 'supplier'] as const;
const KIND_LABEL: Record<(typeof KINDS)[number], { zh: string; en: string }> = {
  store: { zh: '门店编码', en: 'Store code' },
  region: { zh: '大区', en: 'Region' },
  format: { zh: '业态', en: 'Format' },
  supplier: { zh: '供应商编码', en: 'Supplier code' },
};

/** 用户管理: users with their roles and data grants, a new user's one-time password, and the audit log. */
export function AdminPage({ lang }: { lang: Lang }) {
  const [users, setUsers] = useState<User[]>([]);
  const [roles, setRoles] = useState<Role[]>([]);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [made, setMade] = useState<{ username: string; password: string } | null>(null);
  const fail = useCallback(
    (e: unknown) => setError(e instanceof ApiError ? e : new ApiError(String(e), String(e))),
    [],
  );
  const reload = useCallback(() => {
    Promise.all([auth.users(), auth.roles(), auth.audit(100), auth.tokens()])
      .then(([u, r, a, k]) => {
        setUsers(u.users);
        setRoles(r.roles);
        setAudit(a.entries);
        setTokens(k.tokens);
      })
      .catch(fail);
  }, [fail]);
  useEffect(reload, [reload]);
  const act = (work: Promise<unknown>) => {
    setError(null);
    work.then(reload).catch(fail);
  };
  const roleName = (name: string) => roles.find((r) => r.name === name)?.label[lang] ?? name;

  return (
    <main className="grid admin" data-testid="admin">
      {error && (
        <p className="banner error wide" role="alert" data-testid="admin-error">
          {lang === 'zh' ? error.messageZh : error.message}
        </p>
      )}
      <section className="tile wide">
        <h2>{t('users', lang)}</h2>
        <AddUser
          lang={lang}
          roles={roles}
          onAdd={(body) =>
            auth
              .addUser(body)
              .then((answer) => {
                if (answer.password) setMade({ username: answer.user.username, password: answer.password });
                reload();
              })
              .catch(fail)
          }
        />
        {made && (
          <p className="banner" data-testid="new-password">
            {t('newPassword', lang)} <strong>{made.username}</strong>: <code>{made.password}</code>
          </p>
        )}
        <table className="table" data-testid="users">
          <thead>
            <tr>
              <th>{t('username', lang)}</th>
              <th>{t('role', lang)}</th>
              <th>{t('grants', lang)}</th>
              <th>{t('lastSignIn', lang)}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-testid={`user-${u.username}`} className={u.disabled ? 'muted' : ''}>
                <td>
                  {u.username}
                  {u.displayName !== u.username && <span className="muted"> · {u.displayName}</span>}
                </td>
                <td>
                  <select
                    aria-label={t('role', lang)}
                    value={u.role}
                    onChange={(e) => act(auth.changeUser(u.username, { role: e.target.value }))}
                  >
                    {roles.map((r) => (
                      <option key={r.name} value={r.name}>
                        {roleName(r.name)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {roles.find((r) => r.name === u.role)?.allData ? (
                    <span className="muted">{t('allData', lang)}</span>
                  ) : (
                    <Grants lang={lang} user={u} act={act} />
                  )}
                </td>
                <td className="muted">{formatDateTime(u.lastLoginAt)}</td>
                <td>
                  <button
                    type="button"
                    data-testid="toggle-disabled"
                    onClick={() => act(auth.changeUser(u.username, { disabled: !u.disabled }))}
                  >
                    {u.disabled ? t('enable', lang) : t('disable', lang)}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="tile wide">
        <h2>{t('apiTokens', lang)}</h2>
        <p className="muted">{t('apiTokensHint', lang)}</p>
        <table className="table" data-testid="tokens">
          <thead>
            <tr>
              <th>ID</th>
              <th>{t('username', lang)}</th>
              <th>{t('tokenName', lang)}</th>
              <th>{t('permissions', lang)}</th>
              <th>{t('expires', lang)}</th>
              <th>{t('lastUsed', lang)}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((k) => (
              <tr key={k.id} className={k.revokedAt ? 'muted' : ''}>
                <td>
                  <code>{k.id}</code>
                </td>
                <td>{k.username}</td>
                <td>
                  {k.name}
                  {k.source && <span className="muted"> · {k.source}</span>}
                </td>
                <td>{k.permissions.join(' ')}</td>
                <td>{k.revokedAt ? t('revoked', lang) : k.expiresAt.slice(0, 10)}</td>
                <td className="muted">{formatDateTime(k.lastUsedAt)}</td>
                <td>
                  {!k.revokedAt && (
                    <button type="button" onClick={() => act(auth.revokeToken(k.id))}>
                      {t('revoke', lang)}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="tile wide">
        <h2>{t('auditLog', lang)}</h2>
        <table className="table" data-testid="audit">
          <thead>
            <tr>
              <th>{t('when', lang)}</th>
              <th>{t('who', lang)}</th>
              <th>{t('action', lang)}</th>
              <th>{t('target', lang)}</th>
              <th>{t('source', lang)}</th>
            </tr>
          </thead>
          <tbody>
            {audit.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td title={e.action}>{actionName(e.action, lang)}</td>
                <td>{e.target}</td>
                <td className="muted">{e.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}

function AddUser({
  lang,
  roles,
  onAdd,
}: {
  lang: Lang;
  roles: Role[];
  onAdd: (body: { username: string; role: string; displayName?: string }) => void;
}) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState('viewer');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onAdd({
      username: username.trim(),
      role,
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
    });
    setUsername('');
    setDisplayName('');
  };
  return (
    <form className="inline-form" onSubmit={submit} data-testid="add-user">
      <input
        placeholder={t('username', lang)}
        aria-label={t('username', lang)}
        value={username}
        onChange={(e) => setUsername(e.target.value)}
        required
        pattern="[\w.@\-]{2,64}"
      />
      <input
        placeholder={t('displayName', lang)}
        aria-label={t('displayName', lang)}
        value={displayName}
        onChange={(e) => setDisplayName(e.target.value)}
        maxLength={80}
      />
      <select aria-label={t('role', lang)} value={role} onChange={(e) => setRole(e.target.value)}>
        {roles.map((r) => (
          <option key={r.name} value={r.name}>
            {r.label[lang]}
          </option>
        ))}
      </select>
      <button type="submit" className="primary">
        {t('addUser', lang)}
      </button>
    </form>
  );
}

function Grants({ lang, user, act }: { lang: Lang; user: User; act: (work: Promise<unknown>) => void }) {
  const [kind, setKind] = useState<(typeof KINDS)[number]>('store');
  const [value, setValue] = useState('');
  return (
    <div className="grants" data-testid="grants">
      {user.grants.map((g) => (
        <span key={`${g.kind}:${g.value}`} className="chip">
          {KIND_LABEL[g.kind as (typeof KINDS)[number]]?.[lang] ?? g.kind} = {g.value}
          <button
            type="button"
            aria-label={t('revoke', lang)}
            onClick={() => act(auth.revoke(user.username, [g]))}
          >
            ×
          </button>
        </span>
      ))}
      {user.grants.length === 0 && <span className="muted">{t('noGrants', lang)}</span>}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) act(auth.grant(user.username, [{ kind, value: value.trim() }]));
          setValue('');
        }}
      >
        <select
          aria-label={t('grants', lang)}
          value={kind}
          onChange={(e) => setKind(e.target.value as typeof kind)}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k][lang]}
            </option>
          ))}
        </select>
        <input
          aria-label={KIND_LABEL[kind][lang]}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          maxLength={100}
        />
        <button type="submit">{t('grant', lang)}</button>
      </form>
    </div>
  );
}
