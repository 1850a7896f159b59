import { z } from 'zod';
import { DIMENSIONS, type DimensionDef } from './dimensions.js';
import { type DimensionGroup, FACTS, factById, factSupports } from './facts.js';
import { MEASURES, measureById } from './measures.js';
import { METRICS, type MetricDef, measuresOf } from './metrics.js';
import { checkRollup, ROLLUPS } from './rollups.js';

export * from './dimensions.js';
export * from './facts.js';
export * from './measures.js';
export * from './metrics.js';
export * from './rollups.js';
export { suggestions } from './suggest.js';

const labelSchema = z.object({ zh: z.string().min(1), en: z.string().min(1) });
const idSchema = z.string().regex(/^[a-z][a-z0-9_]*$/);

/** Checks the catalogue once at start-up: a typo in a formula fails loudly, not at query time. */
export function validateCatalog(): void {
  z.array(z.object({ id: idSchema, label: labelSchema, description: labelSchema })).parse(METRICS);
  z.array(z.object({ id: idSchema, label: labelSchema })).parse(DIMENSIONS);
  const unique = (ids: string[], what: string) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw new Error(`duplicate ${what} id ${id}`);
      seen.add(id);
    }
  };
  unique(
    METRICS.map((m) => m.id),
    'metric',
  );
  unique(
    DIMENSIONS.map((d) => d.id),
    'dimension',
  );
  unique(
    MEASURES.map((m) => m.id),
    'measure',
  );
  unique(
    FACTS.map((f) => f.id),
    'fact',
  );
  for (const metric of METRICS) for (const id of measuresOf(metric.formula)) measureById(id);
  for (const measure of MEASURES) for (const source of measure.sources) factById(source.fact);
  for (const dim of DIMENSIONS)
    if (dim.child && !DIMENSIONS.some((d) => d.id === dim.child)) throw new Error(`bad child ${dim.child}`);
  unique(
    ROLLUPS.map((r) => r.id),
    'rollup',
  );
  for (const rollup of ROLLUPS) checkRollup(rollup);
}

/** Whether every measure of `metric` can follow `group`, and at least one really varies by it. */
export function metricSupportsGroup(metric: MetricDef, group: DimensionGroup): boolean {
  const measures = measuresOf(metric.formula).map(measureById);
  const reaches = (id: string) => measureById(id).sources.some((s) => factSupports(factById(s.fact), group));
  return (
    measures.every((m) => m.broadcastOver?.includes(group) || reaches(m.id)) &&
    measures.some((m) => !m.broadcastOver?.includes(group) && reaches(m.id))
  );
}

export function dimensionsOf(metric: MetricDef): DimensionDef[] {
  return DIMENSIONS.filter((d) => metricSupportsGroup(metric, d.group));
}

export function findMetric(id: string): MetricDef | undefined {
  return METRICS.find((m) => m.id === id);
}

export function findDimension(id: string): DimensionDef | undefined {
  return DIMENSIONS.find((d) => d.id === id);
}
