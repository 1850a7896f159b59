/** Where a problem was found: enough for a person to go and fix it. */
export interface ErrorPlace {
  file?: string;
  row?: number;
  field?: string;
}

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_METRIC'
  | 'UNKNOWN_DIMENSION'
  | 'BAD_FILTER'
  | 'BAD_TIME_RANGE'
  | 'NOT_CUTTABLE'
  | 'SCHEMA_TOO_NEW'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** A wallet, a points balance or a payment holds less than asked of it: nothing changed. */
  | 'NOT_ENOUGH'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'TOO_MANY_REQUESTS'
  /** A query over the server's time or size limit. */
  | 'QUERY_LIMIT'
  /** Every place for heavy work is taken: try again shortly. */
  | 'BUSY'
  | 'ENGINE';

/**
 * The one error family of zhongtai. `message` is English (logs, CLI in en), `messageZh` is shown to
 * zh-CN users; neither ever contains SQL or a stack trace.
 */
export class ZhongtaiError extends Error {
  readonly code: ErrorCode;
  readonly messageZh: string;
  readonly place: ErrorPlace | undefined;

  constructor(code: ErrorCode, message: { en: string; zh: string }, place?: ErrorPlace) {
    super(message.en);
    this.name = 'ZhongtaiError';
    this.code = code;
    this.messageZh = message.zh;
    this.place = place;
  }

  /** The same error with `from` (a temporary path, say) written as `to` in its messages and place. */
  withText(from: string, to: string): ZhongtaiError {
    const swap = (text: string) => text.split(from).join(to);
    const place = this.place
      ? { ...this.place, ...(this.place.file ? { file: swap(this.place.file) } : {}) }
      : undefined;
    return new ZhongtaiError(this.code, { en: swap(this.message), zh: swap(this.messageZh) }, place);
  }

  toJSON(): { code: ErrorCode; message: string; messageZh: string; place?: ErrorPlace } {
    return {
      code: this.code,
      message: this.message,
      messageZh: this.messageZh,
      ...(this.place ? { place: this.place } : {}),
    };
  }
}

export function isZhongtaiError(value: unknown): value is ZhongtaiError {
  return value instanceof ZhongtaiError;
}
