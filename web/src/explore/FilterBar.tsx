import { useState } from 'react';
import type { Catalog } from '../api';
import type { Lang } from '../format';
import { t } from '../i18n';
import { useQuery } from '../useQuery';
import { valueLabel } from './chart';
import type { Exploration } from './state';

type Filter = Exploration['filters'][number];

/**
 * Filters on any dimension the question's metrics can be cut by: the chips of those in force (× removes
 * one), and an editor whose values come from the API for the question's period, searchable.
 */
export function FilterBar({
  exploration: e,
  catalog,
  lang,
  onChange,
}: {
  exploration: Exploration;
  catalog: Catalog;
  lang: Lang;
  onChange: (filters: Filter[]) => void;
}) {
  const [dimension, setDimension] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const metricOf = (id: string) => catalog.metrics.find((m) => m.id === id);
  const cuttable = catalog.dimensions.filter(
    (d) =>
      !d.id.match(/^(year|quarter|month|week|day|hour)$/) &&
      e.metrics.every((m) => metricOf(m)?.dimensions.includes(d.id)),
  );
  const values = useQuery(
    dimension
      ? { metrics: [e.metrics[0] as string], dimensions: [dimension], timeRange: e.range, limit: 500 }
      : null,
  );
  const label = (dim: string) => catalog.dimensions.find((d) => d.id === dim)?.label[lang] ?? dim;
  const shown = (values.result?.rows ?? [])
    .map((r) => String(r[dimension] ?? ''))
    .filter(
      (v) => v && valueLabel(catalog, dimension, v, lang).toLowerCase().includes(search.trim().toLowerCase()),
    );
  const apply = () => {
    if (!dimension || picked.length === 0) return;
    onChange([
      ...e.filters.filter((f) => f.dimension !== dimension),
      { dimension, value: picked[0] as string, ...(picked.length > 1 ? { values: picked } : {}) },
    ]);
    setDimension('');
    setPicked([]);
    setSearch('');
  };
  return (
    <div className="filter-bar" data-testid="filter-bar">
      {e.filters.map((f) => (
        <button
          key={f.dimension}
          type="button"
          className="chip"
          aria-label={`${t('removeFilter', lang)} ${label(f.dimension)}`}
          onClick={() => onChange(e.filters.filter((x) => x.dimension !== f.dimension))}
        >
          {label(f.dimension)} ={' '}
          {(f.values ?? [f.value]).map((v) => valueLabel(catalog, f.dimension, v, lang)).join('、')} ×
        </button>
      ))}
      <select
        data-testid="filter-dimension"
        value={dimension}
        aria-label={t('addFilter', lang)}
        onChange={(ev) => {
          setDimension(ev.target.value);
          setPicked([]);
        }}
      >
        <option value="">+ {t('addFilter', lang)}</option>
        {cuttable.map((d) => (
          <option key={d.id} value={d.id}>
            {d.label[lang]}
          </option>
        ))}
      </select>
      {dimension && (
        <div className="card filter-editor" data-testid="filter-editor">
          <input
            type="search"
            value={search}
            placeholder={lang === 'zh' ? '搜索取值…' : 'Search values…'}
            aria-label={lang === 'zh' ? '搜索取值' : 'Search values'}
            onChange={(ev) => setSearch(ev.target.value)}
          />
          <ul>
            {shown.map((v) => (
              <li key={v}>
                <label>
                  <input
                    type="checkbox"
                    checked={picked.includes(v)}
                    onChange={() =>
                      setPicked(picked.includes(v) ? picked.filter((x) => x !== v) : [...picked, v])
                    }
                  />
                  {valueLabel(catalog, dimension, v, lang)}
                </label>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="active"
            data-testid="filter-apply"
            disabled={!picked.length}
            onClick={apply}
          >
            {t('apply', lang)}
          </button>
        </div>
      )}
    </div>
  );
}
