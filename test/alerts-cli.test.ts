import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AlertRules, Channels } from '../src/alerts/index.js';
import { addUser } from '../src/appstore/index.js';
import { openAppStoreOf } from '../src/cli/access.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { ROOT, SMALL_DEMO } from './support/paths.js';
import { startReceiver } from './support/receiver.js';
import { bin } from './support/serve-process.js';

/** `zhongtai alerts` on the machine: the rule list, a rule run by hand reaching a webhook, a channel test. */
const run = promisify(execFile);

describe('alerts from the command line', () => {
  it('lists the rules, runs one into its channel, and says when a channel cannot be reached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-alerts-cli-'));
    const db = join(dir, 'demo.duckdb');
    copyFileSync(SMALL_DEMO, db);
    const receiver = await startReceiver();
    try {
      const url = `${receiver.base}/in`;
      // A channel and a rule made as the web app would (the same application store the CLI opens beside the file).
      const store = await openAppStoreOf({ db });
      const engine = await openWarehouse({ path: db, readOnly: true });
      try {
        await addUser(store, { username: 'li', role: 'analyst', password: 'pw-analyst-Secret-1' });
        const channels = await Channels.open(store);
        const hook = await channels.save(
          { name: 'hook', kind: 'webhook', settings: { url }, secret: { secret: 'a-long-shared-secret' } },
          'admin',
        );
        await channels.save(
          {
            name: 'down',
            kind: 'webhook',
            settings: { url: 'http://127.0.0.1:9/none' },
            secret: { secret: 'a-long-shared-secret' },
          },
          'admin',
        );
        await (await AlertRules.open(store, engine, channels)).save(
          {
            name: '全链毛利率',
            metric: 'gross_margin',
            period: 'last7',
            condition: { kind: 'threshold', op: 'below', value: 0.9 },
            recipients: [{ username: 'li', channel: hook.id }],
          },
          'li',
        );
      } finally {
        await engine.close();
        await store.close();
      }
      const listed = await run('node', [bin, 'alerts', 'list', '--db', db], { cwd: ROOT });
      expect(listed.stdout).toContain('全链毛利率');
      const ran = await run('node', [bin, 'alerts', 'run', '--db', db, '--rule', '1'], { cwd: ROOT });
      expect(ran.stdout).toContain('rule 1: 1 opened');
      expect(ran.stdout).toContain('Sent 1');
      expect(JSON.parse(receiver.calls.at(-1)?.body ?? '{}').title).toBe('【预警】全链毛利率');
      const down = await run('node', [bin, 'alerts', 'test', '--db', db, '--channel', '2'], {
        cwd: ROOT,
      }).catch((e) => e);
      expect(down.code).toBe(1);
      expect(down.stdout).toContain('Not sent to down');
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
