import { useCallback, useEffect, useState } from 'react';
import { api, type CouponTemplateSummary } from '../api';
import type { Lang } from '../format';
import { money } from '../members/text';
import { SimpleForm, type Values } from './SimpleForm';

const text = (v: Values, key: string) => String(v[key] ?? '').trim();
const whole = (v: Values, key: string) => (text(v, key) ? Number(text(v, key)) : undefined);

/**
 * 优惠券: templates with what they issued, redeemed and still owe (券负债), a template editor, and 发券 —
 * coupons issued to no one, their codes shown for printing or a mini-program drop.
 */
export function CouponsTab({ lang }: { lang: Lang }) {
  const [list, setList] = useState<CouponTemplateSummary[]>([]);
  const [codes, setCodes] = useState<string[]>([]);
  const load = useCallback(() => {
    api
      .couponTemplates()
      .then((r) => setList(r.templates))
      .catch(() => setList([]));
  }, []);
  useEffect(load, [load]);
  const options = list.map((t) => ({ value: t.template.id, label: t.template.name }));
  return (
    <>
      <section className="card">
        <h2>{lang === 'zh' ? '券模板与券负债' : 'Coupon templates and liability'}</h2>
        <div className="scroll">
          <table className="table" data-testid="coupon-templates">
            <thead>
              <tr>
                <th>ID</th>
                <th>{lang === 'zh' ? '名称' : 'Name'}</th>
                <th>{lang === 'zh' ? '面额' : 'Value'}</th>
                <th className="num">{lang === 'zh' ? '已发' : 'Issued'}</th>
                <th className="num">{lang === 'zh' ? '已核销' : 'Redeemed'}</th>
                <th className="num">{lang === 'zh' ? '核销率' : 'Redemption'}</th>
                <th className="num">{lang === 'zh' ? '未用' : 'Open'}</th>
                <th className="num">{lang === 'zh' ? '券负债' : 'Liability'}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => (
                <tr key={t.template.id}>
                  <td>{t.template.id}</td>
                  <td>
                    {t.template.name[lang]}
                    {t.template.paidMonthly ? (
                      <span className="muted">
                        {' '}
                        ·{' '}
                        {lang === 'zh'
                          ? `付费会员每月 ${t.template.paidMonthly} 张`
                          : `${t.template.paidMonthly}/month to paid members`}
                      </span>
                    ) : null}
                  </td>
                  <td>
                    {t.template.kind === 'amount'
                      ? money(String(t.template.amount), lang)
                      : t.template.kind === 'free_item'
                        ? `${lang === 'zh' ? '免费商品 SKU' : 'Free SKU'} ${t.template.sku}`
                        : `${t.template.percent}%${lang === 'zh' ? ' 折扣' : ' off'}`}
                    {t.template.minSpend !== undefined &&
                      (lang === 'zh'
                        ? `，满 ${t.template.minSpend} 元可用`
                        : `, min ¥${t.template.minSpend}`)}
                  </td>
                  <td className="num">{t.issued}</td>
                  <td className="num">{t.redeemed}</td>
                  {/* A share of coupons issued: in percent, one decimal. */}
                  <td className="num">{t.issued ? `${((100 * t.redeemed) / t.issued).toFixed(1)}%` : '—'}</td>
                  <td className="num">{t.open}</td>
                  <td className="num">{t.liability === null ? '—' : money(t.liability, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!list.length && (
            <p className="muted">{lang === 'zh' ? '尚无券模板' : 'No coupon templates yet'}</p>
          )}
        </div>
      </section>
      <div className="promo-pair">
        <SimpleForm
          lang={lang}
          testId="coupon-template-form"
          title={{ zh: '新建或修改券模板', en: 'Create or change a template' }}
          submit={{ zh: '保存券模板', en: 'Save template' }}
          fields={[
            { key: 'id', label: { zh: 'ID', en: 'ID' }, testId: 'coupon-id' },
            { key: 'zh', label: { zh: '名称（中文）', en: 'Name (Chinese)' }, testId: 'coupon-name' },
            { key: 'en', label: { zh: '名称（英文）', en: 'Name (English)' } },
            {
              key: 'kind',
              label: { zh: '类型', en: 'Kind' },
              type: 'select',
              initial: 'amount',
              options: [
                { value: 'amount', label: { zh: '满减/代金券（元）', en: 'Amount off (¥)' } },
                { value: 'percent', label: { zh: '折扣券（%）', en: 'Percent off' } },
                { value: 'free_item', label: { zh: '免费商品券（SKU）', en: 'Free item (SKU)' } },
              ],
            },
            {
              key: 'value',
              label: { zh: '面额（元）或折扣（%）', en: 'Value (¥ or %)' },
              testId: 'coupon-value',
            },
            {
              key: 'minSpend',
              label: { zh: '使用门槛（满 X 元，可空）', en: 'Minimum spend (¥, optional)' },
            },
            { key: 'validDays', label: { zh: '有效天数', en: 'Days valid' }, type: 'number', initial: '30' },
            {
              key: 'maxIssued',
              label: { zh: '发行上限（可空）', en: 'Most issued (optional)' },
              type: 'number',
            },
            {
              key: 'perMember',
              label: { zh: '每人限领（可空）', en: 'Per member (optional)' },
              type: 'number',
            },
            {
              key: 'solo',
              label: { zh: '不与促销同享', en: 'Does not combine with promotions' },
              type: 'checkbox',
            },
            {
              key: 'paidMonthly',
              label: { zh: '付费会员每月赠送张数（可空）', en: 'Monthly to paid members (optional)' },
              type: 'number',
            },
          ]}
          onSubmit={async (v) => {
            const kind = text(v, 'kind') as 'amount' | 'percent' | 'free_item';
            await api.saveCouponTemplate({
              id: text(v, 'id'),
              name: { zh: text(v, 'zh'), en: text(v, 'en') || text(v, 'zh') },
              kind,
              ...(kind === 'percent'
                ? { percent: Number(text(v, 'value')) }
                : kind === 'free_item'
                  ? { sku: Number(text(v, 'value')) }
                  : { amount: text(v, 'value') }),
              ...(text(v, 'minSpend') ? { minSpend: text(v, 'minSpend') } : {}),
              withPromotions: !v.solo,
              validDays: whole(v, 'validDays') ?? 30,
              maxIssued: whole(v, 'maxIssued') ?? null,
              perMember: whole(v, 'perMember') ?? null,
              ...(whole(v, 'paidMonthly') ? { paidMonthly: whole(v, 'paidMonthly') } : {}),
            });
            load();
            return lang === 'zh' ? '已保存' : 'Saved';
          }}
        />
        <div>
          <SimpleForm
            lang={lang}
            testId="coupon-issue-form"
            title={{ zh: '发券', en: 'Issue coupons' }}
            submit={{ zh: '发放', en: 'Issue' }}
            fields={[
              {
                key: 'template',
                label: { zh: '券模板', en: 'Template' },
                type: 'select',
                options: [{ value: '', label: { zh: '请选择', en: 'Choose' } }, ...options],
                testId: 'issue-template',
              },
              {
                key: 'count',
                label: { zh: '张数', en: 'How many' },
                type: 'number',
                initial: '10',
                testId: 'issue-count',
              },
            ]}
            onSubmit={async (v) => {
              // One key per click: a second click of the same form issues anew, a retried request does not.
              const made = await api.issueCoupons(
                text(v, 'template'),
                Number(text(v, 'count')),
                crypto.randomUUID(),
              );
              setCodes(made.coupons.map((c) => c.code));
              load();
              return lang === 'zh' ? `已发放 ${made.coupons.length} 张` : `${made.coupons.length} issued`;
            }}
          />
          {codes.length > 0 && (
            <section className="card">
              <h3>{lang === 'zh' ? '券码（前 20 张）' : 'Codes (first 20)'}</h3>
              <ul className="coupon-codes" data-testid="issued-codes">
                {codes.slice(0, 20).map((c) => (
                  <li key={c}>
                    <code>{c}</code>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </div>
    </>
  );
}
