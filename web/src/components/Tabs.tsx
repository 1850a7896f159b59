import type { Lang } from '../format';

/** A row of tabs, the active one pressed (a page's sections: 促销中心, 会员分析). */
export function Tabs<T extends string>({
  tabs,
  active,
  onPick,
  lang,
  testId,
}: {
  tabs: [T, { zh: string; en: string }][];
  active: T;
  onPick: (tab: T) => void;
  lang: Lang;
  testId: string;
}) {
  return (
    <nav className="tabs" data-testid={testId}>
      {tabs.map(([id, label]) => (
        <button
          key={id}
          type="button"
          className={active === id ? 'active' : undefined}
          aria-pressed={active === id}
          data-testid={`tab-${id}`}
          onClick={() => onPick(id)}
        >
          {label[lang]}
        </button>
      ))}
    </nav>
  );
}
