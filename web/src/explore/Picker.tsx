import { useEffect, useState } from 'react';
import type { Label } from '../api';
import type { Lang } from '../format';

/**
 * Pinyin initials of the zh-CN names (销售额 → xse), for searching the way Chinese users type; the pinyin
 * dictionary is loaded the first time someone searches.
 */
function usePinyinInitials(items: { id: string; label: Label }[], wanted: boolean): Map<string, string> {
  const [initials, setInitials] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    if (!wanted || initials.size) return;
    let live = true;
    import('pinyin-pro').then(({ pinyin }) => {
      if (!live) return;
      const first = (text: string) =>
        pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'removed' })
          .join('')
          .toLowerCase();
      setInitials(new Map(items.map((i) => [i.id, first(i.label.zh)])));
    });
    return () => {
      live = false;
    };
  }, [wanted, items, initials.size]);
  return initials;
}

/** A searchable list of catalogue entries (zh-CN or English names, pinyin initials, or ids), each a toggle. */
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
  const initials = usePinyinInitials(items, search !== '');
  const needle = search.trim().toLowerCase();
  const shown = items.filter(
    (i) =>
      !needle ||
      i.id.includes(needle) ||
      i.label.zh.includes(needle) ||
      i.label.en.toLowerCase().includes(needle) ||
      (initials.get(i.id) ?? '').startsWith(needle),
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
