import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/warehouse/index.js';
import { zhongtai } from './support/cli.js';
import { ROOT, SMALL_DEMO } from './support/paths.js';

describe('zhongtai forecast --schedule', () => {
  it('refuses a schedule that is not five cron fields, naming the option', async () => {
    const { code, stderr } = await zhongtai('forecast', '--db', SMALL_DEMO, '--schedule', 'nightly');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--schedule must be a cron schedule of five fields/);
    expect(stderr).toMatch(/--schedule 须为五段 cron 表达式/);
  });

  it('keeps running and retrains when the schedule comes round, opening the file only for the run', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-schedule-')), 'demo.duckdb');
    copyFileSync(SMALL_DEMO, path);
    // Every minute: the first run starts at the next minute's turn (within 60 s).
    const child = spawn(
      'node',
      [
        join(ROOT, 'bin', 'zhongtai.js'),
        'forecast',
        '--db',
        path,
        '--horizon',
        '7',
        '--rounds',
        '60',
        '--schedule',
        '* * * * *',
      ],
      { cwd: ROOT, env: { ...process.env, LANG: 'en_US.UTF-8' } },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    try {
      await expect.poll(() => out, { timeout: 150_000, interval: 500 }).toMatch(/Forecast run 1 预测完成/);
      expect(out).toMatch(/Next forecast run at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:00 \(chain time\)/);
      expect(out).toMatch(/10 stores × 7 days from 2026-11-16/);
      // Still running, waiting for the next turn, with the file closed between runs (another writer may open it).
      await expect.poll(() => out.split('Next forecast run at').length, { timeout: 10_000 }).toBe(3);
      expect(child.exitCode).toBeNull();
      const engine = await openWarehouse({ path });
      const runs = await engine.query("SELECT count(*) AS n FROM forecast_run WHERE level = 'store'");
      await engine.close();
      expect(Number(runs[0]?.n)).toBe(1);
    } finally {
      child.kill('SIGTERM');
    }
  }, 180_000);
});
