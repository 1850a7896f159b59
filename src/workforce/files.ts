import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { csvLines, fenOf, parseInput, parseIsoDate, ZhongtaiError } from '../model/index.js';
import type { ClockEvent } from './attendance.js';
import { minutesOf, type RulesFile, rulesFileSchema, timeOf } from './rules.js';
import { type LabourStandards, parseStandards } from './standards.js';
import type { Requirement, Shift, StaffMember } from './types.js';

/**
 * The solver's plain files, so a chain can try it before loading anything: `req.csv`, `staff.csv`, `rules.yaml`
 * in, `roster.csv` out. Each bad cell is named by file, row (as a spreadsheet numbers it) and column.
 */

type Row = Record<string, string>;

const bad = (file: string, row: number, field: string, en: string, zh: string) =>
  new ZhongtaiError(
    'BAD_REQUEST',
    { en: `${file} row ${row}, ${field}: ${en}`, zh: `${file} 第 ${row} 行 ${field}：${zh}` },
    { file, row, field },
  );

/** A file's text; one that cannot be read is named. */
function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `Cannot read ${file}: ${(error as Error).message}`,
        zh: `无法读取 ${file}：${(error as Error).message}`,
      },
      { file },
    );
  }
}

function readRows(file: string, needed: string[]): Row[] {
  const text = readText(file);
  let rows: Row[];
  try {
    rows = parse(text, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `${file} is not valid CSV: ${(error as Error).message}`,
        zh: `${file} 不是有效的 CSV：${(error as Error).message}`,
      },
      { file },
    );
  }
  const header = rows[0] ? Object.keys(rows[0]) : [];
  const missing = needed.filter((c) => !header.includes(c));
  if (rows.length > 0 && missing.length > 0)
    throw new ZhongtaiError(
      'BAD_REQUEST',
      { en: `${file} lacks the column(s) ${missing.join(', ')}`, zh: `${file} 缺少列 ${missing.join('、')}` },
      { file, row: 1, field: missing[0] as string },
    );
  return rows;
}

const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(parseIsoDate(v));
const isClock = (v: string) => /^([01]?\d|2\d|3[0-5]):[0-5]\d$/.test(v);

function date(file: string, row: number, field: string, value: string): string {
  if (!isDate(value))
    throw bad(file, row, field, `"${value}" is not a date YYYY-MM-DD`, `“${value}”不是日期 YYYY-MM-DD`);
  return value;
}

function clock(file: string, row: number, field: string, value: string): number {
  if (!isClock(value))
    throw bad(file, row, field, `"${value}" is not a time HH:MM`, `“${value}”不是时间 HH:MM`);
  return minutesOf(value);
}

function count(file: string, row: number, field: string, value: string, integer = true): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw bad(
      file,
      row,
      field,
      `"${value}" is not a ${integer ? 'whole ' : ''}number ≥ 0`,
      `“${value}”不是非负${integer ? '整' : ''}数`,
    );
  return n;
}

/** `store,date,start,end,required,skill`: staff needed with a skill over [start, end) of a date. */
export function readRequirements(file: string): Requirement[] {
  return readRows(file, ['store', 'date', 'start', 'end', 'required', 'skill']).map((r, i) => {
    const row = i + 2;
    const start = clock(file, row, 'start', r.start ?? '');
    let end = clock(file, row, 'end', r.end ?? '');
    if (end <= start) end += 24 * 60;
    if (!r.store) throw bad(file, row, 'store', 'is empty', '为空');
    if (!r.skill) throw bad(file, row, 'skill', 'is empty', '为空');
    return {
      store: r.store,
      date: date(file, row, 'date', r.date ?? ''),
      start,
      end,
      required: count(file, row, 'required', r.required ?? ''),
      skill: r.skill,
    };
  });
}

const CONTRACTS = ['full_time', 'part_time', 'hourly'] as const;

/**
 * `store,staff_id,contract_hours_min,contract_hours_max,skills,unavailable_dates,hourly_wage`, and optionally
 * `contract` (full_time | part_time | hourly; 非全日制 is part_time) and `preferred_days_off` (dates).
 */
