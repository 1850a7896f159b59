import { type FormEvent, useCallback, useEffect, useState } from 'react';
import {
  ApiError,
  api,
  type FlashSaleState,
  type PresaleState,
  type PriceAnswer,
  type PromotionRecord,
} from '../api';
import { Tabs } from '../components/Tabs';
import type { Lang } from '../format';
import { type TextKey, t } from '../i18n';
import { money } from '../members/text';
import { PromotionCalendar } from './Calendar';
import { CampaignsTab } from './Campaigns';
import { CouponsTab } from './Coupons';
import { BLANK, cartOf, fieldsOf, type PromotionFields, recordOf } from './form';

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(String(e), String(e)));
const words = (e: ApiError, lang: Lang) => (lang === 'zh' ? e.messageZh : e.message);
const KINDS: PromotionFields['kind'][] = [
  'spend_save',
  'percent_off',
  'amount_off',
  'n_for_price',
  'nth_discount',
  'buy_x_get_y',
  'member_price',
  'bundle',
];
const CHANNELS = ['pos', 'self_checkout', 'scan_and_go', 'mini_program', 'app', 'delivery'];
const TIERS = ['non_member', 'registered', 'wallet', 'paid'];

type Tab = 'promotions' | 'coupons' | 'campaigns';
const TABS: [Tab, { zh: string; en: string }][] = [
  ['promotions', { zh: '促销活动', en: 'Promotions' }],
  ['coupons', { zh: '优惠券', en: 'Coupons' }],
  ['campaigns', { zh: '秒杀 · 预售 · 拼团', en: 'Flash · pre-sale · group' }],
];

/**
 * 促销中心: the promotions with their budgets and a calendar, an editor, a cart simulator that explains the
 * price; coupons with their liability; flash sales (live burn-down), pre-sales and group deals.
 */
export function PromotionsPage({ lang }: { lang: Lang }) {
  const [tab, setTab] = useState<Tab>('promotions');
  return (
    <main className="promotions">
      <Tabs tabs={TABS} active={tab} onPick={setTab} lang={lang} testId="promotion-tabs" />
      {tab === 'promotions' && <PromotionsTab lang={lang} />}
      {tab === 'coupons' && <CouponsTab lang={lang} />}
      {tab === 'campaigns' && <CampaignsTab lang={lang} />}
    </main>
  );
}

function PromotionsTab({ lang }: { lang: Lang }) {
  const [list, setList] = useState<PromotionRecord[]>([]);
  const [flash, setFlash] = useState<FlashSaleState[]>([]);
  const [presales, setPresales] = useState<PresaleState[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(() => {
    api
      .promotions()
      .then((r) => setList(r.promotions))
      .catch((e: unknown) => setError(asError(e)));
    api.flashSales().then(
      (r) => setFlash(r.sales),
      () => setFlash([]),
    );
    api.presales().then(
      (r) => setPresales(r.presales),
      () => setPresales([]),
    );
  }, []);
  useEffect(load, [load]);
  const [fields, setFields] = useState<PromotionFields>(BLANK);
  return (
    <>
      {error && <p className="banner error">{words(error, lang)}</p>}
      <section className="card">
        <h2>{t('promoList', lang)}</h2>
        <div className="scroll">
          <table className="table" data-testid="promotion-list">
            <thead>
              <tr>
                <th>{t('rulesId', lang)}</th>
                <th>{t('promoName', lang)}</th>
                <th>{t('promoKind', lang)}</th>
                <th>{t('promoState', lang)}</th>
                <th className="num">{t('promoSpent', lang)}</th>
                <th className="num">{t('promoUses', lang)}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={r.promotion.id}>
                  <td>{r.promotion.id}</td>
                  <td>{r.promotion.name[lang]}</td>
                  <td>{t(`promo_${r.promotion.kind}` as TextKey, lang)}</td>
                  <td>{t(r.active ? 'promoActive' : 'promoPaused', lang)}</td>
                  <td className="num">
                    {money(r.spent, lang)}
                    {r.budget !== null && ` / ${money(r.budget, lang)}`}
                  </td>
                  <td className="num">{r.uses}</td>
                  <td>
                    <button type="button" onClick={() => setFields(fieldsOf(r))}>
                      {t('promoEdit', lang)}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!list.length && <p className="muted">{t('promoNone', lang)}</p>}
        </div>
      </section>
      <PromotionCalendar lang={lang} promotions={list} flash={flash} presales={presales} />
      <Editor lang={lang} fields={fields} setFields={setFields} onSaved={load} />
      <Simulator lang={lang} />
    </>
  );
}

