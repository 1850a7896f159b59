import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, can, type MemberRulesView } from '../api';
import type { Lang } from '../format';
import { type TextKey, t } from '../i18n';

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(String(e), String(e)));

/** A column of an editable list: its heading, how a row shows it, how a typed value changes the row. */
interface Column<Row> {
  word: TextKey;
  get: (row: Row) => string;
  set: (row: Row, value: string) => Row;
  numeric?: boolean;
}

const text = <Row,>(word: TextKey, key: keyof Row & string, numeric = false): Column<Row> => ({
  word,
  numeric,
  get: (row) => String(row[key]),
  set: (row, value) => ({ ...row, [key]: value }),
});
const whole = <Row,>(word: TextKey, key: keyof Row & string): Column<Row> => ({
  word,
  numeric: true,
  get: (row) => String(row[key]),
  set: (row, value) => ({ ...row, [key]: Number(value) }),
});
const label = <Row extends { label: { zh: string; en: string } }>(
  word: TextKey,
  lang: Lang,
): Column<Row> => ({
  word,
  get: (row) => row.label[lang],
  set: (row, value) => ({ ...row, label: { ...row.label, [lang]: value } }),
});

/** Rows of the rules (bonus tiers, plans, grades), edited in place; read-only without the right. */
function ListEditor<Row>({
  title,
  testId,
  rows,
  columns,
  blank,
  editable,
  lang,
  onChange,
}: {
  title: TextKey;
  testId: string;
  rows: Row[];
  columns: Column<Row>[];
  blank: Row;
  editable: boolean;
  lang: Lang;
  onChange: (rows: Row[]) => void;
}) {
  return (
    <div className="rules-list" data-testid={testId}>
      <h3>{t(title, lang)}</h3>
      <div className="scroll">
        <table className="table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.word} className={c.numeric ? 'num' : undefined}>
                  {t(c.word, lang)}
                </th>
              ))}
              {editable && <th />}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id until typed; their place is their key
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c.word} className={c.numeric ? 'num' : undefined}>
                    {editable ? (
                      <input
                        aria-label={t(c.word, lang)}
                        inputMode={c.numeric ? 'decimal' : undefined}
                        value={c.get(row)}
                        onChange={(e) =>
                          onChange(rows.map((r, j) => (j === i ? c.set(r, e.target.value) : r)))
                        }
                      />
                    ) : (
                      c.get(row)
                    )}
                  </td>
                ))}
                {editable && (
                  <td>
                    <button
                      type="button"
                      aria-label={t('rulesRemove', lang)}
                      onClick={() => onChange(rows.filter((_, j) => j !== i))}
                    >
                      ×
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editable && (
        <button type="button" onClick={() => onChange([...rows, blank])}>
          {t('rulesAdd', lang)}
        </button>
      )}
    </div>
  );
}

type Rules = MemberRulesView;
type Tier = Rules['topUpBonus'][number];
type Plan = Rules['plans'][number];
type Grade = Rules['grades'][number];

/**
 * 会员规则与付费计划: top-up bonus tiers, paid plans, grades, points and refund rules, the approval limit.
 * Anyone on the page reads them (a till shows the tiers); an administrator (settings.edit) changes them.
 */
