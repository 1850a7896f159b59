/**
 * Minimises a smooth function of a few variables by Nelder and Mead's simplex (the standard coefficients:
 * reflect 1, expand 2, contract ½, shrink ½), restarted from its best point until a restart no longer improves
 * — enough for maximum-likelihood fits of 3–4 parameters on a log scale. (The npm `fmin` package's build does not
 * load as an ES module; this is the same method.)
 */
export interface Minimum {
  x: number[];
  fx: number;
  iterations: number;
}

function simplexFrom(f: (x: number[]) => number, x0: number[], step: number) {
  const points = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))];
  return points.map((x) => ({ x, fx: f(x) }));
}

function run(f: (x: number[]) => number, x0: number[], tolerance: number, maxIterations: number) {
  const n = x0.length;
  let simplex = simplexFrom(f, x0, 0.5);
  let iterations = 0;
  const at = (a: number[], b: number[], t: number) => a.map((v, i) => v + t * ((b[i] as number) - v));
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.fx - q.fx);
    const best = simplex[0] as { x: number[]; fx: number };
    const worst = simplex[n] as { x: number[]; fx: number };
    // Done when the values agree to a relative tolerance (a log-likelihood of −40,000 carries ~1e-11 of noise)
    // or the simplex has shrunk to a point.
    const spread = Math.abs(worst.fx - best.fx);
    const size = Math.max(
      ...simplex.map((p) => Math.max(...p.x.map((v, i) => Math.abs(v - (best.x[i] as number))))),
    );
    if (spread <= tolerance * (1 + Math.abs(best.fx)) || size < 1e-9) break;
    const centroid = best.x.map(
      (_, i) => simplex.slice(0, n).reduce((s, p) => s + (p.x[i] as number), 0) / n,
    );
    const reflected = at(centroid, worst.x, -1);
    const fr = f(reflected);
    if (fr < best.fx) {
      const expanded = at(centroid, worst.x, -2);
      const fe = f(expanded);
      simplex[n] = fe < fr ? { x: expanded, fx: fe } : { x: reflected, fx: fr };
    } else if (fr < (simplex[n - 1] as { fx: number }).fx) {
      simplex[n] = { x: reflected, fx: fr };
    } else {
      const outside = fr < worst.fx;
      const contracted = at(centroid, outside ? reflected : worst.x, 0.5);
      const fc = f(contracted);
      if (fc < (outside ? fr : worst.fx)) simplex[n] = { x: contracted, fx: fc };
      else
        simplex = simplex.map((p, i) => {
          if (i === 0) return p;
          const x = at(best.x, p.x, 0.5);
          return { x, fx: f(x) };
        });
    }
  }
  simplex.sort((p, q) => p.fx - q.fx);
  return { ...(simplex[0] as { x: number[]; fx: number }), iterations };
}

export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  options: { tolerance?: number; maxIterations?: number } = {},
): Minimum {
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 5_000;
  let found = run(f, x0, tolerance, maxIterations);
  let iterations = found.iterations;
  // A simplex can collapse before the minimum: start again from the best point until nothing improves.
  for (let restart = 0; restart < 4; restart++) {
    const again = run(f, found.x, tolerance, maxIterations);
    iterations += again.iterations;
    const improved = found.fx - again.fx > tolerance * (1 + Math.abs(found.fx));
    found = again.fx < found.fx ? again : found;
    if (!improved) break;
  }
  return { x: found.x, fx: found.fx, iterations };
}
