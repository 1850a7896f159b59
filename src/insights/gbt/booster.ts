import { seededRandom } from '../../model/index.js';
import { applyBins, type BinnedMatrix, binMatrix } from './bins.js';
import { validationOf } from './early-stop.js';
import { TreeWork } from './histogram.js';
import { gossRows, randomRows } from './sample.js';
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
  /** Share of rows each tree sees (drawn at random, when `goss` is not set). */
  subsample: number;
  /** Share of features each tree may split on. */
  colsample: number;
  seed: number;
  /** Residuals beyond this count as this much (Huber loss): outliers pull the trees less. */
  huberDelta: number;
  /**
   * Gradient-based one-side sampling (LightGBM's GOSS): each tree sees the `top` share of rows with the
   * largest gradients and `other` of the rest drawn at random, those weighed up by (1 − top) ÷ other so
   * the sums stay unbiased. Rows the model already fits well teach little; skipping most of them is where
   * the time goes.
   */
  goss?: { top: number; other: number };
  /**
   * Early stopping: rows kept aside, scored after every tree by the training loss; training stops when
   * `patience` trees have not lowered it, and the booster keeps the trees up to the best.
   */
  validation?: { columns: Float64Array[]; y: Float64Array; patience: number };
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
  /** With early stopping: the validation loss after each tree (the kept trees end at its minimum). */
  validationLoss?: Float64Array;
}

/** Adds a tree's value to the prediction of every row it did not see (the ones it saw move by their leaf). */
function addToUnseen(
  tree: Tree,
  bins: Uint8Array,
  width: number,
  inBag: Uint8Array,
  prediction: Float64Array,
) {
  const { feature, threshold, left, right, value } = tree;
  for (let i = 0, offset = 0; i < inBag.length; i++, offset += width) {
    if (inBag[i]) continue;
    let node = 0;
    for (let f = feature[0] as number; f >= 0; f = feature[node] as number)
      node =
        (bins[offset + f] as number) <= (threshold[node] as number)
          ? (left[node] as number)
          : (right[node] as number);
    prediction[i] = (prediction[i] as number) + (value[node] as number);
  }
}

/** Trains on column-major features (columns[f][row]) and targets y, with optional row weights. */
export function fitBooster(
  featureNames: string[],
  columns: Float64Array[],
  y: Float64Array,
  options: Partial<BoostOptions> = {},
  weights?: Float64Array,
): Booster {
  return fitBinned(featureNames, binMatrix(columns), y, options, weights);
}

/**
 * Trains on features binned beforehand (binMatrix): a caller that bins and lets go of its raw columns
 * before training keeps one byte a value instead of eight for the whole of the training.
 */
export function fitBinned(
  featureNames: string[],
  matrix: BinnedMatrix,
  y: Float64Array,
  options: Partial<BoostOptions> = {},
  weights?: Float64Array,
): Booster {
  const o = { ...DEFAULT_BOOST, ...options };
  const n = matrix.rows;
  const width = matrix.features;
  const weight = weights ?? new Float64Array(n).fill(1);
  let base = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    base += (weight[i] as number) * (y[i] as number);
    total += weight[i] as number;
  }
  base /= total || 1;
  const prediction = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  // The hessians a tree sees: the row weights, times GOSS's factor for the rows it samples.
  const hess = o.goss ? new Float64Array(n) : weight;
  const index = new Uint32Array(n);
  const inBag = new Uint8Array(n);
  const next = seededRandom(o.seed);
  const trees: Tree[] = [];
  const allFeatures = Array.from({ length: width }, (_, f) => f);
  const binCounts = Int32Array.from(matrix.edges, (e) => e.length + 1);
  const work = new TreeWork(binCounts, n);
  const check = o.validation && validationOf(o.validation, matrix.edges, base);
  for (let round = 0; round < o.rounds; round++) {
    for (let i = 0; i < n; i++)
      grad[i] =
        (weight[i] as number) *
        Math.max(-o.huberDelta, Math.min(o.huberDelta, (prediction[i] as number) - (y[i] as number)));
    const count = o.goss
      ? gossRows(grad, hess, weight, o.goss, next, index, inBag)
      : randomRows(n, o.subsample, next, index, inBag);
    const picked = o.colsample >= 1 ? allFeatures : allFeatures.filter(() => next() < o.colsample);
    const grown = growTree(
      matrix,
      grad,
      hess,
      index,
      count,
      {
        maxLeaves: o.maxLeaves,
        maxDepth: o.maxDepth,
        minRowsInLeaf: o.minRowsInLeaf,
        lambda: o.lambda,
        features: Int32Array.from(picked.length ? picked : allFeatures),
        binCounts,
      },
      work,
    );
    const { tree } = grown;
    for (let k = 0; k < tree.value.length; k++) tree.value[k] = (tree.value[k] as number) * o.learningRate;
    // Every row moves by the new tree: the rows it saw by their leaf's range, the others by walking it.
    for (const leaf of grown.leaves) {
      const v = tree.value[leaf.node] as number;
      for (let k = leaf.start; k < leaf.end; k++) {
        const row = index[k] as number;
        prediction[row] = (prediction[row] as number) + v;
      }
    }
    addToUnseen(tree, matrix.bins, width, inBag, prediction);
    trees.push(tree);
    o.onRound?.(round + 1, o.rounds);
    if (check) {
      check.add(tree, o.huberDelta);
      if (round + 1 - check.bestRound >= check.patience) break;
    }
  }
  const booster: Booster = { base, learningRate: o.learningRate, trees, edges: matrix.edges, featureNames };
  if (!check) return booster;
  return { ...booster, trees: trees.slice(0, check.bestRound), validationLoss: check.losses() };
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