function Editor({
  lang,
  fields: f,
  setFields,
  onSaved,
}: {
  lang: Lang;
  fields: PromotionFields;
  setFields: (f: PromotionFields) => void;
  onSaved: () => void;
}) {
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const set = (part: Partial<PromotionFields>) => setFields({ ...f, ...part });
  const toggle = (list: string[], value: string) =>
    list.includes(value) ? list.filter((x) => x !== value) : [...list, value];
  const save = (event: FormEvent) => {
    event.preventDefault();
    api
      .savePromotion(recordOf(f))
      .then(() => {
        setResult({ text: t('promoSaved', lang), error: false });
        onSaved();
      })
      .catch((e: unknown) => setResult({ text: words(asError(e), lang), error: true }));
  };
  const input = (label: TextKey, key: keyof PromotionFields, testId?: string, wide = false) => (
    <label className={wide ? 'wide' : undefined}>
      {t(label, lang)}
      <input
        data-testid={testId}
        value={String(f[key])}
        onChange={(e) => set({ [key]: e.target.value } as Partial<PromotionFields>)}
      />
    </label>
  );
  const kind = f.kind;
  return (
    <form className="card promo-editor" onSubmit={save} data-testid="promotion-editor">
      <h2>{t('promoEditor', lang)}</h2>
      <div className="promo-fields">
        {input('rulesId', 'id', 'promo-id')}
        {input('rulesNameZh', 'nameZh', 'promo-name')}
        {input('rulesNameEn', 'nameEn')}
        <label>
          {t('promoKind', lang)}
          <select
            data-testid="promo-kind"
            value={kind}
            onChange={(e) => set({ kind: e.target.value as PromotionFields['kind'] })}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`promo_${k}` as TextKey, lang)}
              </option>
            ))}
          </select>
        </label>
        {(kind === 'percent_off' || kind === 'nth_discount') && input('promoPercent', 'value', 'promo-value')}
        {kind === 'amount_off' && input('promoAmount', 'value', 'promo-value')}
        {(kind === 'n_for_price' || kind === 'bundle') && input('promoPrice', 'value', 'promo-value')}
        {(kind === 'n_for_price' || kind === 'nth_discount') && input('promoN', 'n')}
        {kind === 'buy_x_get_y' && input('promoBuy', 'n')}
        {kind === 'spend_save' && input('promoTiersText', 'list', 'promo-list', true)}
        {kind === 'buy_x_get_y' && input('promoGiftText', 'list', 'promo-list')}
        {kind === 'member_price' && input('promoPricesText', 'list', 'promo-list', true)}
        {kind === 'bundle' && input('promoItemsText', 'list', 'promo-list', true)}
        {kind === 'spend_save' && (
          <label>
            <input type="checkbox" checked={f.repeat} onChange={(e) => set({ repeat: e.target.checked })} />
            {t('promoRepeat', lang)}
          </label>
        )}
      </div>
      <h3>{t('promoScope', lang)}</h3>
      <div className="promo-fields">
        {input('promoSkus', 'skus', undefined, true)}
        {input('promoCategories', 'categories', undefined, true)}
        <label>
          {t('from', lang)}
          <input type="date" value={f.from} onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label>
          {t('to', lang)}
          <input type="date" value={f.to} onChange={(e) => set({ to: e.target.value })} />
        </label>
      </div>
      <div className="promo-fields">
        <span>{t('promoChannels', lang)}</span>
        {CHANNELS.map((c) => (
          <label key={c}>
            <input
              type="checkbox"
              checked={f.channels.includes(c)}
              onChange={() => set({ channels: toggle(f.channels, c) })}
            />
            {t(`channel_${c}` as TextKey, lang)}
          </label>
        ))}
      </div>
      <div className="promo-fields">
        <span>{t('promoTiers', lang)}</span>
        {TIERS.map((c) => (
          <label key={c}>
            <input
              type="checkbox"
              checked={f.tiers.includes(c)}
              onChange={() => set({ tiers: toggle(f.tiers, c) })}
            />
            {t(c === 'non_member' ? 'promoNonMember' : (`gen_${c}` as TextKey), lang)}
          </label>
        ))}
      </div>
      <h3>{t('promoStacking', lang)}</h3>
      <div className="promo-fields">
        {input('promoGroup', 'group')}
        <label>
          <input
            type="checkbox"
            checked={f.exclusive}
            onChange={(e) => set({ exclusive: e.target.checked })}
          />
          {t('promoExclusive', lang)}
        </label>
        {input('promoBudget', 'budget', 'promo-budget')}
        {input('promoPerMember', 'perMember')}
        <label>
          <input type="checkbox" checked={f.active} onChange={(e) => set({ active: e.target.checked })} />
          {t('promoActive', lang)}
        </label>
      </div>
      <button type="submit" data-testid="promo-save">
        {t('save', lang)}
      </button>{' '}
      <button type="button" onClick={() => setFields(BLANK)}>
        {t('promoNew', lang)}
      </button>
      {result && (
        <p className={result.error ? 'banner error' : 'muted'} role="status" data-testid="promo-result">
          {result.text}
        </p>
      )}
    </form>
  );
}

