/** Staff needed with a skill over [start, end) minutes after the date's midnight (end may pass 24:00). */
export interface Requirement {
  store: string;
  date: string;
  start: number;
  end: number;
  required: number;
  skill: string;
}

export type Contract = 'full_time' | 'part_time' | 'hourly';

export interface StaffMember {
  store: string;
  id: string;
  contract: Contract;
  /** Paid hours a week the contract promises at least and allows at most. */
  minHours: number;
  maxHours: number;
  skills: string[];
  unavailable: Set<string>;
  preferredOff: Set<string>;
  /** Hourly wage in fen, exact. */
  wageFen: number;
}

/** One shift: minutes after the midnight of `date`, `end` past 1440 when it runs into the next morning. */
export interface Shift {
  store: string;
  employee: string;
  date: string;
  start: number;
  end: number;
  role: string;
}

/** A hard rule a roster breaks, in words for the store manager. */
export interface Violation {
  rule: string;
  employee: string;
  date?: string;
  zh: string;
  en: string;
}
