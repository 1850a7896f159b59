import type { BinnedMatrix } from './bins.js';
import type { TreeOptions } from './tree.js';

/** The best split a leaf's histogram offers: its gain, the feature (position in the tree's list) and bin. */
export interface Split {
  gain: number;
  feature: number;
  threshold: number;
}

/**
 * Where each of a tree's features sits in its histograms: feature j's (gradient, hessian) pairs start at
 * offsets[j], one pair per bin it uses. Packed so, a histogram is a few thousand pairs instead of 256 a
 * feature, and stays in the core's nearest caches while rows are counted into it.
 */
export interface Layout {
  features: Int32Array;
  offsets: Int32Array;
  /** Doubles of one histogram. */
  size: number;
}

export function layoutOf(options: TreeOptions): Layout {
  const { features, binCounts } = options;
  const offsets = new Int32Array(features.length + 1);
  for (let j = 0; j < features.length; j++)
    offsets[j + 1] = (offsets[j] as number) + 2 * (binCounts[features[j] as number] as number);
  return { features, offsets, size: offsets[features.length] as number };
}

/**
 * What growing trees needs besides the data, made once per booster: histogram buffers (a tree's largest
 * allocation, kept between trees so training does not spend its time zeroing fresh memory and collecting
 * it again; each is twice a histogram, see buildHistogram) and room to partition rows.
 */
export class TreeWork {
  private free: Float64Array[] = [];
  private readonly size: number;
  readonly scratch: Uint32Array;
  constructor(binCounts: Int32Array, rows: number) {
    this.size = 4 * binCounts.reduce((a, b) => a + b, 0);
    this.scratch = new Uint32Array(rows);
  }
  take(): Float64Array {
    const hist = this.free.pop();
    if (!hist) return new Float64Array(this.size);
    hist.fill(0);
    return hist;
  }
  give(hist: Float64Array): void {
    this.free.push(hist);
  }
}

/**
 * Counts rows [start, end) of the index into a histogram, row by row over the row-major matrix: a leaf's
 * rows are scattered over the data, and one trip to memory brings all of a row's features (feature by
 * feature over columns, every feature of every row was a trip; measured twice as slow).
 */
export function buildHistogram(
  matrix: BinnedMatrix,
  grad: Float64Array,
  hess: Float64Array,
  index: Uint32Array,
  start: number,
  end: number,
  layout: Layout,
  hist: Float64Array,
): Float64Array {
  const { features, offsets, size } = layout;
  const { bins, features: width } = matrix;
  const nf = features.length;
  // The hot loop of training: typed arrays only, indexed loops, no closures. Two rows at a time into two
  // halves of the buffer: a feature with few values sends neighbouring rows to the same bin, and each add
  // would wait for the one before it.
  let k = start;
  for (; k + 1 < end; k += 2) {
    const rowA = index[k] as number;
    const rowB = index[k + 1] as number;
    const gA = grad[rowA] as number;
    const hA = hess[rowA] as number;
    const gB = grad[rowB] as number;
    const hB = hess[rowB] as number;
    const baseA = rowA * width;
    const baseB = rowB * width;
    for (let j = 0; j < nf; j++) {
      const f = features[j] as number;
      const at = offsets[j] as number;
      const slotA = at + ((bins[baseA + f] as number) << 1);
      const slotB = size + at + ((bins[baseB + f] as number) << 1);
      hist[slotA] = (hist[slotA] as number) + gA;
      hist[slotA + 1] = (hist[slotA + 1] as number) + hA;
      hist[slotB] = (hist[slotB] as number) + gB;
      hist[slotB + 1] = (hist[slotB + 1] as number) + hB;
    }
  }
  if (k < end) {
    const row = index[k] as number;
    const g = grad[row] as number;
    const h = hess[row] as number;
    const base = row * width;
    for (let j = 0; j < nf; j++) {
      const slot = (offsets[j] as number) + ((bins[base + (features[j] as number)] as number) << 1);
      hist[slot] = (hist[slot] as number) + g;
      hist[slot + 1] = (hist[slot + 1] as number) + h;
    }
  }
  for (let i = 0; i < size; i++) {
    hist[i] = (hist[i] as number) + (hist[size + i] as number);
    hist[size + i] = 0;
  }
  return hist;
}

export function bestSplit(
  hist: Float64Array,
  gradSum: number,
  hessSum: number,
  count: number,
  options: TreeOptions,
  layout: Layout,
): Split {
  const { lambda, minRowsInLeaf } = options;
  const { features, offsets } = layout;
  const parentScore = (gradSum * gradSum) / (hessSum + lambda);
  // Rows of a side, estimated from its share of the hessians.
  const rowsPerHess = hessSum > 0 ? count / hessSum : 0;
  const minHess = minRowsInLeaf / (rowsPerHess || 1) - 1e-9;
  let best = { gain: 0, feature: -1, threshold: -1 };
  for (let j = 0; j < features.length; j++) {
    let gl = 0;
    let hl = 0;
    const base = offsets[j] as number;
    // The last bin cannot be a threshold: nothing would go right.
    const last = ((offsets[j + 1] as number) - base) / 2 - 1;
    for (let b = 0; b < last; b++) {
      gl += hist[base + 2 * b] as number;
      hl += hist[base + 2 * b + 1] as number;
      if (hl < minHess) continue;
      const hr = hessSum - hl;
      if (hr < minHess) break;
      const gr = gradSum - gl;
      const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
      if (gain > best.gain) best = { gain, feature: j, threshold: b };
    }
  }
  return best;
}
