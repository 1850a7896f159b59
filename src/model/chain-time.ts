/**
 * The chain's local time (Asia/Shanghai, UTC+8 all year): what a ledger's day is, what the warehouse's date and
 * ts hold, and what an order's local timestamp means as an instant.
 */
const OFFSET_MS = 8 * 3_600_000;

/** The chain's time zone by name, for what reads it so (cron schedules). */
export const CHAIN_TIME_ZONE = 'Asia/Shanghai';

/**
 * The local day and time of an instant: 2026-12-01T17:30:00.250Z → 2026-12-02, 2026-12-02 01:30:00, and to
 * the millisecond 2026-12-02 01:30:00.250 (events of one second keep their order).
 */
export function chainLocal(at: Date | string): { day: string; time: string; precise: string } {
  const shifted = new Date(new Date(at).getTime() + OFFSET_MS).toISOString();
  return {
    day: shifted.slice(0, 10),
    time: shifted.slice(0, 19).replace('T', ' '),
    precise: shifted.slice(0, 23).replace('T', ' '),
  };
}

export const chainToday = (at: Date = new Date()): string => chainLocal(at).day;

/** The instant a local timestamp ('2026-11-30 18:05:00') names. */
export const fromChainLocal = (local: string): Date =>
  new Date(Date.parse(`${local.replace(' ', 'T').slice(0, 19)}Z`) - OFFSET_MS);
