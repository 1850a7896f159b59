import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type CampaignEvaluation, evaluateCampaigns, saveCampaignResults } from '../../insights/index.js';
import { csvLines } from '../../model/index.js';
import { textTable } from '../format.js';
import { openDb } from '../open.js';
import { DEFAULT_DB, integer } from '../options.js';

const DESIGN: Record<CampaignEvaluation['design'], string> = {
  holdout: '随机对照 hold-out',
  diff_in_diff: '双重差分 DiD',
  difference: '均值差 difference',
  none: '—',
};

const money = (n: number | null) => (n === null ? '' : n.toFixed(2));
const ratio = (n: number | null, digits = 4) => (n === null ? '' : n.toFixed(digits));

/** The columns first (their names fixed for other tools), then what a reader needs to trust them. */
export const EVALUATION_HEADER = [
  'campaign',
  'type',
  'start',
  'end',
  'targeted',
  'control',
  'redemptions',
  'redemption_rate',
  'lift_per_member',
  'lift_low',
  'lift_high',
  'incremental_sales',
  'cost',
  'roi',
  'name',
  'design',
  'analysed',
  'pre_targeted',
  'pre_control',
  'overlap',
  'days_to_redeem',
  'incremental_gross_profit',
  'notes',
];

export const evaluationRow = (e: CampaignEvaluation): (string | number)[] => [
  e.campaign,
  e.type,
  e.start,
  e.end,
  e.targeted,
  e.control,
  e.redemptions,
  ratio(e.redemptionRate),
  money(e.liftPerMember),
  money(e.liftLow),
  money(e.liftHigh),
  money(e.incrementalSales),
  e.cost ?? '',
  ratio(e.roi, 2),
  e.name,
  e.design,
  e.analysed,
  money(e.preTargeted),
  money(e.preControl),
  e.overlap,
  e.daysToRedeem ?? '',
  money(e.incrementalGrossProfit),
  e.notes.join('; '),
];

export function campaignsCommand(program: Command): void {
  const campaigns = program.command('campaigns').description('Marketing campaigns 营销活动');
  campaigns
    .command('evaluate')
    .description(
      "Each campaign's cost, reach, redemptions and incremental sales against a control 营销效果评估",
    )
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--campaign <id>', 'one campaign only', integer('campaign'))
    .option('--replicates <n>', 'bootstrap resamples for the interval', integer('replicates'), 1000)
    .option(
      '--no-save',
      'do not keep the results for the campaign KPIs (campaign_incremental_sales, campaign_roi)',
    )
    .option('--out <file>', `write ${EVALUATION_HEADER.slice(0, 14).join(',')},… as CSV`)
    .addHelpText(
      'after',
      `
Lift = extra net sales per targeted member in the campaign's days, with a 95% bootstrap interval (lift_low …
lift_high). Against the campaign's randomised hold-out where it kept one (campaign_target.arm = 'holdout');
otherwise against members no campaign reached at the time, who bought in the year before, by difference in
differences over a pre-period as long as the campaign (pre_targeted, pre_control: each group's mean spend then —
how alike they were). incremental_sales = lift × targeted members compared; cost = coupon faces redeemed +
campaign.other_cost; roi = incremental gross profit ÷ cost. redemption_rate = members who redeemed ÷ targeted.
Notes say what weakens a row: no hold-out, pre-period outside the data, overlapping campaigns, unknown costs.

Examples:
  zhongtai campaigns evaluate --db data/zhongtai.duckdb
  zhongtai campaigns evaluate --db cj.duckdb --campaign 18 --out campaign-18.csv`,
    )
    .action(async (opts) => {
      const warehouse = await openDb(opts.db, false, !opts.save);
      try {
        const results = await evaluateCampaigns(warehouse, {
          campaign: opts.campaign,
          replicates: opts.replicates,
        });
        if (opts.save) await saveCampaignResults(warehouse, results);
        console.log(
          textTable(
            [
              'campaign 活动',
              'design 方法',
              'targeted 触达',
              'control 对照',
              'redeemed 核销率',
              'lift/member 人均增量 (95%)',
              'incremental 增量销售',
              'cost 成本',
              'ROI',
            ],
            results.map((e) => [
              `${e.campaign} ${e.name}`,
              DESIGN[e.design],
              String(e.targeted),
              String(e.control),
              e.redemptionRate === null ? '—' : `${(100 * e.redemptionRate).toFixed(1)}%`,
              e.liftPerMember === null
                ? '—'
                : `${e.liftPerMember.toFixed(2)} (${money(e.liftLow)} … ${money(e.liftHigh)})`,
              e.incrementalSales === null ? '—' : e.incrementalSales.toFixed(0),
              e.cost ?? '—',
              e.roi === null ? '—' : e.roi.toFixed(2),
            ]),
            [false, false, true, true, true, true, true, true, true],
          ),
        );
        if (opts.out) {
          writeFileSync(opts.out, csvLines([EVALUATION_HEADER, ...results.map(evaluationRow)], '\n'));
          console.log(`Written 已写入 ${opts.out}`);
        }
      } finally {
        await warehouse.close();
      }
    });
}
