import { describe, expect, it } from 'vitest';
import { lookupOf, money } from './text';

describe('member center words', () => {
  it('shows yuan text exactly, with its sign and grouping, never through a float', () => {
    expect(money('1234567.05', 'zh')).toBe('¥1,234,567.05');
    expect(money('-128.80', 'en')).toBe('−¥128.80');
    expect(money('0.00', 'zh')).toBe('¥0.00');
  });

  it('reads kind:value as an external id and anything else as a phone number', () => {
    expect(lookupOf('wechat_openid:o-abc:1')).toEqual({ kind: 'wechat_openid', value: 'o-abc:1' });
    expect(lookupOf(' 138 0013 1234 ')).toEqual({ phone: '138 0013 1234' });
    expect(lookupOf('+86:138')).toEqual({ phone: '+86:138' });
  });
});
