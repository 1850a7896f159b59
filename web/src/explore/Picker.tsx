import { useState } from 'react';
import type { Label } from '../api';
import type { Lang } from '../format';

/** A searchable list of catalogue entries (zh-CN or English names, or ids), each a toggle. */
export function Picker({
  title,
  items,
  chosen,
  onToggle,
  lang,
  testId,
  disabled,
}: {
  title: string;
  items: { id: string; label: Label }[];
  chosen: string[];
  onToggle: (id: string) => void;
  lang: Lang;
  testId: string;
  /** Entries that cannot be added to the current question (a metric that cannot be cut that way). */
  disabled?: (id: string) => boolean;
}) {
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const shown = items.filter(
    (i) =>
      !needle ||
      i.id.includes(needle) ||
      i.label.zh.includes(needle) ||
      i.label.en.toLowerCase().includes(needle),
  );
  return (
    <section className="picker" data-testid={testId}>
      <h3>{title}</h3>
      <input
        type="search"
        value={search}
        placeholder={lang === 'zh' ? '搜索…' : 'Search…'}
        aria-label={`${title} ${lang === 'zh' ? '搜索' : 'search'}`}
        onChange={(e) => setSearch(e.target.value)}
      />
      <ul>
        {shown.map((i) => (
          <li key={i.id}>
            <button
              type="button"
              className={chosen.includes(i.id) ? 'active' : ''}
              aria-pressed={chosen.includes(i.id)}
              disabled={!chosen.includes(i.id) && disabled?.(i.id)}
              data-id={i.id}
              onClick={() => onToggle(i.id)}
            >
              {i.label[lang]}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
