/** The chain's clock (Beijing time, UTC+8 all year) as the promotion pages show and read it. */
const OFFSET_MS = 8 * 3_600_000;

/** An instant as the chain's local time to the minute: 2026-12-12 10:00. */
export const chainLocal = (at: Date | string) =>
  new Date(new Date(at).getTime() + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');

/** The chain's day of an instant. */
export const chainDay = (at: Date | string) => chainLocal(at).slice(0, 10);

/** A chain-local `datetime-local` value (2026-12-12T10:00) as the instant it names. */
export const chainInstant = (local: string) => `${local.length === 16 ? `${local}:00` : local}+08:00`;
