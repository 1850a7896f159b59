import { describe, expect, it } from 'vitest';
import { takingTurns } from './turns.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('takingTurns', () => {
  it('runs calls with one key one after another in the order asked, others side by side, past failures', async () => {
    const inTurn = takingTurns();
    const log: string[] = [];
    const job =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`${name} start`);
        await pause(ms);
        log.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      inTurn('a', job('a1', 30, true)),
      inTurn('a', job('a2', 5)),
      inTurn('b', job('b1', 10)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    // a2 waits for a1 (which failed); b1 does not wait for either.
    expect(log.indexOf('a2 start')).toBeGreaterThan(log.indexOf('a1 end'));
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'));
  });
});
