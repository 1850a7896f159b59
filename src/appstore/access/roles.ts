import {
  PERMISSIONS,
  type Permission,
  type Role,
  type RoleInput,
  roleInputSchema,
} from '../../contract/index.js';
import { parseInput, ZhongtaiError } from '../../model/index.js';
import type { AppStore } from '../store.js';
import { accessChanged } from './changes.js';

export {
  PERMISSIONS,
  type Permission,
  type Role,
  type RoleInput,
  roleInputSchema,
} from '../../contract/index.js';

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
    [
      'data.read',
      'data.export',
      'dashboards.edit',
      'forecast.run',
      'settings.edit',
      'members.read',
      'alerts.manage',
      'targets.edit',
    ],
    true,
  ),
  builtin('region_manager', '区域经理', 'Region manager', [
    'data.read',
    'data.export',
    'dashboards.edit',
    'alerts.manage',
    'workforce.plan',
  ]),
  builtin('store_manager', '店长', 'Store manager', [
    'data.read',
    'data.export',
    'members.read',
    'members.write',
    'workforce.plan',
  ]),
  // A till, a mini-program or an app calling the member center: granted its store(s), nothing else.
  builtin('pos', '收银终端', 'Till / POS', ['members.read', 'members.write', 'promotions.sell']),
  // A time clock (考勤机) sending punches: granted its store(s).
  builtin('time_clock', '考勤机', 'Time clock', ['workforce.clock']),
  builtin(
    'marketer',
    '营销',
    'Marketer',
    ['data.read', 'data.export', 'dashboards.edit', 'members.read', 'promotions.edit'],
    true,
  ),
  builtin('supplier', '供应商', 'Supplier', ['data.read', 'data.export']),
  builtin('viewer', '只读用户', 'Viewer', ['data.read']),
];

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
