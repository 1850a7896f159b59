import { type Query, querySchema } from '../contract/index.js';
import { ZhongtaiError } from '../model/index.js';

export {
  COMPARE_MODES,
  type CompareMode,
  drillRequestSchema,
  exportRequestSchema,
  type Filter,
  filterSchema,
  type Query,
  type QueryInput,
  querySchema,
  type TimeRange,
  timeRangeSchema,
} from '../contract/index.js';

/** The reasons the schema above gives, for zh-CN readers. */
const REASONS_ZH: Record<string, string> = {
  'not a real date': '日历上没有这一天',
  'expected a date YYYY-MM-DD': '日期格式须为 YYYY-MM-DD',
};

/** Parses a query from outside (API body, CLI) into its checked form, or a BAD_REQUEST naming the field. */
export function parseQuery(input: unknown): Query {
  const result = querySchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || '(body)';
  const why = issue?.message ?? 'invalid';
  const whyZh = REASONS_ZH[why] ?? why;
  const code =
    field.startsWith('timeRange') || field.startsWith('compare')
      ? 'BAD_TIME_RANGE'
      : field.startsWith('filters')
        ? 'BAD_FILTER'
        : 'BAD_REQUEST';
  throw new ZhongtaiError(
    code,
    { en: `Invalid query at ${field}: ${why}`, zh: `查询参数 ${field} 无效：${whyZh}` },
    { field },
  );
}
