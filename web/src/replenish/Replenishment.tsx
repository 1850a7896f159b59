import { useEffect, useState } from 'react';
import { ApiError, api, type Suggestion } from '../api';
import { Tile, type TileState } from '../components/Tile';
import { formatNumber, type Lang } from '../format';
import { t } from '../i18n';

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(String(e), String(e)));

/** 以销定采: the day's order suggestions of the stores the reader may see, the costliest first. */
export function Replenishment({ lang }: { lang: Lang }) {
  const [state, setState] = useState<{
    rows: Suggestion[];
    toOrder: number;
    orderCost: number;
    date: string;
    error: ApiError | null;
    loading: boolean;
  }>({ rows: [], toOrder: 0, orderCost: 0, date: '', error: null, loading: true });
  useEffect(() => {
    let live = true;
    api
      .replenish({ limit: 50 })
      .then((r) => live && setState({ ...r, error: null, loading: false }))
      .catch((e: unknown) => live && setState((s) => ({ ...s, error: asError(e), loading: false })));
    return () => {
      live = false;
    };
  }, []);
  const tileState: TileState = {
    loading: state.loading,
    error: state.error,
    result: state.loading ? null : { rows: state.rows },
  };
  const num = (v: number, digits = 0) =>
    v.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: digits });
  return (
    <Tile title={t('replenishList', lang)} state={tileState} lang={lang} testId="tile-replenish" wide>
      <p className="muted" data-testid="replenish-summary">
        {state.date} · {num(state.toOrder)} {t('replenishSummary', lang)}{' '}
        {formatNumber(state.orderCost, 'CNY', lang)}
      </p>
      <div className="scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t('store', lang)}</th>
              <th>{t('sku', lang)}</th>
              <th>{t('category', lang)}</th>
              <th className="num">{t('onHand', lang)}</th>
              <th className="num">{t('onOrder', lang)}</th>
              <th className="num">{t('demand', lang)}</th>
              <th className="num">{t('safety', lang)}</th>
              <th className="num">{t('orderQty', lang)}</th>
              <th className="num">{t('packs', lang)}</th>
              <th className="num">{t('orderCost', lang)}</th>
            </tr>
          </thead>
          <tbody>
            {state.rows.map((r) => (
              <tr key={`${r.store}|${r.sku}`}>
                <td>{r.storeName}</td>
                <td>{r.name}</td>
                <td>{r.category}</td>
                <td className="num">{num(r.onHand)}</td>
                <td className="num">{num(r.onOrder)}</td>
                <td className="num">{num(r.demand, 1)}</td>
                <td className="num">{num(r.safety, 1)}</td>
                <td className="num">{num(r.order)}</td>
                <td className="num">{num(r.packs)}</td>
                <td className="num" data-testid="order-cost" data-raw={r.orderCost}>
                  {formatNumber(r.orderCost, 'CNY', lang)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Tile>
  );
}
