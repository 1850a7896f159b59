import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { addDays, csvLines, daysBetween, yuan, ZhongtaiError } from '../../model/index.js';
import {
  checkRoster,
  INTERVAL_FORECAST,
  parseRules,
  type Requirement,
  RULE_PACKS,
  readClockFile,
  readRequirements,
  readRoster,
  readRules,
  readStaff,
  readStandards,
  relayWorkforce,
  requirementsCsv,
  rosterCsv,
  type Shift,
  type StaffMember,
  scheduleStores,
  staffFromWarehouse,
  staffingPlan,
  WorkforceCenter,
} from '../../workforce/index.js';
import { withAppStore } from '../access.js';
import { textTable } from '../format.js';
import { openDb } from '../open.js';
import { DEFAULT_DB, integer, list } from '../options.js';

const seconds = (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('--time-limit must be a number of seconds above 0');
  return n;
};

const percent = (share: number) => (Number.isFinite(share) ? `${(share * 100).toFixed(2)}%` : '—');

/** A roster of earlier weeks moved by whole weeks onto the first week planned: last week's as this week's start. */
function movedOnto(shifts: Shift[], first: string): Shift[] {
  const earliest = shifts.map((s) => s.date).sort()[0] ?? first;
  const weeks = Math.ceil(daysBetween(earliest, first) / 7);
  return weeks <= 0 ? shifts : shifts.map((s) => ({ ...s, date: addDays(s.date, weeks * 7) }));
}

