import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRoster, readRequirements, readRoster, readRules, readStaff } from '../src/workforce/index.js';
import { zhongtai } from './support/cli.js';
import { ROOT, SMALL_DEMO } from './support/paths.js';

const example = (file: string) => join(ROOT, 'examples', 'workforce', file);

/** The solver from plain files, as a chain tries it before loading anything, and the independent rule check. */
describe('zhongtai schedule and roster-check', () => {
  it('writes a legal roster for the example store, explains its gaps, and the checker agrees; a broken roster is refused by rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-schedule-'));
    const out = join(dir, 'roster.csv');
    const args = [
      '--requirements',
      example('req.csv'),
      '--staff',
      example('staff.csv'),
      '--rules',
      example('rules.yaml'),
    ];
    const run = await zhongtai('schedule', ...args, '--out', out, '--time-limit', '4');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/S001\s+(optimal|time limit)/);
    expect(run.stdout).toContain('no violation 无违规');
    expect(run.stderr).toMatch(/\[1\/1\] S001: \d+\.\d\d% covered/);
    const roster = readRoster(out);
    expect(readFileSync(out, 'utf8').split('\r\n')[0]).toBe('store,employee,date,start,end,role');
    const staff = readStaff(example('staff.csv'));
    const rules = readRules(example('rules.yaml'));
    expect(checkRoster(roster, staff, rules, readRequirements(example('req.csv')))).toEqual([]);
    // Everyone works within the week's 40 h, and the unavailable days stay free.
    expect(roster.some((s) => s.employee === 'E02-李娜' && s.date === '2026-12-09')).toBe(false);
    const checked = await zhongtai(
      'roster-check',
      '--roster',
      out,
      '--staff',
      example('staff.csv'),
      '--rules',
      example('rules.yaml'),
    );
    expect(checked).toMatchObject({ code: 0 });
    expect(checked.stdout).toContain('No violation 无违规');
    // Plant two violations by hand: a shift on a day off asked for as unavailable, and a sixth-plus day.
    const broken = join(dir, 'broken.csv');
    const text = readFileSync(out, 'utf8');
    writeFileSync(
      broken,
      `${text}S001,E02-李娜,2026-12-09,09:00,13:00,cashier\r\nS001,E04-刘洋,2026-12-07,18:00,22:00,cashier\r\n`,
    );
    const refused = await zhongtai(
      'roster-check',
      '--roster',
      broken,
      '--staff',
      example('staff.csv'),
      '--rules',
      example('rules.yaml'),
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('[unavailable] E02-李娜');
    expect(refused.stdout).toContain('[skill] E04-刘洋');
  }, 60_000);

  it('names the file, row and field of a bad cell, and an unknown rule pack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-schedule-bad-'));
    const staff = join(dir, 'staff.csv');
    writeFileSync(
      staff,
      'store,staff_id,contract_hours_min,contract_hours_max,skills,unavailable_dates,hourly_wage\nS001,E1,30,40,cashier,,25.00\nS001,E2,30,40,cashier,2026-13-01,25.00\n',
    );
    const bad = await zhongtai('schedule', '--requirements', example('req.csv'), '--staff', staff);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('staff.csv row 3, unavailable_dates: "2026-13-01" is not a date YYYY-MM-DD');
    const pack = await zhongtai(
      'schedule',
      '--requirements',
      example('req.csv'),
      '--staff',
      example('staff.csv'),
      '--pack',
      'cn-24h',
    );
    expect(pack.code).toBe(2);
    expect(pack.stderr).toMatch(/--pack, pack: .*cn-standard/);
  });

  it('imports a time clock’s CSV once however often it is sent, and keeps the rows it cannot read with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-clock-'));
    const db = join(dir, 'demo.duckdb');
    copyFileSync(SMALL_DEMO, db);
    const file = join(dir, 'punches.csv');
    writeFileSync(
      file,
      'employee,at,kind\n3001,2026-11-17 07:58,in\n3001,2026-11-17 15:03,下班\n3001,2026-13-01 08:00,in\n,2026-11-18 08:00,in\n',
    );
    const first = await zhongtai('clock-import', file, '--device', 'door-1', '--db', db);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('2 punches read 条打卡, 2 new 新增, 0 already kept 已有');
    expect(first.stdout).toContain('2 rows rejected 行被拒收');
    const rejected = readFileSync(join(dir, 'punches.rejected.csv'), 'utf8');
    expect(rejected).toContain('4,3001,2026-13-01 08:00,in,');
    expect(rejected).toContain('5,,2026-11-18 08:00,in,employee is empty');
    const again = await zhongtai('clock-import', file, '--device', 'door-1', '--db', db);
    expect(again.stdout).toContain('2 punches read 条打卡, 0 new 新增, 2 already kept 已有');
  }, 60_000);
});