export function readStaff(file: string): StaffMember[] {
  const seen = new Set<string>();
  return readRows(file, [
    'store',
    'staff_id',
    'contract_hours_min',
    'contract_hours_max',
    'skills',
    'unavailable_dates',
    'hourly_wage',
  ]).map((r, i) => {
    const row = i + 2;
    const id = r.staff_id ?? '';
    if (!id) throw bad(file, row, 'staff_id', 'is empty', '为空');
    if (seen.has(id)) throw bad(file, row, 'staff_id', `${id} appears twice`, `${id} 重复`);
    seen.add(id);
    const minHours = count(file, row, 'contract_hours_min', r.contract_hours_min ?? '', false);
    const maxHours = count(file, row, 'contract_hours_max', r.contract_hours_max ?? '', false);
    if (maxHours < minHours)
      throw bad(
        file,
        row,
        'contract_hours_max',
        `${maxHours} is below the minimum ${minHours}`,
        `${maxHours} 小于最少工时 ${minHours}`,
      );
    const dates = (field: string) =>
      (r[field] ?? '')
        .split('|')
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => date(file, row, field, d));
    const skills = (r.skills ?? '')
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean);
    if (skills.length === 0) throw bad(file, row, 'skills', 'names no skill', '没有技能');
    const wage = r.hourly_wage ?? '';
    if (!/^\d+(\.\d{1,2})?$/.test(wage))
      throw bad(
        file,
        row,
        'hourly_wage',
        `"${wage}" is not an amount in yuan, e.g. 25.50`,
        `“${wage}”不是金额（元），例如 25.50`,
      );
    const contract = (r.contract || 'full_time') as (typeof CONTRACTS)[number];
    if (!CONTRACTS.includes(contract))
      throw bad(
        file,
        row,
        'contract',
        `"${r.contract}" is not one of ${CONTRACTS.join(', ')}`,
        `“${r.contract}”不是 ${CONTRACTS.join('、')} 之一`,
      );
    return {
      store: r.store ?? '',
      id,
      contract,
      minHours,
      maxHours,
      skills,
      unavailable: new Set(dates('unavailable_dates')),
      preferredOff: new Set(dates('preferred_days_off')),
      wageFen: fenOf(wage),
    };
  });
}

/** A YAML file's value; a file that cannot be read or parsed is named. */
function readYaml(file: string): unknown {
  const text = readText(file);
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `${file} is not valid YAML: ${(error as Error).message}`,
        zh: `${file} 不是有效的 YAML：${(error as Error).message}`,
      },
      { file },
    );
  }
}

/** The rules file: YAML naming a pack and the chain's settings. */
export const readRules = (file: string): RulesFile => parseRules(readYaml(file), file);

/** Labour standards: YAML naming, per store format, how many of each role the drivers call for. */
export const readStandards = (file: string): LabourStandards => parseStandards(readYaml(file), file);

export const parseRules = (raw: unknown, file = 'rules'): RulesFile => parseInput(rulesFileSchema, raw, file);

/** Requirements as the schedule command reads them: `store,date,start,end,required,skill`. */
export const requirementsCsv = (requirements: readonly Requirement[]): string =>
  csvLines([
    ['store', 'date', 'start', 'end', 'required', 'skill'],
    ...requirements.map((r) => [
      r.store,
      r.date,
      timeOf(r.start),
      timeOf(r.end % (24 * 60)),
      r.required,
      r.skill,
    ]),
  ]);

export const ROSTER_HEADER = ['store', 'employee', 'date', 'start', 'end', 'role'];

/** Shifts as `store,employee,date,start,end,role`; an end past midnight is written as the next day's HH:MM. */
export const rosterCsv = (shifts: readonly Shift[]): string =>
  csvLines([
    ROSTER_HEADER,
    ...shifts.map((s) => [s.store, s.employee, s.date, timeOf(s.start), timeOf(s.end % (24 * 60)), s.role]),
  ]);

/** A roster CSV back to shifts (an end not after the start is on the next day). */
export function readRoster(file: string): Shift[] {
  return readRows(file, ROSTER_HEADER).map((r, i) => {
    const row = i + 2;
    const start = clock(file, row, 'start', r.start ?? '');
    let end = clock(file, row, 'end', r.end ?? '');
    if (end <= start) end += 24 * 60;
    return {
      store: r.store ?? '',
      employee: r.employee ?? '',
      date: date(file, row, 'date', r.date ?? ''),
      start,
      end,
      role: r.role ?? '',
    };
  });
}

/**
 * A time clock's export, `employee,at[,kind]` (at: local time YYYY-MM-DD HH:MM[:SS] or with a T; kind: in/out,
 * or 上班/下班). Rows that cannot be read are kept with the reason, never dropped unseen.
 */
export function readClockFile(file: string): {
  events: ClockEvent[];
  rejected: { row: number; line: Row; reason: string }[];
} {
  const events: ClockEvent[] = [];
  const rejected: { row: number; line: Row; reason: string }[] = [];
  readRows(file, ['employee', 'at']).forEach((r, i) => {
    const row = i + 2;
    const at = (r.at ?? '').replace(' ', 'T');
    const kind = { in: 'in', out: 'out', 上班: 'in', 下班: 'out', '': undefined }[
      (r.kind ?? '').trim().toLowerCase()
    ];
    if (!r.employee) rejected.push({ row, line: r, reason: 'employee is empty 员工为空' });
    else if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(at) || Number.isNaN(Date.parse(`${at}Z`)))
      rejected.push({
        row,
        line: r,
        reason: `at "${r.at}" is not a local time YYYY-MM-DD HH:MM 时间格式错误`,
      });
    else if (r.kind && !kind)
      rejected.push({ row, line: r, reason: `kind "${r.kind}" is not in/out 方向应为 in/out` });
    else events.push({ employee: r.employee, at, ...(kind ? { kind: kind as 'in' | 'out' } : {}) });
  });
  return { events, rejected };
}
