import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  importPromotions,
  PromotionCenter,
  readPromotionFile,
  relayPromotions,
} from '../../promotions/index.js';
import { withAppStore } from '../access.js';
import { openDb } from '../open.js';
import { storeOptions } from './tokens.js';

/** The promotion center's chores on the machine: import promotions from YAML, relay the outbox. */
export function promotionsCommand(program: Command): void {
  const promotions = program
    .command('promotions')
    .description('promotion center: import promotions and coupon templates, relay to the warehouse 促销中心')
    .addHelpText(
      'after',
      `
Examples:
  zhongtai promotions import examples/promotions/double12.yaml --dry-run   # check the file, save nothing
  zhongtai promotions import examples/promotions/double12.yaml             # save every entry (audited)
  zhongtai promotions relay                                                # load the outbox into the warehouse`,
    );
  storeOptions(
    promotions
      .command('import <file>')
      .description(
        'promotions and coupon templates from YAML, in the API’s shapes; the whole file is checked before any is saved 导入促销',
      )
      .option('--dry-run', 'check the file and say what it holds, save nothing 只校验不保存', false)
      .option('--as <username>', 'who the audit log names', 'cli'),
  ).action(async (file: string, opts) => {
    const checked = readPromotionFile(readFileSync(file, 'utf8'), file);
    if (opts.dryRun) {
      console.log(
        `${file}: ${checked.promotions.length} promotions, ${checked.coupons.length} coupon templates — valid, nothing saved. 校验通过，未保存。`,
      );
      return;
    }
    await withAppStore(opts, async (store) => {
      const center = await PromotionCenter.open(store);
      const done = await importPromotions(center, checked, { username: opts.as, ip: null });
      console.log(
        `Saved 已保存 ${done.promotions.length} promotions (${done.promotions.join(', ') || '—'}), ${done.coupons.length} coupon templates (${done.coupons.join(', ') || '—'}).`,
      );
    });
  });
  storeOptions(
    promotions.command('relay').description('load the outbox into the warehouse 同步到数据仓库'),
  ).action(async (opts) =>
    withAppStore(opts, async (store) => {
      await PromotionCenter.open(store);
      const warehouse = await openDb(opts.db, true);
      try {
        console.log(`Relayed ${await relayPromotions(store, warehouse)} changes. 已同步。`);
      } finally {
        await warehouse.close();
      }
    }),
  );
}
