import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppStore, openAppStore } from '../store.js';
import {
  addUser,
  createToken,
  grant,
  hashPassword,
  principalOf,
  revoke,
  saveRole,
  setDisabled,
  tokenPrincipal,
  verifyPassword,
} from './index.js';

let store: AppStore;
beforeAll(async () => {
  store = await openAppStore({ path: join(mkdtempSync(join(tmpdir(), 'zhongtai-access-')), 'app') });
});
afterAll(() => store?.close());

describe('passwords', () => {
  it('keeps a salted scrypt hash that checks the right password only', async () => {
    const one = await hashPassword('长城 long passphrase');
    const two = await hashPassword('长城 long passphrase');
    expect(one).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(one).not.toBe(two);
    expect(await verifyPassword('长城 long passphrase', one)).toBe(true);
    expect(await verifyPassword('长城 long passphrasf', one)).toBe(false);
    expect(await verifyPassword('anything', 'md5$abc')).toBe(false);
  });

  it('refuses short passwords and ones holding the user name', async () => {
    await expect(addUser(store, { username: 'wu', role: 'viewer', password: 'short' })).rejects.toThrow(/10/);
    await expect(
      addUser(store, { username: 'zhaolei', role: 'viewer', password: 'zhaolei-2026-!' }),
    ).rejects.toThrow(/user name/);
    await expect(addUser(store, { username: 'xu', role: 'nope' })).rejects.toThrow(/No role/);
    await expect(addUser(store, { username: "x' OR 1=1", role: 'viewer' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      place: { field: 'username' },
    });
  });
});

describe('principals', () => {
  it('reads all data for admin and analyst roles, and only the grants for the others, as changed', async () => {
    const { user } = await addUser(store, { username: 'sun', role: 'region_manager' });
    expect((await principalOf(store, user.id))?.scope).toEqual({ all: false, grants: [] });
    await grant(store, 'sun', [{ kind: 'region', value: '华东' }]);
    expect((await principalOf(store, user.id))?.scope).toEqual({
      all: false,
      grants: [{ kind: 'region', value: '华东' }],
    });
    await revoke(store, 'sun', [{ kind: 'region', value: '华东' }]);
    expect((await principalOf(store, user.id))?.scope).toEqual({ all: false, grants: [] });
    await setDisabled(store, 'sun', true);
    expect(await principalOf(store, user.id)).toBeUndefined();
  });

  it('gives a custom role exactly the permissions it lists', async () => {
    await saveRole(store, { name: 'buyer', label: '采购', permissions: ['data.read', 'forecast.run'] });
    const { user } = await addUser(store, { username: 'qian', role: 'buyer' });
    const p = await principalOf(store, user.id);
    expect([...(p?.permissions ?? [])].sort()).toEqual(['data.read', 'forecast.run']);
    await expect(saveRole(store, { name: 'admin', label: 'x', permissions: [] })).rejects.toThrow(/built in/);
  });
});

describe('API tokens', () => {
  it('never holds more than its user, and is found only by its whole secret', async () => {
    await addUser(store, { username: 'zhou', role: 'store_manager' });
    await expect(
      createToken(store, { username: 'zhou', name: 'x', permissions: ['ingest.push'] }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const { token, info } = await createToken(store, { username: 'zhou', name: 'report', source: 'pos' });
    expect(token).toMatch(/^zt_[0-9a-f]{12}_[\w-]{43}$/);
    const [kept] = await store.query<{ secret_hash: string }>(
      'SELECT secret_hash FROM api_token WHERE id = $1',
      [info.id],
    );
    expect(token).not.toContain(kept?.secret_hash);
    expect((await tokenPrincipal(store, token))?.principal.username).toBe('zhou');
    expect((await tokenPrincipal(store, token))?.source).toBe('pos');
    expect(await tokenPrincipal(store, `${token.slice(0, -1)}x`)).toBeUndefined();
  });
});

describe('the embedded store', () => {
  it('refuses a second process while one holds it, and takes over a lock whose process died', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-lock-')), 'app');
    const held = await openAppStore({ path });
    await held.close();
    const other = spawn('sleep', ['30']);
    writeFileSync(join(path, 'zhongtai.lock'), String(other.pid));
    await expect(openAppStore({ path })).rejects.toMatchObject({ code: 'CONFLICT' });
    other.kill();
    await new Promise((resolve) => other.once('exit', resolve));
    const again = await openAppStore({ path });
    await again.close();
  }, 30_000);
});
