import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { duckDbString, type Warehouse } from '../warehouse/index.js';

/**
 * Writes the demo chain out as its island systems would hand it over: POS lines and tickets (local date
 * format, till codes), ERP masters (the item master in GBK, as Chinese ERPs export it), CRM members as JSON
 * lines, people-counter hours. `examples/demo/spec.yaml` maps them back into the model.
 */
export interface ExportSummary {
  dir: string;
  files: string[];
}

const TILL_CODE = `CASE channel WHEN 'pos' THEN 'POS' WHEN 'self_checkout' THEN 'SCO' WHEN 'scan_and_go' THEN 'SG' WHEN 'mini_program' THEN 'MP' ELSE 'DL' END`;

export async function exportDemo(engine: Warehouse, dir: string): Promise<ExportSummary> {
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const copy = (name: string, select: string, options = "HEADER, DELIMITER ','") =>
    engine.run(`COPY (${select}) TO ${duckDbString(join(out, name))} (${options})`);
  await copy(
    'erp-stores.csv',
    `SELECT store_id AS 门店编号, code AS 门店编码, name AS 门店名称, format AS 业态, region AS 大区, city AS 城市,
            strftime(open_date, '%Y/%m/%d') AS 开业日期, strftime(close_date, '%Y/%m/%d') AS 闭店日期, selling_area_m2 AS 营业面积 FROM store ORDER BY store_id`,
  );
  await copy(
    'erp-suppliers.csv',
    'SELECT supplier_id AS 供应商编号, code AS 供应商编码, name AS 供应商名称 FROM supplier ORDER BY supplier_id',
  );
  await copy(
    'erp-items.utf8.csv',
    `SELECT sku AS 商品编号, code AS 商品编码, name AS 商品名称, category_l1 AS 大类, category_l2 AS 中类, category_l3 AS 小类, brand AS 品牌,
            supplier_id AS 供应商编号, unit AS 单位, shelf_life_days AS 保质期天数, list_price AS 零售价, unit_cost AS 进价, pack_size AS 箱规
     FROM product ORDER BY sku`,
  );
  writeFileSync(
    join(out, 'erp-items.csv'),
    iconv.encode(readFileSync(join(out, 'erp-items.utf8.csv'), 'utf8'), 'gbk'),
  );
  rmSync(join(out, 'erp-items.utf8.csv'));
  await copy(
    'erp-store-days.csv',
    `SELECT store_id AS 门店编号, strftime(date, '%Y/%m/%d') AS 日期, CASE WHEN is_open THEN '是' ELSE '否' END AS 营业, selling_area_m2 AS 营业面积
     FROM store_day ORDER BY date, store_id`,
  );
  await copy(
    'pos-lines.csv',
    `SELECT order_id AS 小票号, line_no AS 行号, strftime(ts, '%Y/%m/%d %H:%M:%S') AS 交易时间, store_id AS 门店编号, ${TILL_CODE} AS 收银渠道,
            sku AS 商品编号, member_id AS 会员卡号, qty AS 数量, gross AS 应收, discount AS 优惠, net AS 实收, cost AS 成本, promotion_id AS 促销编号
     FROM sales_line ORDER BY order_id, line_no`,
  );
  await copy(
    'pos-tickets.csv',
    `SELECT order_id AS 小票号, strftime(ts, '%Y/%m/%d %H:%M:%S') AS 交易时间, store_id AS 门店编号, ${TILL_CODE} AS 收银渠道, member_id AS 会员卡号,
            CASE status WHEN 'completed' THEN '完成' WHEN 'returned' THEN '退货' ELSE '取消' END AS 状态, net AS 金额, items AS 件数
     FROM orders ORDER BY order_id`,
  );
  await copy(
    'crm-members.jsonl',
    `SELECT member_id AS card, strftime(registered_at, '%Y-%m-%dT%H:%M:%S') AS registered, registered_channel AS via, home_store_id AS store,
            tier, CAST(tier_since AS VARCHAR) AS tier_since, CAST(paid_until AS VARCHAR) AS paid_until FROM member ORDER BY member_id`,
    'FORMAT json',
  );
  await copy(
    'counter-hours.csv',
    `SELECT 'CAM-' || store_id AS 设备, store_id AS 门店编号, strftime(date, '%Y/%m/%d') AS 日期, hour AS 小时, visitors_in AS 进店人数 FROM traffic ORDER BY date, store_id, hour`,
  );
  const files = [
    'erp-stores.csv',
    'erp-suppliers.csv',
    'erp-items.csv',
    'erp-store-days.csv',
    'pos-lines.csv',
    'pos-tickets.csv',
    'crm-members.jsonl',
    'counter-hours.csv',
  ];
  return { dir: out, files: files.map((f) => join(out, f)) };
}
