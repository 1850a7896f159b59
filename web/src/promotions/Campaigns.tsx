import { useCallback, useEffect, useState } from 'react';
import { api, type FlashSaleState, type GroupDealSummary, type PresaleState } from '../api';
import { chainInstant, chainLocal as local } from '../chain-time';
import { Chart } from '../components/Chart';
import type { Lang } from '../format';
import { money } from '../members/text';
import { SimpleForm, type Values } from './SimpleForm';

const text = (v: Values, key: string) => String(v[key] ?? '').trim();
const name = (v: Values) => ({ zh: text(v, 'zh'), en: text(v, 'en') || text(v, 'zh') });
const NAME_FIELDS = [
  { key: 'id', label: { zh: 'ID', en: 'ID' } },
  { key: 'zh', label: { zh: '名称（中文）', en: 'Name (Chinese)' } },
  { key: 'en', label: { zh: '名称（英文）', en: 'Name (English)' } },
  { key: 'sku', label: { zh: 'SKU', en: 'SKU' }, type: 'number' as const },
];

/** A bar of what is sold (paid darker) out of the stock. */
function Burn({ sold, paid, stock, lang }: { sold: number; paid: number; stock: number; lang: Lang }) {
  const pct = (n: number) => `${stock ? Math.min(100, (100 * n) / stock) : 0}%`;
  return (
    <div
      className="burn"
      title={
        lang === 'zh' ? `已抢 ${sold}，已付 ${paid}，共 ${stock}` : `${sold} taken, ${paid} paid of ${stock}`
      }
    >
      <span className="burn-sold" style={{ width: pct(sold) }} />
      <span className="burn-paid" style={{ width: pct(paid) }} />
    </div>
  );
}

/**
 * A flash sale while it runs: sold, paid and left every two seconds, drawn as it goes (the burn-down), for as
 * long as the page shows it.
 */
