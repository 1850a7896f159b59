import type { BinnedMatrix } from './bins.js';
import { bestSplit, buildHistogram, layoutOf, type Split, TreeWork } from './histogram.js';

/**
 * One regression tree grown leaf-wise (the leaf whose best split gains most is split next) on binned
 * features, for squared-error gradients. Histograms hold, per feature and bin, the sum of gradients and
 * of hessians (row weights); a child's histogram is its parent's minus its sibling's, so only the smaller
 * child is ever counted. Rows in a bin are not counted apart: as in LightGBM, a side's rows are estimated
 * from its hessians (exact when every row weighs the same), which spares a third of the histogram's writes.
 */
export interface TreeOptions {
  maxLeaves: number;
  maxDepth: number;
  minRowsInLeaf: number;
  /** L2 penalty on leaf values (λ). */
  lambda: number;
  /** Features a tree may split on (column subsampling), by index, ascending. */
  features: Int32Array;
  /** Per feature of the matrix: how many bins it uses (bin 0, missing, included). */
  binCounts: Int32Array;
}

/** Flat arrays: node i splits on feature[i] at bin threshold[i] (bin ≤ threshold goes left), or is a leaf. */
export interface Tree {
  feature: Int32Array;
  threshold: Int32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** A grown tree and where its leaves' rows sit in the index (so the booster updates them without walking). */
export interface GrownTree {
  tree: Tree;
  leaves: { node: number; start: number; end: number }[];
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  hist: Float64Array;
  gradSum: number;
  hessSum: number;
  best: Split;
}

/**
 * Moves the rows of [start, end) that go left to the front, both sides keeping their order; returns where
 * the right ones begin. Rows stay ascending within every leaf, so the histograms read the binned matrix
 * forwards (the prefetcher's way) instead of jumping around it.
 */
function partition(
  column: Uint8Array,
  index: Uint32Array,
  scratch: Uint32Array,
  start: number,
  end: number,
  threshold: number,
): number {
  let l = start;
  let r = 0;
  for (let k = start; k < end; k++) {
    const row = index[k] as number;
    if ((column[row] as number) <= threshold) index[l++] = row;
    else scratch[r++] = row;
  }
  index.set(scratch.subarray(0, r), l);
  return l;
}

/**
 * Grows a tree on the rows `index[0…count)` and returns it; leaf values are −G/(H+λ), the Newton step
 * for (weighted) squared error, not yet scaled by the learning rate.
 */
export function growTree(
  matrix: BinnedMatrix,
  grad: Float64Array,
  hess: Float64Array,
  index: Uint32Array,
  count: number,
  options: TreeOptions,
  work: TreeWork = new TreeWork(options.binCounts, count),
): GrownTree {
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
    best:
      depth < options.maxDepth
        ? bestSplit(hist, gradSum, hessSum, end - start, options, layout)
        : { gain: 0, feature: -1, threshold: -1 },
  });
  let gradSum = 0;
  let hessSum = 0;
  for (let k = 0; k < count; k++) {
    gradSum += grad[index[k] as number] as number;
    hessSum += hess[index[k] as number] as number;
  }
  const { features } = options;
  const layout = layoutOf(options);
  const open: Leaf[] = [
    leafOf(
      0,
      count,
      0,
      buildHistogram(matrix, grad, hess, index, 0, count, layout, work.take()),
      gradSum,
      hessSum,
    ),
  ];
  const done: Leaf[] = [];
  let leaves = 1;
  while (leaves < options.maxLeaves) {
    let pick = -1;
    for (let i = 0; i < open.length; i++) {
      const leaf = open[i] as Leaf;
      if (leaf.best.feature >= 0 && (pick < 0 || leaf.best.gain > (open[pick] as Leaf).best.gain)) pick = i;
    }
    if (pick < 0) break;
    const leaf = open[pick] as Leaf;
    open.splice(pick, 1);
    const { feature: j, threshold: t } = leaf.best;
    const f = features[j] as number;
    const mid = partition(matrix.columns[f] as Uint8Array, index, work.scratch, leaf.start, leaf.end, t);
    // Count the smaller child; the larger is the parent minus it.
    const leftSmaller = mid - leaf.start <= leaf.end - mid;
    const small = leftSmaller
      ? buildHistogram(matrix, grad, hess, index, leaf.start, mid, layout, work.take())
      : buildHistogram(matrix, grad, hess, index, mid, leaf.end, layout, work.take());
    const large = leaf.hist;
    for (let i = 0; i < layout.size; i++) large[i] = (large[i] as number) - (small[i] as number);
    const [histLeft, histRight] = leftSmaller ? [small, large] : [large, small];
    // The left child's histogram of the split feature holds only bins ≤ t: its sums are the child's.
    let gLeft = 0;
    let hLeft = 0;
    const base = layout.offsets[j] as number;
    for (let b = 0; b <= t; b++) {
      gLeft += histLeft[base + 2 * b] as number;
      hLeft += histLeft[base + 2 * b + 1] as number;
    }
    const depth = leaf.depth + 1;
    const leftLeaf = leafOf(leaf.start, mid, depth, histLeft, gLeft, hLeft);
    const rightLeaf = leafOf(mid, leaf.end, depth, histRight, leaf.gradSum - gLeft, leaf.hessSum - hLeft);
    feature[leaf.node] = f;
    threshold[leaf.node] = t;
    left[leaf.node] = leftLeaf.node;
    right[leaf.node] = rightLeaf.node;
    for (const child of [leftLeaf, rightLeaf]) {
      if (child.best.feature >= 0) open.push(child);
      else {
        // A leaf that cannot split needs its histogram no more.
        work.give(child.hist);
        done.push(child);
      }
    }
    leaves++;
  }
  for (const leaf of open) {
    work.give(leaf.hist);
    done.push(leaf);
  }
  return {
    tree: {
      feature: Int32Array.from(feature),
      threshold: Int32Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    },
    leaves: done.map(({ node, start, end }) => ({ node, start, end })),
  };
}

/** The value of the leaf a binned row falls in (its features from bins[offset]). */
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