/** 购物车模拟: a cart as a till would send it, and the price with every promotion's reason. */
function Simulator({ lang }: { lang: Lang }) {
  const [store, setStore] = useState('1');
  const [channel, setChannel] = useState('pos');
  const [member, setMember] = useState('');
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState<PriceAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = (event: FormEvent) => {
    event.preventDefault();
    const cart = cartOf(text);
    if (cart.bad.length || !cart.lines.length) {
      setAnswer(null);
      setError(t('simBadLines', lang) + (cart.bad.length ? ` ${cart.bad.join(', ')}` : ''));
      return;
    }
    setError(null);
    api
      .simulateCart({
        store: Number(store),
        channel: channel as 'pos',
        ...(member.trim() ? { member: member.trim() } : {}),
        lines: cart.lines,
      })
      .then(setAnswer)
      .catch((e: unknown) => {
        setAnswer(null);
        setError(words(asError(e), lang));
      });
  };
  return (
    <form className="card promo-simulator" onSubmit={run} data-testid="cart-simulator">
      <h2>{t('simTitle', lang)}</h2>
      <div className="promo-fields">
        <label>
          {t('entryStore', lang)}
          <input inputMode="numeric" value={store} onChange={(e) => setStore(e.target.value)} />
        </label>
        <label>
          {t('promoChannels', lang)}
          <select value={channel} onChange={(e) => setChannel(e.target.value)}>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel_${c}` as TextKey, lang)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('memberCode', lang)}
          <input value={member} placeholder="M00000001" onChange={(e) => setMember(e.target.value)} />
        </label>
      </div>
      <textarea
        data-testid="sim-lines"
        rows={5}
        value={text}
        placeholder={t('simLinesHelp', lang)}
        aria-label={t('simLinesHelp', lang)}
        onChange={(e) => setText(e.target.value)}
      />
      <div>
        <button type="submit" data-testid="sim-run">
          {t('simRun', lang)}
        </button>
      </div>
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      {answer && (
        <div data-testid="sim-answer">
          <p className="sim-total">
            {t('simTotal', lang)} {money(answer.total, lang)} · {t('simSaving', lang)}{' '}
            <strong data-testid="sim-saving">{money(answer.saving, lang)}</strong> · {t('simFinal', lang)}{' '}
            {money(answer.final, lang)}
          </p>
          <div className="scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>SKU</th>
                  <th className="num">{t('simQty', lang)}</th>
                  <th className="num">{t('entryAmount', lang)}</th>
                  <th className="num">{t('simDiscount', lang)}</th>
                  <th className="num">{t('simFinal', lang)}</th>
                  <th>{t('simShares', lang)}</th>
                </tr>
              </thead>
              <tbody>
                {answer.lines.map((l, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a cart's lines have no id but their place
                  <tr key={i}>
                    <td>{l.sku}</td>
                    <td className="num">{l.qty}</td>
                    <td className="num">{money(l.amount, lang)}</td>
                    <td className="num">{money(l.discount, lang)}</td>
                    <td className="num">{money(l.final, lang)}</td>
                    <td>{l.allocations.map((a) => `${a.promotion} ${money(a.amount, lang)}`).join('；')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul className="sim-reasons" data-testid="sim-reasons">
            {answer.applied.map((a) => (
              <li key={a.promotion}>
                ✓ {a.name[lang]} <span className="muted">{money(a.saving, lang)}</span>
              </li>
            ))}
            {answer.notApplied.map((n) => (
              <li key={n.promotion} className="muted">
                ✗ {n.name[lang]}：{n.detail[lang]}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