function LiveFlash({ id, lang }: { id: string; lang: Lang }) {
  const [points, setPoints] = useState<{ at: string; sold: number; paid: number; left: number }[]>([]);
  useEffect(() => {
    let stopped = false;
    const read = () =>
      // The list (the marketer's view) rather than the till's GET of one sale: one read, every sale's state.
      api
        .flashSales()
        .then((r) => {
          const s = r.sales.find((x) => x.sale.id === id);
          if (stopped || !s) return;
          const at = new Date().toTimeString().slice(0, 8);
          setPoints((p) => [...p.slice(-299), { at, sold: s.sold, paid: s.paid, left: s.left }]);
        })
        .catch(() => undefined);
    read();
    const timer = setInterval(read, 2_000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [id]);
  const last = points.at(-1);
  return (
    <section className="card" data-testid="flash-live">
      <h3>
        {lang === 'zh' ? `实时进度 · ${id}` : `Live · ${id}`}
        {last && (
          <span className="muted" data-testid="flash-live-left">
            {' '}
            · {lang === 'zh' ? `剩余 ${last.left}` : `${last.left} left`}
          </span>
        )}
      </h3>
      <Chart
        height={220}
        testId="flash-burndown"
        option={{
          tooltip: { trigger: 'axis' },
          legend: { data: [lang === 'zh' ? '剩余' : 'Left', lang === 'zh' ? '已付款' : 'Paid'] },
          xAxis: { type: 'category', data: points.map((p) => p.at) },
          yAxis: { type: 'value', minInterval: 1 },
          series: [
            {
              name: lang === 'zh' ? '剩余' : 'Left',
              type: 'line',
              step: 'end',
              data: points.map((p) => p.left),
            },
            {
              name: lang === 'zh' ? '已付款' : 'Paid',
              type: 'line',
              step: 'end',
              data: points.map((p) => p.paid),
            },
          ],
        }}
      />
    </section>
  );
}

/** 秒杀、预售、拼团: the sharp campaigns, each listed with its progress and made from a short form. */
export function CampaignsTab({ lang }: { lang: Lang }) {
  const [flash, setFlash] = useState<FlashSaleState[]>([]);
  const [presales, setPresales] = useState<PresaleState[]>([]);
  const [deals, setDeals] = useState<GroupDealSummary[]>([]);
  const [live, setLive] = useState<string | null>(null);
  const load = useCallback(() => {
    api.flashSales().then(
      (r) => setFlash(r.sales),
      () => setFlash([]),
    );
    api.presales().then(
      (r) => setPresales(r.presales),
      () => setPresales([]),
    );
    api.groupDeals().then(
      (r) => setDeals(r.deals),
      () => setDeals([]),
    );
  }, []);
  useEffect(load, [load]);
  const zh = lang === 'zh';
  return (
    <>
      <section className="card">
        <h2>{zh ? '秒杀' : 'Flash sales'}</h2>
        <div className="scroll">
          <table className="table" data-testid="flash-list">
            <thead>
              <tr>
                <th>ID</th>
                <th>{zh ? '名称' : 'Name'}</th>
                <th>{zh ? '时间' : 'When'}</th>
                <th className="num">{zh ? '秒杀价' : 'Price'}</th>
                <th className="num">{zh ? '已抢 / 库存' : 'Taken / stock'}</th>
                <th>{zh ? '进度' : 'Progress'}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {flash.map((f) => (
                <tr key={f.sale.id}>
                  <td>{f.sale.id}</td>
                  <td>{f.sale.name[lang]}</td>
                  <td>
                    {local(f.sale.startsAt)} – {local(f.sale.endsAt).slice(11)}
                  </td>
                  <td className="num">{money(String(f.sale.price), lang)}</td>
                  <td className="num">
                    {f.sold} / {f.sale.stock}
                  </td>
                  <td>
                    <Burn sold={f.sold} paid={f.paid} stock={f.sale.stock} lang={lang} />
                  </td>
                  <td>
                    <button
                      type="button"
                      onClick={() => setLive(f.sale.id)}
                      data-testid={`flash-watch-${f.sale.id}`}
                    >
                      {zh ? '实时看' : 'Watch live'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!flash.length && <p className="muted">{zh ? '尚无秒杀活动' : 'No flash sales yet'}</p>}
        </div>
      </section>
      {live && <LiveFlash id={live} lang={lang} />}
      <SimpleForm
        lang={lang}
        testId="flash-form"
        title={{ zh: '新建秒杀', en: 'New flash sale' }}
        submit={{ zh: '保存秒杀', en: 'Save flash sale' }}
        fields={[
          ...NAME_FIELDS,
          { key: 'price', label: { zh: '秒杀价（元）', en: 'Price (¥)' } },
          { key: 'stock', label: { zh: '库存', en: 'Stock' }, type: 'number' },
          { key: 'perMember', label: { zh: '每人限购', en: 'Per member' }, type: 'number', initial: '1' },
          {
            key: 'startsAt',
            label: { zh: '开始（北京时间）', en: 'Starts (Beijing time)' },
            type: 'datetime',
          },
          { key: 'endsAt', label: { zh: '结束', en: 'Ends' }, type: 'datetime' },
          {
            key: 'payMinutes',
            label: { zh: '支付时限（分钟）', en: 'Minutes to pay' },
            type: 'number',
            initial: '15',
          },
        ]}
        onSubmit={async (v) => {
          await api.saveFlashSale({
            id: text(v, 'id'),
            name: name(v),
            sku: Number(text(v, 'sku')),
            price: text(v, 'price'),
            stock: Number(text(v, 'stock')),
            perMember: Number(text(v, 'perMember')),
            startsAt: chainInstant(text(v, 'startsAt')),
            endsAt: chainInstant(text(v, 'endsAt')),
            payMinutes: Number(text(v, 'payMinutes')),
          });
          load();
          return zh ? '已保存' : 'Saved';
        }}
      />
      <section className="card">
        <h2>{zh ? '预售（定金膨胀）' : 'Pre-sales (deposit worth more)'}</h2>
        <div className="scroll">
          <table className="table" data-testid="presale-list">
            <thead>
              <tr>
                <th>ID</th>
                <th>{zh ? '名称' : 'Name'}</th>
                <th className="num">{zh ? '定金 → 抵扣' : 'Deposit → worth'}</th>
                <th className="num">{zh ? '预售价' : 'Price'}</th>
                <th>{zh ? '尾款期' : 'Balance window'}</th>
                <th className="num">{zh ? '待付尾款' : 'Awaiting balance'}</th>
                <th className="num">{zh ? '已付尾款' : 'Paid'}</th>
                <th className="num">{zh ? '剩余' : 'Left'}</th>
                <th className="num">{zh ? '定金不退' : 'Deposits kept'}</th>
              </tr>
            </thead>
            <tbody>
              {presales.map((p) => (
                <tr key={p.presale.id}>
                  <td>{p.presale.id}</td>
                  <td>{p.presale.name[lang]}</td>
                  <td className="num">
                    {money(String(p.presale.deposit), lang)} → {money(String(p.presale.depositWorth), lang)}
                  </td>
                  <td className="num">{money(String(p.presale.price), lang)}</td>
                  <td>
                    {local(p.presale.balanceFrom)} – {local(p.presale.balanceTo)}
                  </td>
                  <td className="num">{p.deposited}</td>
                  <td className="num">{p.paid}</td>
                  <td className="num">{p.left}</td>
                  <td className="num">{money(p.forfeited, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!presales.length && <p className="muted">{zh ? '尚无预售活动' : 'No pre-sales yet'}</p>}
        </div>
      </section>
      <SimpleForm
        lang={lang}
        testId="presale-form"
        title={{ zh: '新建预售', en: 'New pre-sale' }}
        submit={{ zh: '保存预售', en: 'Save pre-sale' }}
        fields={[
          ...NAME_FIELDS,
          { key: 'price', label: { zh: '预售价（元）', en: 'Price (¥)' } },
          { key: 'deposit', label: { zh: '定金（元）', en: 'Deposit (¥)' } },
          { key: 'worth', label: { zh: '定金抵扣（元，定金膨胀）', en: 'Deposit worth (¥)' } },
          { key: 'stock', label: { zh: '库存', en: 'Stock' }, type: 'number' },
          { key: 'perMember', label: { zh: '每人限购', en: 'Per member' }, type: 'number', initial: '1' },
          { key: 'depositFrom', label: { zh: '定金期开始', en: 'Deposits from' }, type: 'datetime' },
          { key: 'depositTo', label: { zh: '定金期结束', en: 'Deposits until' }, type: 'datetime' },
          { key: 'balanceFrom', label: { zh: '尾款期开始', en: 'Balance from' }, type: 'datetime' },
          { key: 'balanceTo', label: { zh: '尾款期结束', en: 'Balance until' }, type: 'datetime' },
          {
            key: 'cancel',
            label: { zh: '尾款期前可退定金', en: 'Deposit refundable before the balance window' },
            type: 'checkbox',
            initial: true,
          },
          {
            key: 'refund',
            label: { zh: '未付尾款退还定金', en: 'Refund the deposit if the balance is unpaid' },
            type: 'checkbox',
          },
        ]}
        onSubmit={async (v) => {
          await api.savePresale({
            id: text(v, 'id'),
            name: name(v),
            sku: Number(text(v, 'sku')),
            price: text(v, 'price'),
            deposit: text(v, 'deposit'),
            depositWorth: text(v, 'worth'),
            stock: Number(text(v, 'stock')),
            perMember: Number(text(v, 'perMember')),
            depositFrom: chainInstant(text(v, 'depositFrom')),
            depositTo: chainInstant(text(v, 'depositTo')),
            balanceFrom: chainInstant(text(v, 'balanceFrom')),
            balanceTo: chainInstant(text(v, 'balanceTo')),
            cancelBeforeBalance: Boolean(v.cancel),
            refundUnpaid: Boolean(v.refund),
          });
          load();
          return zh ? '已保存' : 'Saved';
        }}
      />
      <section className="card">
        <h2>{zh ? '拼团' : 'Group deals'}</h2>
        <div className="scroll">
          <table className="table" data-testid="group-list">
            <thead>
              <tr>
                <th>ID</th>
                <th>{zh ? '名称' : 'Name'}</th>
                <th className="num">{zh ? '拼团价' : 'Group price'}</th>
                <th className="num">{zh ? '成团人数 / 时限' : 'Size / hours'}</th>
                <th className="num">{zh ? '拼团中' : 'Open'}</th>
                <th className="num">{zh ? '已成团' : 'Filled'}</th>
                <th className="num">{zh ? '未成团退款' : 'Failed, refunded'}</th>
              </tr>
            </thead>
            <tbody>
              {deals.map((d) => (
                <tr key={d.deal.id}>
                  <td>{d.deal.id}</td>
                  <td>{d.deal.name[lang]}</td>
                  <td className="num">{money(String(d.deal.price), lang)}</td>
                  <td className="num">
                    {d.deal.size} / {d.deal.hours}h
                  </td>
                  <td className="num">{d.open}</td>
                  <td className="num">{d.succeeded}</td>
                  <td className="num">{d.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!deals.length && <p className="muted">{zh ? '尚无拼团活动' : 'No group deals yet'}</p>}
        </div>
      </section>
      <SimpleForm
        lang={lang}
        testId="group-form"
        title={{ zh: '新建拼团', en: 'New group deal' }}
        submit={{ zh: '保存拼团', en: 'Save group deal' }}
        fields={[
          ...NAME_FIELDS,
          { key: 'price', label: { zh: '拼团价（元）', en: 'Group price (¥)' } },
          { key: 'size', label: { zh: '成团人数', en: 'Members to fill' }, type: 'number', initial: '3' },
          {
            key: 'hours',
            label: { zh: '成团时限（小时）', en: 'Hours to fill' },
            type: 'number',
            initial: '24',
          },
        ]}
        onSubmit={async (v) => {
          await api.saveGroupDeal({
            id: text(v, 'id'),
            name: name(v),
            sku: Number(text(v, 'sku')),
            price: text(v, 'price'),
            size: Number(text(v, 'size')),
            hours: Number(text(v, 'hours')),
          });
          load();
          return zh ? '已保存' : 'Saved';
        }}
      />
    </>
  );
}
