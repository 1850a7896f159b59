import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import {
  type AppStore,
  addUser,
  createToken,
  grant,
  listRoles,
  openAppStore,
  PERMISSIONS,
  type Permission,
} from '../../src/appstore/index.js';
import type { Grant } from '../../src/model/index.js';
import { buildServer, type ServerOptions } from '../../src/server/index.js';

/** A fresh embedded application store in a temporary folder. */
export const tempAppStore = (): Promise<AppStore> =>
  openAppStore({ path: join(mkdtempSync(join(tmpdir(), 'zhongtai-app-')), 'app') });

let made = 0;

/** A user of `role` with `grants` and an API token holding `permissions` (all of the role's by default). */
export async function userWithToken(
  store: AppStore,
  role: string,
  grants: Grant[] = [],
  permissions?: Permission[],
): Promise<{ userId: number; username: string; password: string; token: string }> {
  made += 1;
  const username = `${role}-${made}-${process.pid}`;
  const password = `pw-${role}-Secret-${made}`;
  const { user } = await addUser(store, { username, role, password });
  if (grants.length) await grant(store, username, grants);
  const roleDef = (await listRoles(store)).find((r) => r.name === role);
  const { token } = await createToken(store, {
    username,
    name: 'test',
    permissions: permissions ?? roleDef?.permissions ?? [...PERMISSIONS],
  });
  return { userId: user.id, username, password, token };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The server as an administrator's API client sees it: every request carries an admin's token. */
export async function adminServer(
  options: Omit<ServerOptions, 'appStore'> & { appStore?: AppStore },
): Promise<{
  app: FastifyInstance;
  appStore: AppStore;
  token: string;
  inject: (request: InjectOptions | string) => Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}> {
  const appStore = options.appStore ?? (await tempAppStore());
  const { token } = await userWithToken(appStore, 'admin');
  const app = await buildServer({ ...options, appStore });
  const inject = (request: InjectOptions | string) => {
    const asked: InjectOptions = typeof request === 'string' ? { url: request } : request;
    return app.inject({ ...asked, headers: { ...bearer(token), ...(asked.headers ?? {}) } });
  };
  return {
    app,
    appStore,
    token,
    inject,
    async close() {
      await app.close();
      if (!options.appStore) await appStore.close();
    },
  };
}
