/**
 * Features are cut into at most 255 bins once, before training: split search then walks histograms of
 * bin counts instead of sorting values at every node (the LightGBM / XGBoost "hist" method). Missing
 * values (NaN) get bin 0 of their own, so a split can send them either way.
 */
export const MAX_BINS = 256;

export interface BinnedMatrix {
  rows: number;
  features: number;
  /** Row-major: bins[row * features + feature] (a histogram reads every feature of a row). */
  bins: Uint8Array;
  /** The same by column, columns[feature][row] (a split reads one feature of a leaf's rows). */
  columns: Uint8Array[];
  /** Per feature, the upper edges of bins 1…k (a value v falls in the first bin whose edge ≥ v). */
  edges: Float64Array[];
}

/** Distinct-aware quantile edges from (a sample of) one feature's values. */
function edgesOf(values: Float64Array, maxBins: number): Float64Array {
  const finite = Array.from(values.filter((v) => !Number.isNaN(v))).sort((a, b) => a - b);
  if (finite.length === 0) return new Float64Array([Number.POSITIVE_INFINITY]);
  const distinct: number[] = [];
  for (const v of finite) if (distinct[distinct.length - 1] !== v) distinct.push(v);
  if (distinct.length <= maxBins) {
    // Few values: one bin each, the edge halfway to the next value.
    return Float64Array.from(
      distinct.map((v, i) =>
        i + 1 < distinct.length ? (v + (distinct[i + 1] as number)) / 2 : Number.POSITIVE_INFINITY,
      ),
    );
  }
  const edges: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const edge = finite[Math.floor((b * finite.length) / maxBins)] as number;
    if (edges[edges.length - 1] !== edge) edges.push(edge);
  }
  edges.push(Number.POSITIVE_INFINITY);
  return Float64Array.from(edges);
}

/** The bin of a value: 0 for missing, else 1 + the first edge at or above it. */
export function binOf(edges: Float64Array, value: number): number {
  if (Number.isNaN(value)) return 0;
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] as number) >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}

/** Bins a column-major feature matrix (columns[f][row]); edges from up to `sample` evenly spaced rows. */
export function binMatrix(columns: Float64Array[], sample = 200_000): BinnedMatrix {
  const rows = columns[0]?.length ?? 0;
  const features = columns.length;
  const step = Math.max(1, Math.floor(rows / sample));
  const edges = columns.map((col) => {
    const picked = new Float64Array(Math.ceil(rows / step));
    for (let i = 0, j = 0; i < rows; i += step, j++) picked[j] = col[i] as number;
    return edgesOf(picked, MAX_BINS - 1);
  });
  const bins = applyBins(columns, edges);
  return { rows, features, bins, columns: columnsOf(bins, features), edges };
}

/** Bins new rows with the edges learnt at training, row-major. */
export function applyBins(columns: Float64Array[], edges: Float64Array[]): Uint8Array {
  const rows = columns[0]?.length ?? 0;
  const features = columns.length;
  const bins = new Uint8Array(rows * features);
  for (let f = 0; f < features; f++) {
    const col = columns[f] as Float64Array;
    const e = edges[f] as Float64Array;
    for (let i = 0; i < rows; i++) bins[i * features + f] = binOf(e, col[i] as number);
  }
  return bins;
}

function columnsOf(bins: Uint8Array, features: number): Uint8Array[] {
  const rows = bins.length / features;
  return Array.from({ length: features }, (_, f) => {
    const column = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) column[i] = bins[i * features + f] as number;
    return column;
  });
}
