import { useState } from 'react';
import { ApiError, api, type Theme } from '../api';
import type { Lang } from '../format';
import { t } from '../i18n';

/** The theme on the page: the brand colour as the accent, dark or light, the logo. */
export function applyTheme(theme: Theme): void {
  document.documentElement.style.setProperty('--accent', theme.brandColor);
  document.body.classList.toggle('dark', theme.mode === 'dark');
}

/** 定制主题: light or dark, a brand colour and a logo (text, or an image up to 100 KB), kept for everyone. */
export function ThemeEditor({
  theme,
  onSaved,
  lang,
}: {
  theme: Theme;
  onSaved: (t: Theme) => void;
  lang: Lang;
}) {
  const [draft, setDraft] = useState(theme);
  const [error, setError] = useState<string | null>(null);
  const pickImage = (file: File | undefined) => {
    if (!file) return;
    if (file.size > 100_000) return setError(t('logoTooBig', lang));
    const reader = new FileReader();
    reader.onload = () => setDraft({ ...draft, logoImage: String(reader.result) });
    reader.readAsDataURL(file);
  };
  const save = () =>
    api
      .saveTheme(draft)
      .then((saved) => {
        applyTheme(saved);
        onSaved(saved);
      })
      .catch((e: unknown) =>
        setError(e instanceof ApiError ? (lang === 'zh' ? e.messageZh : e.message) : String(e)),
      );
  return (
    <div className="card theme-panel" data-testid="theme-panel">
      <label>
        {t('themeMode', lang)}
        <select
          data-testid="theme-mode"
          value={draft.mode}
          onChange={(ev) => setDraft({ ...draft, mode: ev.target.value as Theme['mode'] })}
        >
          <option value="light">{t('themeLight', lang)}</option>
          <option value="dark">{t('themeDark', lang)}</option>
        </select>
      </label>
      <label>
        {t('brandColor', lang)}
        <input
          type="color"
          data-testid="theme-color"
          value={draft.brandColor}
          onChange={(ev) => setDraft({ ...draft, brandColor: ev.target.value })}
        />
      </label>
      <label>
        {t('logoText', lang)}
        <input
          data-testid="theme-logo-text"
          maxLength={4}
          value={draft.logoText}
          onChange={(ev) => setDraft({ ...draft, logoText: ev.target.value })}
        />
      </label>
      <label>
        {t('logoImage', lang)}
        <input
          type="file"
          accept="image/png,image/jpeg,image/svg+xml"
          onChange={(ev) => pickImage(ev.target.files?.[0])}
        />
      </label>
      {draft.logoImage && (
        <button type="button" className="link" onClick={() => setDraft({ ...draft, logoImage: null })}>
          {t('logoRemove', lang)}
        </button>
      )}
      <button type="button" className="active" data-testid="theme-save" onClick={save}>
        {t('save', lang)}
      </button>
      {error && (
        <span className="tile-message error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
