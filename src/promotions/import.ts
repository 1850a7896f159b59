import { parse } from 'yaml';
import { z } from 'zod';
import { couponTemplateSchema, promotionRecordSchema } from '../contract/index.js';
import { parseInput, ZhongtaiError } from '../model/index.js';
import type { PromotionCenter } from './center.js';

/**
 * Promotions and coupon templates from a YAML file (促销导入), in the API's own shapes: the whole file is read
 * and checked first — every entry, ids unique — and only then saved, each as its API write would (audited,
 * running at once). Importing a file again leaves the same promotions.
 */
const fileSchema = z
  .object({
    promotions: z.array(promotionRecordSchema).max(10_000).default([]),
    coupons: z.array(couponTemplateSchema).max(10_000).default([]),
  })
  .strict();

export interface Imported {
  promotions: string[];
  coupons: string[];
}

export function readPromotionFile(text: string, file: string): z.output<typeof fileSchema> {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new ZhongtaiError('BAD_REQUEST', {
      en: `${file}: not YAML: ${(error as Error).message}`,
      zh: `${file}：不是有效的 YAML：${(error as Error).message}`,
    });
  }
  let checked: z.output<typeof fileSchema>;
  try {
    checked = parseInput(fileSchema, data);
  } catch (error) {
    const e = error as ZhongtaiError;
    throw new ZhongtaiError('BAD_REQUEST', { en: `${file}: ${e.message}`, zh: `${file}：${e.messageZh}` });
  }
  for (const [list, ids] of [
    ['promotions', checked.promotions.map((p) => p.promotion.id)],
    ['coupons', checked.coupons.map((c) => c.id)],
  ] as const) {
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice)
      throw new ZhongtaiError('BAD_REQUEST', {
        en: `${file}: ${list}: ${twice} appears twice`,
        zh: `${file}：${list} 中 ${twice} 出现了两次`,
      });
  }
  return checked;
}

export async function importPromotions(
  center: PromotionCenter,
  file: z.output<typeof fileSchema>,
  by: { username: string; ip: string | null },
): Promise<Imported> {
  const done: Imported = { promotions: [], coupons: [] };
  // Templates first: nothing in a promotion refers to them, and a coupon's name is in the BI as soon as it is.
  for (const template of file.coupons) {
    await center.saveTemplate(by, template);
    done.coupons.push(template.id);
  }
  for (const record of file.promotions) {
    await center.save(by, record);
    done.promotions.push(record.promotion.id);
  }
  return done;
}