export function scheduleCommands(program: Command): void {
  program
    .command('schedule')
    .description('optimal, legal staff schedules from demand, staff and rules files (HiGHS MIP) 智能排班')
    .option('--requirements <file>', 'store,date,start,end,required,skill — staff needed per interval')
    .option(
      '--staff <file>',
      'store,staff_id,contract_hours_min,contract_hours_max,skills,unavailable_dates,hourly_wage[,contract,preferred_days_off]',
    )
    .option(
      '--db <file>',
      `instead of the files: the requirement forecast from this warehouse, its employees as staff (default with --week: ${DEFAULT_DB})`,
    )
    .option('--week <monday>', 'with --db: the first day planned')
    .option('--region <name>', 'with --db: every store of this region (instead of --stores)')
    .option('--weeks <n>', 'with --db: weeks planned', integer('weeks'), 1)
    .option('--standards <file>', 'with --db: labour standards YAML (default: the demo chain’s)')
    .option(
      '--rules <file>',
      'rules.yaml: a rule pack and the chain’s settings (default: cn-standard, 4–9 h shifts)',
    )
    .option('--pack <name>', `rule pack instead of the file’s: ${Object.keys(RULE_PACKS).join(', ')}`)
    .option('--out <file>', 'write the roster as store,employee,date,start,end,role')
    .option('--stores <ids>', 'only these stores, e.g. S01,S02 (with --db: the store ids planned)', list)
    .option('--time-limit <s>', 'seconds of search per store (default: the rules file’s, 8)', seconds)
    .option('--parallel <n>', 'stores solved at once (default: the cores)', integer('parallel'))
    .option(
      '--warm-start <file>',
      'a roster to start from, e.g. last week’s (moved onto this week by whole weeks)',
    )
    .option('--gaps <n>', 'coverage gaps to explain per store', integer('gaps'), 10)
    .addHelpText(
      'after',
      `
Each store is one mixed-integer program: a yes/no per possible shift (every start on the grid and every
allowed length, in a skill the employee has, on days the employee is available), the demand per interval
covered as well as it can be, and the rule pack's hard rules as constraints (hours a day and a week, rest
days, rest between shifts, consecutive days, part-time limits, contract maximum). Soft goals are weighted:
uncovered demand, overstaffing, wages, contract minimum hours, fairness of weekends and late shifts, days
off asked for. HiGHS searches until the time limit; the roster printed is the best found, with the gap to
the best HiGHS proved possible, and coverage against the most any legal roster could cover.

Rule packs: ${Object.values(RULE_PACKS)
        .map((p) => `${p.id} (${p.label.zh})`)
        .join('; ')}.

Examples:
  zhongtai schedule --requirements req.csv --staff staff.csv --rules rules.yaml --out roster.csv
  zhongtai schedule --requirements req.csv --staff staff.csv --pack eu-wtd --warm-start last-week.csv
  zhongtai schedule --db data/zhongtai.duckdb --stores 1,2 --week 2026-11-16 --out roster.csv
  zhongtai roster-check --roster roster.csv --staff staff.csv --rules rules.yaml`,
    )
    .action(async (opts) => {
      const rules = rulesOf(opts.rules, opts.pack);
      const { requirements, staff } = await inputsOf(opts);
      const first = requirements.map((r) => r.date).sort()[0] ?? '';
      const warmStart = opts.warmStart ? movedOnto(readRoster(opts.warmStart), first) : undefined;
      const started = performance.now();
      const schedules = await scheduleStores(
        requirements,
        staff,
        rules,
        {
          ...(opts.timeLimit ? { timeLimitSeconds: opts.timeLimit } : {}),
          ...(opts.parallel ? { parallel: opts.parallel } : {}),
          ...(opts.stores ? { stores: opts.stores } : {}),
          ...(warmStart ? { warmStart } : {}),
        },
        (s, done, total) =>
          process.stderr.write(
            `[${done}/${total}] ${s.store}: ${percent(s.coveredHours / Math.max(s.demandHours, 1e-9))} covered, ${s.seconds.toFixed(1)} s\n`,
          ),
      );
      const shifts = schedules.flatMap((s) => s.shifts);
      const violations = checkRoster(shifts, staff, rules, requirements);
      console.log(
        textTable(
          [
            'store 门店',
            'status 状态',
            'demand h 需求人时',
            'covered 覆盖',
            'best possible 可达上限',
            'proven gap 已证差距',
            'over h 超配',
            'wages 工资',
            's 秒',
          ],
          schedules.map((s) => [
            s.store,
            s.status === 'optimal'
              ? 'optimal 最优'
              : s.status === 'time_limit'
                ? 'time limit 限时'
                : 'none 无解',
            String(s.demandHours),
            percent(s.coveredHours / Math.max(s.demandHours, 1e-9)),
            percent(s.coverageBoundHours / Math.max(s.demandHours, 1e-9)),
            percent(s.gap),
            String(s.overHours),
            yuan(s.costFen),
            s.seconds.toFixed(1),
          ]),
          [false, false, true, true, true, true, true, true, true],
        ),
      );
      for (const s of schedules)
        for (const gap of s.gaps.slice(0, opts.gaps))
          console.log(`  ${s.store} ${gap.zh}\n  ${' '.repeat(s.store.length)} ${gap.en}`);
      console.log(
        `${shifts.length} shifts 个班次 in ${((performance.now() - started) / 1000).toFixed(1)} s; rule check 合规检查: ${
          violations.length === 0 ? 'no violation 无违规' : `${violations.length} violations 违规`
        }`,
      );
      for (const v of violations.slice(0, 20)) console.log(`  [${v.rule}] ${v.employee} ${v.zh} / ${v.en}`);
      if (opts.out) {
        writeFileSync(opts.out, rosterCsv(shifts));
        console.log(`Wrote 已写入 ${opts.out}`);
      }
      if (violations.length > 0) process.exitCode = 1;
    });

  program
    .command('staffing')
    .description(
      'staff needed per hour and role for coming days, from the forecast traffic and tickets 排班需求测算',
    )
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .requiredOption('--store <id>', 'the store', integer('store'))
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
    .option('--standards <file>', 'labour standards YAML (default: the demo chain’s)')
    .option(
      '--out <file>',
      'write store,date,start,end,required,skill (the schedule command’s --requirements)',
    )
    .addHelpText(
      'after',
      `
Footfall (traffic), tickets at the tills and online orders are forecast per hour from the store's last
${INTERVAL_FORECAST.weeks} weeks (the same weekday and hour, newest weighted most, odd weeks left out); the
format's labour standard turns them into staff per role: one cashier per so many tickets an hour, floor staff
by footfall, fixed roles and tasks at set times, a minimum while open.

Example:
  zhongtai staffing --db data/zhongtai.duckdb --store 1 --from 2026-11-16 --to 2026-11-22 --out req.csv`,
    )
    .action(async (opts) => {
      const engine = await openDb(opts.db, false, true);
      try {
        const plan = await staffingPlan(engine, {
          store: opts.store,
          from: opts.from,
          to: opts.to,
          ...(opts.standards ? { standards: readStandards(opts.standards) } : {}),
        });
        const byRole = new Map<string, number>();
        for (const r of plan.requirements)
          byRole.set(r.skill, (byRole.get(r.skill) ?? 0) + (r.required * (r.end - r.start)) / 60);
        console.log(
          `Store 门店 ${plan.store} (${plan.format}), ${opts.from} … ${opts.to}, forecast from history to 历史截至 ${plan.origin}`,
        );
        console.log(
          textTable(
            ['role 岗位', 'staff-hours 人时'],
            [...byRole].map(([role, hours]) => [role, String(hours)]),
            [false, true],
          ),
        );
        if (opts.out) {
          writeFileSync(opts.out, requirementsCsv(plan.requirements));
          console.log(`Wrote 已写入 ${opts.out}`);
        }
      } finally {
        await engine.close();
      }
    });

  program
    .command('clock-import')
    .description(
      'clock events from a time clock’s CSV into the workforce center, attendance into the warehouse 考勤导入',
    )
    .argument(
      '<file>',
      'employee,at[,kind] — at: local time YYYY-MM-DD HH:MM[:SS]; kind: in/out (上班/下班), optional',
    )
    .requiredOption(
      '--device <name>',
      'the clock the punches came from (a punch sent again from it is kept once)',
    )
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option(
      '--app-db <url>',
      'the application store on a PostgreSQL server (default: the folder beside --db)',
    )
    .option('--rules <file>', 'rules.yaml attendance is measured by (default: cn-standard)')
    .action(async (file: string, opts) => {
      const { events, rejected } = readClockFile(file);
      const rules = rulesOf(opts.rules, undefined);
      const engine = await openDb(opts.db, false);
      try {
        await withAppStore(opts, async (store) => {
          const center = await WorkforceCenter.open(store);
          const accepted = await center.recordClock(opts.device, events);
          const relayed = await relayWorkforce(center, engine, rules);
          console.log(
            `${file}: ${events.length} punches read 条打卡, ${accepted} new 新增, ${events.length - accepted} already kept 已有; ${relayed} changes relayed to the warehouse 已同步`,
          );
        });
      } finally {
        await engine.close();
      }
      if (rejected.length > 0) {
        const out = `${file.replace(/\.csv$/i, '')}.rejected.csv`;
        writeFileSync(
          out,
          csvLines([
            ['row', 'employee', 'at', 'kind', 'reason'],
            ...rejected.map((r) => [
              r.row,
              r.line.employee ?? '',
              r.line.at ?? '',
              r.line.kind ?? '',
              r.reason,
            ]),
          ]),
        );
        console.log(`${rejected.length} rows rejected 行被拒收, kept with the reason in 原因见 ${out}`);
        for (const r of rejected.slice(0, 5)) console.log(`  row ${r.row}: ${r.reason}`);
        process.exitCode = 1;
      }
    });

  program
    .command('roster-check')
    .description('every hard-rule violation in a roster CSV, by rule 排班合规检查')
    .requiredOption('--roster <file>', 'store,employee,date,start,end,role')
    .requiredOption('--staff <file>', 'the staff file the roster is for')
    .option('--rules <file>', 'rules.yaml (default: cn-standard)')
    .option('--pack <name>', `rule pack instead of the file’s: ${Object.keys(RULE_PACKS).join(', ')}`)
    .option(
      '--requirements <file>',
      'the demand, whose hours bound shifts when the rules set no opening hours',
    )
    .action((opts) => {
      const violations = checkRoster(
        readRoster(opts.roster),
        readStaff(opts.staff),
        rulesOf(opts.rules, opts.pack),
        opts.requirements ? readRequirements(opts.requirements) : [],
      );
      const byRule = new Map<string, number>();
      for (const v of violations) byRule.set(v.rule, (byRule.get(v.rule) ?? 0) + 1);
      for (const v of violations) console.log(`[${v.rule}] ${v.employee} ${v.zh} / ${v.en}`);
      console.log(
        violations.length === 0
          ? 'No violation 无违规'
          : `${violations.length} violations 违规: ${[...byRule].map(([r, n]) => `${r} ${n}`).join(', ')}`,
      );
      if (violations.length > 0) process.exitCode = 1;
    });
}

