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
