import { type FormEvent, useState } from 'react';
import { ApiError } from '../api';
import type { Lang } from '../format';

export type Words = { zh: string; en: string };

export interface Field {
  key: string;
  label: Words;
  type?: 'text' | 'number' | 'datetime' | 'checkbox' | 'select';
  options?: { value: string; label: Words }[];
  initial?: string | boolean;
  testId?: string;
}

export type Values = Record<string, string | boolean>;

/**
 * A card with a few labelled inputs and a save button: what the promotion center's smaller editors (coupon
 * templates, flash sales, pre-sales, group deals) share. `onSubmit` answers the line shown under the button;
 * a thrown error's words are shown in red.
 */
export function SimpleForm({
  lang,
  title,
  fields,
  submit,
  onSubmit,
  testId,
}: {
  lang: Lang;
  title: Words;
  fields: Field[];
  submit: Words;
  onSubmit: (values: Values) => Promise<string>;
  testId?: string;
}) {
  const [values, setValues] = useState<Values>(() =>
    Object.fromEntries(fields.map((f) => [f.key, f.initial ?? (f.type === 'checkbox' ? false : '')])),
  );
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const send = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    onSubmit(values)
      .then((text) => setResult({ text, error: false }))
      .catch((e: unknown) =>
        setResult({
          text: e instanceof ApiError ? (lang === 'zh' ? e.messageZh : e.message) : String(e),
          error: true,
        }),
      )
      .finally(() => setBusy(false));
  };
  return (
    <form className="card promo-editor" onSubmit={send} data-testid={testId}>
      <h3>{title[lang]}</h3>
      <div className="promo-fields">
        {fields.map((f) =>
          f.type === 'checkbox' ? (
            <label key={f.key}>
              <input
                type="checkbox"
                data-testid={f.testId}
                checked={Boolean(values[f.key])}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.checked })}
              />
              {f.label[lang]}
            </label>
          ) : f.type === 'select' ? (
            <label key={f.key}>
              {f.label[lang]}
              <select
                data-testid={f.testId}
                value={String(values[f.key])}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
              >
                {(f.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label[lang]}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <label key={f.key}>
              {f.label[lang]}
              <input
                data-testid={f.testId}
                type={f.type === 'datetime' ? 'datetime-local' : f.type === 'number' ? 'number' : 'text'}
                value={String(values[f.key])}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
              />
            </label>
          ),
        )}
      </div>
      <p>
        <button type="submit" disabled={busy}>
          {submit[lang]}
        </button>{' '}
        {result && (
          <span
            className={result.error ? 'error' : 'muted'}
            data-testid={testId ? `${testId}-result` : undefined}
          >
            {result.text}
          </span>
        )}
      </p>
    </form>
  );
}