/** The rules file (or the defaults), with `--pack` in place of the file's pack; an unknown pack named. */
function rulesOf(file: string | undefined, pack: string | undefined) {
  const rules = file ? readRules(file) : parseRules({});
  return pack ? parseRules({ ...rules, pack }, '--pack') : rules;
}

interface InputOptions {
  db?: string;
  region?: string;
  stores?: string[];
  week?: string;
  weeks: number;
  standards?: string;
  requirements?: string;
  staff?: string;
}

/** The demand and the staff: from the files, or forecast from a warehouse and its employee table. */
async function inputsOf(opts: InputOptions): Promise<{ requirements: Requirement[]; staff: StaffMember[] }> {
  if (!opts.db && !opts.week) {
    if (!opts.requirements || !opts.staff)
      throw new ZhongtaiError('BAD_REQUEST', {
        en: 'Give --requirements and --staff files, or --db with --stores and --week',
        zh: '请给出 --requirements 与 --staff 文件，或 --db 加 --stores 与 --week',
      });
    return { requirements: readRequirements(opts.requirements), staff: readStaff(opts.staff) };
  }
  if ((!opts.stores && !opts.region) || !opts.week || !/^\d{4}-\d{2}-\d{2}$/.test(opts.week))
    throw new ZhongtaiError('BAD_REQUEST', {
      en: 'With --db, give --stores (ids) or --region, and --week (the first date, YYYY-MM-DD)',
      zh: '使用 --db 时请给出 --stores（门店编号）或 --region，以及 --week（首日，YYYY-MM-DD）',
    });
  const standards = opts.standards ? readStandards(opts.standards) : undefined;
  const engine = await openDb(opts.db ?? DEFAULT_DB, false, true);
  try {
    const requirements: Requirement[] = [];
    const stores = opts.stores
      ? opts.stores.map(Number)
      : (
          await engine.query(
            "SELECT s.store_id FROM store s WHERE s.region = $1 AND EXISTS (SELECT 1 FROM employee e WHERE e.store_id = s.store_id AND e.role <> 'store_manager') ORDER BY 1",
            [opts.region as string],
          )
        ).map((r) => Number(r.store_id));
    if (stores.length === 0)
      throw new ZhongtaiError('NOT_FOUND', {
        en: `No store with staff in region ${opts.region}`,
        zh: `大区 ${opts.region} 没有有员工的门店`,
      });
    for (const store of stores) {
      const plan = await staffingPlan(engine, {
        store,
        from: opts.week,
        to: addDays(opts.week, 7 * opts.weeks - 1),
        ...(standards ? { standards } : {}),
      });
      requirements.push(...plan.requirements);
    }
    const staff = opts.staff ? readStaff(opts.staff) : await staffFromWarehouse(engine, stores);
    return { requirements, staff };
  } finally {
    await engine.close();
  }
}
