import { seededRandom } from '../../model/index.js';
import { applyBins, binMatrix } from './bins.js';
import { growTree, predictTree, type Tree } from './tree.js';

/**
 * Gradient-boosted regression trees for squared error: each tree fits the residuals of the ones before,
 * scaled by the learning rate. Rows and features are subsampled per tree (stochastic boosting), with a
 * seeded generator so the same data and options give the same model.
 */
export interface BoostOptions {
  rounds: number;
  learningRate: number;
  maxLeaves: number;
  maxDepth: number;
  minRowsInLeaf: number;
  lambda: number;
  /** Share of rows each tree sees. */
  subsample: number;
  /** Share of features each tree may split on. */
  colsample: number;
  seed: number;
  /** Residuals beyond this count as this much (Huber loss): outliers pull the trees less. */
  huberDelta: number;
  /** Called after each round (for progress bars). */
  onRound?: (round: number, rounds: number) => void;
}

export const DEFAULT_BOOST: BoostOptions = {
  rounds: 400,
  learningRate: 0.08,
  maxLeaves: 63,
  maxDepth: 10,
  minRowsInLeaf: 20,
  lambda: 1,
  subsample: 0.8,
  colsample: 0.8,
  seed: 1,
  huberDelta: Number.POSITIVE_INFINITY,
};

export interface Booster {
  base: number;
  learningRate: number;
  trees: Tree[];
  edges: Float64Array[];
  featureNames: string[];
}

/** Trains on column-major features (columns[f][row]) and targets y, with optional row weights. */
export function fitBooster(
  featureNames: string[],
  columns: Float64Array[],
  y: Float64Array,
  options: Partial<BoostOptions> = {},
  weights?: Float64Array,
): Booster {
  const o = { ...DEFAULT_BOOST, ...options };
  const matrix = binMatrix(columns);
  const n = matrix.rows;
  const width = matrix.features;
  const hess = weights ?? new Float64Array(n).fill(1);
  let base = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    base += (hess[i] as number) * (y[i] as number);
    total += hess[i] as number;
  }
  base /= total || 1;
  const prediction = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  const index = new Uint32Array(n);
  const next = seededRandom(o.seed);
  const trees: Tree[] = [];
  const allFeatures = Array.from({ length: width }, (_, f) => f);
  for (let round = 0; round < o.rounds; round++) {
    for (let i = 0; i < n; i++)
      grad[i] =
        (hess[i] as number) *
        Math.max(-o.huberDelta, Math.min(o.huberDelta, (prediction[i] as number) - (y[i] as number)));
    let count = 0;
    for (let i = 0; i < n; i++) if (o.subsample >= 1 || next() < o.subsample) index[count++] = i;
    const features = o.colsample >= 1 ? allFeatures : allFeatures.filter(() => next() < o.colsample);
    const tree = growTree(matrix.bins, width, grad, hess, index, count, {
      maxLeaves: o.maxLeaves,
      maxDepth: o.maxDepth,
      minRowsInLeaf: o.minRowsInLeaf,
      lambda: o.lambda,
      features: features.length ? features : allFeatures,
    });
    for (let k = 0; k < tree.value.length; k++) tree.value[k] = (tree.value[k] as number) * o.learningRate;
    // Every row (sampled or not) moves by the new tree.
    for (let i = 0; i < n; i++)
      prediction[i] = (prediction[i] as number) + predictTree(tree, matrix.bins, i * width);
    trees.push(tree);
    o.onRound?.(round + 1, o.rounds);
  }
  return { base, learningRate: o.learningRate, trees, edges: matrix.edges, featureNames };
}

/** Predicts column-major rows with a trained booster. */
export function predictBooster(booster: Booster, columns: Float64Array[]): Float64Array {
  const bins = applyBins(columns, booster.edges);
  const width = columns.length;
  const n = columns[0]?.length ?? 0;
  const out = new Float64Array(n).fill(booster.base);
  for (const tree of booster.trees) {
    for (let i = 0; i < n; i++) out[i] = (out[i] as number) + predictTree(tree, bins, i * width);
  }
  return out;
}

/** How much each feature's splits reduced the loss, summed over trees (split counts as a proxy). */
export function featureUse(booster: Booster): Record<string, number> {
  const uses = new Array(booster.featureNames.length).fill(0);
  for (const tree of booster.trees) for (const f of tree.feature) if (f >= 0) uses[f]++;
  return Object.fromEntries(booster.featureNames.map((name, f) => [name, uses[f]]));
}
