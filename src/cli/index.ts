import { Command, CommanderError, type Option } from 'commander';
import { isZhongtaiError, packageVersion } from '../model/index.js';
import { alertsCommand } from './commands/alerts.js';
import { auditCommand } from './commands/audit.js';
import { campaignsCommand } from './commands/campaigns.js';
import { catalogCommand } from './commands/catalog.js';
import { clickhouseCommand } from './commands/clickhouse.js';
import { clvCommand } from './commands/clv.js';
import { cohortsCommand } from './commands/cohorts.js';
import { demoCommand } from './commands/demo.js';
import { forecastCommands } from './commands/forecast.js';
import { importCommands } from './commands/import.js';
import { membersCommand } from './commands/members.js';
import { promotionsCommand } from './commands/promotions.js';
import { queryCommand } from './commands/query.js';
import { replenishCommand } from './commands/replenish.js';
import { rfmCommand } from './commands/rfm.js';
import { rollupsCommand } from './commands/rollups.js';
import { scheduleCommands } from './commands/schedule.js';
import { serveCommand } from './commands/serve.js';
import { sourceCommands } from './commands/sources.js';
import { targetsCommand } from './commands/targets.js';
import { tokensCommand } from './commands/tokens.js';
import { usersCommand } from './commands/users.js';
import { CLICKHOUSE_HELP } from './engine.js';
import { zhFirst } from './options.js';

export function buildProgram(): Command {
  const program = new Command('zhongtai')
    .description(
      'zhongtai 中台 — retail data middle platform: one data model, one KPI catalogue, self-service BI',
    )
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  demoCommand(program);
  serveCommand(program);
  queryCommand(program);
  importCommands(program);
  sourceCommands(program);
  catalogCommand(program);
  forecastCommands(program);
  replenishCommand(program);
  scheduleCommands(program);
  rollupsCommand(program);
  clickhouseCommand(program);
  usersCommand(program);
  tokensCommand(program);
  membersCommand(program);
  clvCommand(program);
  rfmCommand(program);
  cohortsCommand(program);
  campaignsCommand(program);
  targetsCommand(program);
  alertsCommand(program);
  promotionsCommand(program);
  auditCommand(program);
  // Each command's own options first (--db, --metrics …), the scale-out engine's after them.
  for (const command of program.commands)
    (command.options as Option[]).sort(
      (a, b) =>
        Number(a.helpGroupHeading === CLICKHOUSE_HELP) - Number(b.helpGroupHeading === CLICKHOUSE_HELP),
    );
  return program;
}

/** Runs the CLI; every failure ends in a message for a person and a non-zero exit, never a stack. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (isZhongtaiError(error)) {
      const lines = zhFirst()
        ? [`错误：${error.messageZh}`, `Error: ${error.message}`]
        : [`Error: ${error.message}`, `错误：${error.messageZh}`];
      console.error(lines.join('\n'));
      process.exitCode = 2;
      return;
    }
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
