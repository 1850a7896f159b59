import { MAX_BINS } from './bins.js';

/**
 * One regression tree grown leaf-wise (the leaf whose best split gains most is split next) on binned
 * features, for squared-error gradients. Histograms hold, per feature and bin, the sum of gradients and
 * the row count; a child's histogram is its parent's minus its sibling's, so only the smaller child is
 * ever counted.
 */
export interface TreeOptions {
  maxLeaves: number;
  maxDepth: number;
  minRowsInLeaf: number;
  /** L2 penalty on leaf values (λ). */
  lambda: number;
  /** Features a tree may split on (column subsampling), by index. */
  features: number[];
}

/** Flat arrays: node i splits on feature[i] at bin threshold[i] (bin ≤ threshold goes left), or is a leaf. */
export interface Tree {
  feature: Int32Array;
  threshold: Int32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  hist: Float64Array;
  gradSum: number;
  hessSum: number;
  best: { gain: number; feature: number; threshold: number };
}

/** Per bin: sum of gradients, sum of weights (hessians), row count. */
const SLOTS = 3;
const HIST_WIDTH = MAX_BINS * SLOTS;

function buildHistogram(
  bins: Uint8Array,
  width: number,
  grad: Float64Array,
  hess: Float64Array,
  index: Uint32Array,
  start: number,
  end: number,
  features: number[],
): Float64Array {
  const hist = new Float64Array(width * HIST_WIDTH);
  for (let k = start; k < end; k++) {
    const row = index[k] as number;
    const g = grad[row] as number;
    const h = hess[row] as number;
    const base = row * width;
    for (const f of features) {
      const at = f * HIST_WIDTH + (bins[base + f] as number) * SLOTS;
      hist[at] = (hist[at] as number) + g;
      hist[at + 1] = (hist[at + 1] as number) + h;
      hist[at + 2] = (hist[at + 2] as number) + 1;
    }
  }
  return hist;
}

function bestSplit(
  hist: Float64Array,
  gradSum: number,
  hessSum: number,
  count: number,
  options: TreeOptions,
): Leaf['best'] {
  const { lambda, minRowsInLeaf } = options;
  const parentScore = (gradSum * gradSum) / (hessSum + lambda);
  let best = { gain: 0, feature: -1, threshold: -1 };
  for (const f of options.features) {
    let gl = 0;
    let hl = 0;
    let nl = 0;
    const base = f * HIST_WIDTH;
    for (let b = 0; b < MAX_BINS - 1; b++) {
      gl += hist[base + b * SLOTS] as number;
      hl += hist[base + b * SLOTS + 1] as number;
      nl += hist[base + b * SLOTS + 2] as number;
      if (nl < minRowsInLeaf) continue;
      const nr = count - nl;
      if (nr < minRowsInLeaf) break;
      const gr = gradSum - gl;
      const hr = hessSum - hl;
      const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
      if (gain > best.gain) best = { gain, feature: f, threshold: b };
    }
  }
  return best;
}

/** Moves the rows of [start, end) that go left to the front; returns where the right ones begin. */
function partition(
  bins: Uint8Array,
  width: number,
  index: Uint32Array,
  start: number,
  end: number,
  feature: number,
  threshold: number,
): number {
  let i = start;
  let j = end - 1;
  while (i <= j) {
    if ((bins[(index[i] as number) * width + feature] as number) <= threshold) i++;
    else {
      const t = index[i] as number;
      index[i] = index[j] as number;
      index[j] = t;
      j--;
    }
  }
  return i;
}

/**
 * Grows a tree on the rows `index[0…count)` and returns it; leaf values are −G/(H+λ), the Newton step
 * for (weighted) squared error, not yet scaled by the learning rate.
 */
export function growTree(
  bins: Uint8Array,
  width: number,
  grad: Float64Array,
  hess: Float64Array,
  index: Uint32Array,
  count: number,
  options: TreeOptions,
): Tree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const newNode = (gradSum: number, hessSum: number) => {
    feature.push(-1);
    threshold.push(-1);
    left.push(-1);
    right.push(-1);
    value.push(-gradSum / (hessSum + options.lambda));
    return feature.length - 1;
  };
  const leafOf = (
    start: number,
    end: number,
    depth: number,
    hist: Float64Array,
    gradSum: number,
    hessSum: number,
  ): Leaf => ({
    node: newNode(gradSum, hessSum),
    start,
    end,
    depth,
    hist,
    gradSum,
    hessSum,
    best: bestSplit(hist, gradSum, hessSum, end - start, options),
  });
  let gradSum = 0;
  let hessSum = 0;
  for (let k = 0; k < count; k++) {
    gradSum += grad[index[k] as number] as number;
    hessSum += hess[index[k] as number] as number;
  }
  const open: Leaf[] = [
    leafOf(
      0,
      count,
      0,
      buildHistogram(bins, width, grad, hess, index, 0, count, options.features),
      gradSum,
      hessSum,
    ),
  ];
  let leaves = 1;
  while (leaves < options.maxLeaves) {
    let pick = -1;
    for (let i = 0; i < open.length; i++) {
      const leaf = open[i] as Leaf;
      if (
        leaf.best.feature >= 0 &&
        leaf.depth < options.maxDepth &&
        (pick < 0 || leaf.best.gain > (open[pick] as Leaf).best.gain)
      )
        pick = i;
    }
    if (pick < 0) break;
    const leaf = open[pick] as Leaf;
    open.splice(pick, 1);
    const { feature: f, threshold: t } = leaf.best;
    const mid = partition(bins, width, index, leaf.start, leaf.end, f, t);
    // Count the smaller child; the larger is the parent minus it.
    const leftSmaller = mid - leaf.start <= leaf.end - mid;
    const small = leftSmaller
      ? buildHistogram(bins, width, grad, hess, index, leaf.start, mid, options.features)
      : buildHistogram(bins, width, grad, hess, index, mid, leaf.end, options.features);
    const large = leaf.hist;
    for (let i = 0; i < large.length; i++) large[i] = (large[i] as number) - (small[i] as number);
    const [histLeft, histRight] = leftSmaller ? [small, large] : [large, small];
    // The left child's histogram of the split feature holds only bins ≤ t: its sums are the child's.
    let gLeft = 0;
    let hLeft = 0;
    const base = f * HIST_WIDTH;
    for (let b = 0; b <= t; b++) {
      gLeft += histLeft[base + b * SLOTS] as number;
      hLeft += histLeft[base + b * SLOTS + 1] as number;
    }
    const depth = leaf.depth + 1;
    const leftLeaf = leafOf(leaf.start, mid, depth, histLeft, gLeft, hLeft);
    const rightLeaf = leafOf(mid, leaf.end, depth, histRight, leaf.gradSum - gLeft, leaf.hessSum - hLeft);
    feature[leaf.node] = f;
    threshold[leaf.node] = t;
    left[leaf.node] = leftLeaf.node;
    right[leaf.node] = rightLeaf.node;
    open.push(leftLeaf, rightLeaf);
    leaves++;
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Int32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

/** The value of the leaf a binned row falls in. */
export function predictTree(tree: Tree, bins: Uint8Array, offset: number): number {
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    const f = tree.feature[node] as number;
    node =
      (bins[offset + f] as number) <= (tree.threshold[node] as number)
        ? (tree.left[node] as number)
        : (tree.right[node] as number);
  }
  return tree.value[node] as number;
}
