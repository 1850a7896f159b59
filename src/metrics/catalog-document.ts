import { DIMENSIONS, dimensionsOf, type Label, METRICS, type Unit } from './catalog/index.js';
import { COMPARE_MODES } from './query.js';

/** The catalogue as clients see it: what can be asked, in both languages. */
export interface CatalogDocument {
  metrics: {
    id: string;
    label: Label;
    description: Label;
    unit: Unit;
    higherIsBetter: boolean;
    /** A sum or a count: rows add up to the total. A ratio or an average does not: its total is computed from summed parts. */
    additive: boolean;
    dimensions: string[];
  }[];
  dimensions: {
    id: string;
    label: Label;
    type: string;
    group: string;
    child?: string;
    values?: Record<string, Label>;
  }[];
  grains: string[];
  compare: readonly string[];
}

export function catalogDocument(): CatalogDocument {
  return {
    metrics: METRICS.map((m) => ({
      id: m.id,
      label: m.label,
      description: m.description,
      unit: m.unit,
      higherIsBetter: m.higherIsBetter,
      additive: 'measure' in m.formula && !m.special,
      dimensions: dimensionsOf(m).map((d) => d.id),
    })),
    dimensions: DIMENSIONS.map((d) => ({
      id: d.id,
      label: d.label,
      type: d.type,
      group: d.group,
      ...(d.child ? { child: d.child } : {}),
      ...(d.values ? { values: d.values } : {}),
    })),
    grains: ['hour', 'day', 'week', 'month', 'quarter', 'year'],
    compare: COMPARE_MODES,
  };
}
