import { applyBins } from './bins.js';
import { predictTree, type Tree } from './tree.js';

/** Early stopping: the kept-aside rows scored tree by tree with the loss the trees descend. */

/** The loss the trees descend: squared error, or Huber beyond δ. */
function lossOf(residual: number, delta: number): number {
  const r = Math.abs(residual);
  return r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
}

/** The kept-aside rows' predictions, updated tree by tree, and the round with the lowest loss so far. */
export function validationOf(
  validation: { columns: Float64Array[]; y: Float64Array; patience: number },
  edges: Float64Array[],
  base: number,
) {
  const bins = applyBins(validation.columns, edges);
  const width = validation.columns.length;
  const { y, patience } = validation;
  const predicted = new Float64Array(y.length).fill(base);
  const losses: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  return {
    patience,
    bestRound: 0,
    add(tree: Tree, delta: number): void {
      let loss = 0;
      for (let i = 0; i < y.length; i++) {
        predicted[i] = (predicted[i] as number) + predictTree(tree, bins, i * width);
        loss += lossOf((predicted[i] as number) - (y[i] as number), delta);
      }
      loss /= y.length || 1;
      losses.push(loss);
      if (loss < best) {
        best = loss;
        this.bestRound = losses.length;
      }
    },
    losses: () => Float64Array.from(losses),
  };
}
