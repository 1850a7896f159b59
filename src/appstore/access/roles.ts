import { z } from 'zod';
import { parseInput, ZhongtaiError } from '../../model/index.js';
import type { AppStore } from '../store.js';
import { accessChanged } from './changes.js';

/** What a role may do. Which rows it may read is a separate matter: its grants (see model/scope). */
export const PERMISSIONS = [
  'data.read',
  'data.export',
  'dashboards.edit',
  'forecast.run',
  'ingest.push',
  'settings.edit',
  'users.manage',
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface Role {
  name: string;
  label: { zh: string; en: string };
  permissions: Permission[];
  /** Reads every store and supplier, whatever its grants; otherwise only what is granted. */
  allData: boolean;
  builtin: boolean;
}

const builtin = (name: string, zh: string, en: string, permissions: Permission[], allData = false): Role => ({
  name,
  label: { zh, en },
  permissions,
  allData,
  builtin: true,
});

export const BUILTIN_ROLES: Role[] = [
  builtin('admin', '管理员', 'Administrator', [...PERMISSIONS], true),
  builtin(
    'analyst',
    '数据分析师',
    'Analyst',
    ['data.read', 'data.export', 'dashboards.edit', 'forecast.run', 'settings.edit'],
    true,
  ),
  builtin('region_manager', '区域经理', 'Region manager', ['data.read', 'data.export', 'dashboards.edit']),
  builtin('store_manager', '店长', 'Store manager', ['data.read', 'data.export']),
  builtin('supplier', '供应商', 'Supplier', ['data.read', 'data.export']),
  builtin('viewer', '只读用户', 'Viewer', ['data.read']),
];

export const roleInputSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{1,31}$/, 'lower-case letters, digits and _, 2..32, starting with a letter'),
    label: z.string().min(1).max(60),
    permissions: z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length),
    allData: z.boolean().default(false),
  })
  .strict();
export type RoleInput = z.input<typeof roleInputSchema>;

export async function listRoles(store: AppStore): Promise<Role[]> {
  const custom = await store.query<{
    name: string;
    label: string;
    permissions: Permission[];
    all_data: boolean;
  }>('SELECT name, label, permissions, all_data FROM app_role ORDER BY name');
  return [
    ...BUILTIN_ROLES,
    ...custom.map((r) => ({
      name: r.name,
      label: { zh: r.label, en: r.label },
      permissions: r.permissions.filter((p) => (PERMISSIONS as readonly string[]).includes(p)),
      allData: r.all_data,
      builtin: false,
    })),
  ];
}

export async function findRole(store: AppStore, name: string): Promise<Role | undefined> {
  return (await listRoles(store)).find((r) => r.name === name);
}

/** A custom role; a built-in name cannot be redefined. */
export async function saveRole(store: AppStore, input: RoleInput): Promise<Role> {
  const role = parseInput(roleInputSchema, input);
  if (BUILTIN_ROLES.some((r) => r.name === role.name))
    throw new ZhongtaiError(
      'CONFLICT',
      { en: `Role ${role.name} is built in and cannot be changed`, zh: `内置角色 ${role.name} 不可修改` },
      { field: 'name' },
    );
  await store.query(
    `INSERT INTO app_role (name, label, permissions, all_data) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET label = $2, permissions = $3, all_data = $4`,
    [role.name, role.label, JSON.stringify(role.permissions), role.allData],
  );
  accessChanged();
  return (await findRole(store, role.name)) as Role;
}
