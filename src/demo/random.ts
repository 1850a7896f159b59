export { seededRandom } from '../model/index.js';

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function pickWeighted<T>(random: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll <= 0) return item;
  }
  const last = items.at(-1);
  if (!last) throw new Error('pick from an empty list');
  return last[0];
}

export const between = (random: () => number, low: number, high: number): number =>
  low + random() * (high - low);
