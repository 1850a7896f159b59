import type { StaffMember } from '../../src/workforce/index.js';

/** A full-time cashier of store S1 at 25.00 an hour, with whatever the test changes. */
export const staffMember = (id: string, more: Partial<StaffMember> = {}): StaffMember => ({
  store: 'S1',
  id,
  contract: 'full_time',
  minHours: 0,
  maxHours: 40,
  skills: ['cashier'],
  unavailable: new Set(),
  preferredOff: new Set(),
  wageFen: 2500,
  ...more,
});