export function RulesCard({ lang }: { lang: Lang }) {
  const [rules, setRules] = useState<Rules | null>(null);
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const editable = can('settings.edit');
  useEffect(() => {
    api
      .memberRules()
      .then(setRules)
      .catch((e: unknown) => {
        const error = asError(e);
        setResult({ text: lang === 'zh' ? error.messageZh : error.message, error: true });
      });
  }, [lang]);
  if (!rules) return result ? <p className="banner error">{result.text}</p> : null;
  const change = (part: Partial<Rules>) => setRules({ ...rules, ...part });
  const save = (event: FormEvent) => {
    event.preventDefault();
    api
      .saveMemberRules(rules)
      .then((saved) => {
        setRules(saved);
        setResult({ text: t('rulesSaved', lang), error: false });
      })
      .catch((e: unknown) => {
        const error = asError(e);
        setResult({ text: lang === 'zh' ? error.messageZh : error.message, error: true });
      });
  };
  const multiplier = (gen: keyof Rules['pointsMultiplier']) => (
    <label key={gen}>
      {t(`gen_${gen}` as TextKey, lang)} ×
      <input
        inputMode="decimal"
        disabled={!editable}
        value={rules.pointsMultiplier[gen]}
        onChange={(e) =>
          change({ pointsMultiplier: { ...rules.pointsMultiplier, [gen]: Number(e.target.value) } })
        }
      />
    </label>
  );
  return (
    <details className="card member-rules" data-testid="member-rules">
      <summary>
        <h2>{t('rulesTitle', lang)}</h2>
      </summary>
      <form onSubmit={save}>
        <ListEditor<Tier>
          title="rulesTopUp"
          testId="rules-top-up"
          rows={rules.topUpBonus}
          columns={[text('rulesFrom', 'from', true), text('rulesBonus', 'bonus', true)]}
          blank={{ from: '', bonus: '' }}
          editable={editable}
          lang={lang}
          onChange={(topUpBonus) => change({ topUpBonus })}
        />
        <ListEditor<Plan>
          title="rulesPlans"
          testId="rules-plans"
          rows={rules.plans}
          columns={[
            text('rulesId', 'id'),
            label('rulesNameZh', 'zh'),
            label('rulesNameEn', 'en'),
            text('rulesPrice', 'price', true),
            whole('rulesMonths', 'months'),
          ]}
          blank={{ id: '', label: { zh: '', en: '' }, price: '', months: 12 }}
          editable={editable}
          lang={lang}
          onChange={(plans) => change({ plans })}
        />
        <ListEditor<Grade>
          title="rulesGrades"
          testId="rules-grades"
          rows={rules.grades}
          columns={[
            text('rulesId', 'id'),
            label('rulesNameZh', 'zh'),
            label('rulesNameEn', 'en'),
            text('rulesMinSpend', 'minSpend', true),
          ]}
          blank={{ id: '', label: { zh: '', en: '' }, minSpend: '' }}
          editable={editable}
          lang={lang}
          onChange={(grades) => change({ grades })}
        />
        <div className="rules-fields">
          <label>
            {t('rulesPointsPerYuan', lang)}
            <input
              inputMode="numeric"
              disabled={!editable}
              value={rules.pointsPerYuan}
              onChange={(e) => change({ pointsPerYuan: Number(e.target.value) })}
            />
          </label>
          <span>
            {t('rulesMultiplier', lang)} {(['registered', 'wallet', 'paid'] as const).map(multiplier)}
          </span>
          <label>
            {t('rulesBonusSpend', lang)}
            <select
              disabled={!editable}
              value={rules.bonusSpend}
              onChange={(e) => change({ bonusSpend: e.target.value as Rules['bonusSpend'] })}
            >
              <option value="proportional">{t('rulesProportional', lang)}</option>
              <option value="principal_first">{t('rulesPrincipalFirst', lang)}</option>
            </select>
          </label>
          <label>
            {t('rulesRefund', lang)}
            <select
              disabled={!editable}
              value={rules.membershipRefund}
              onChange={(e) => change({ membershipRefund: e.target.value as Rules['membershipRefund'] })}
            >
              <option value="pro_rata">{t('rulesProRata', lang)}</option>
              <option value="none">{t('rulesNoRefund', lang)}</option>
            </select>
          </label>
          <label>
            {t('rulesDormancy', lang)}
            <input
              inputMode="numeric"
              data-testid="rules-dormancy"
              disabled={!editable}
              value={rules.bonusDormancyMonths ?? ''}
              onChange={(e) =>
                change({ bonusDormancyMonths: e.target.value.trim() ? Number(e.target.value) : null })
              }
            />
          </label>
          <label>
            {t('rulesApproval', lang)}
            <input
              inputMode="decimal"
              disabled={!editable}
              value={String(rules.adjustApprovalAbove)}
              onChange={(e) => change({ adjustApprovalAbove: e.target.value })}
            />
          </label>
        </div>
        {editable && (
          <button type="submit" data-testid="rules-save">
            {t('save', lang)}
          </button>
        )}
        {result && (
          <p className={result.error ? 'banner error' : 'muted'} role="status" data-testid="rules-result">
            {result.text}
          </p>
        )}
      </form>
    </details>
  );
}
