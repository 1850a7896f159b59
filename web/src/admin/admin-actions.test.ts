import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../../src/contract/index.js';
import { actionName } from './admin-actions';

describe('audit actions in words', () => {
  it('names every action the server records, in Chinese and English, and shows an unknown code as it is', () => {
    for (const action of AUDIT_ACTIONS) {
      expect(actionName(action, 'zh'), action).not.toBe(action);
      expect(actionName(action, 'zh'), action).toMatch(/[\u4e00-\u9fff]/);
      expect(actionName(action, 'en'), action).not.toBe(action);
    }
    expect(actionName('center.future', 'zh')).toBe('center.future');
  });
});
