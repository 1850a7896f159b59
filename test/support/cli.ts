import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './paths.js';

const run = promisify(execFile);

/** Runs the installed CLI (bin/zhongtai.js over the build) as a user would; a failure is an answer, not a throw. */
export async function zhongtai(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [join(ROOT, 'bin', 'zhongtai.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, LANG: 'en_US.UTF-8' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
