import { describe, expect, it } from 'vitest';
import { type Controls, controlsFromUrl, controlsToUrl, filtersOf } from './dashboard-controls';

const none: Controls = { days: 0, compare: '', region: '', picks: [], refreshEvery: 0, screen: false };

describe('dashboard controls in the URL', () => {
  it('keep every setting through a shared link, values with colons and Chinese included', () => {
    const set: Controls = {
      days: 28,
      compare: 'yoy_weekday',
      region: '华东',
      picks: [
        { dimension: 'category_l1', value: '生鲜' },
        { dimension: 'store', value: 'S001:旗舰' },
      ],
      refreshEvery: 300,
      screen: true,
    };
    expect(controlsFromUrl(controlsToUrl(set))).toEqual(set);
    expect(controlsToUrl(none)).toBe('');
    expect(controlsFromUrl('')).toEqual(none);
  });

  it('refresh a big screen every minute unless told otherwise, and ignore what is not a setting', () => {
    expect(controlsFromUrl('?screen=1').refreshEvery).toBe(60);
    expect(controlsFromUrl('?compare=drop table&days=abc&pick=nocolon')).toEqual(none);
  });

  it('let a clicked region win over the region chosen, and keep every other pick', () => {
    const picks = [{ dimension: 'channel', value: 'pos' }];
    expect(filtersOf({ ...none, region: '华东', picks })).toEqual([
      { dimension: 'region', value: '华东' },
      ...picks,
    ]);
    const clicked = [{ dimension: 'region', value: '华北' }];
    expect(filtersOf({ ...none, region: '华东', picks: clicked })).toEqual(clicked);
  });
});
