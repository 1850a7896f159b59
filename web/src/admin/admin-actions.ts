import type { AuditAction } from '../api';
import type { Lang } from '../format';

/**
 * Audit actions in words (the log keeps codes such as login.ok, which tools filter on). Keyed by the
 * contract's list, so an action the server starts recording does not type-check until it is named here.
 */
const ACTIONS: Record<AuditAction, Record<Lang, string>> = {
  'login.ok': { zh: '登录成功', en: 'Signed in' },
  'login.failed': { zh: '登录失败', en: 'Sign-in failed' },
  'login.locked': { zh: '登录被锁定', en: 'Sign-in locked' },
  logout: { zh: '退出登录', en: 'Signed out' },
  'user.add': { zh: '新增用户', en: 'User added' },
  'user.password': { zh: '修改密码', en: 'Password changed' },
  'user.role': { zh: '修改角色', en: 'Role changed' },
  'user.grant': { zh: '授予数据权限', en: 'Data granted' },
  'user.revoke': { zh: '收回数据权限', en: 'Data revoked' },
  'user.disable': { zh: '停用用户', en: 'User disabled' },
  'user.enable': { zh: '启用用户', en: 'User enabled' },
  'role.save': { zh: '保存角色', en: 'Role saved' },
  'token.create': { zh: '创建 API 令牌', en: 'API token created' },
  'token.revoke': { zh: '吊销 API 令牌', en: 'API token revoked' },
  'embed.create': { zh: '生成嵌入链接', en: 'Embed link made' },
  export: { zh: '导出数据', en: 'Data exported' },
  'ingest.load': { zh: '数据推送导入', en: 'Data pushed' },
  'dashboard.create': { zh: '新建看板', en: 'Dashboard created' },
  'dashboard.update': { zh: '修改看板', en: 'Dashboard changed' },
  'dashboard.delete': { zh: '删除看板', en: 'Dashboard deleted' },
  'dashboard.restore': { zh: '恢复看板版本', en: 'Dashboard restored' },
  'settings.theme': { zh: '修改主题', en: 'Theme changed' },
  'member.merge': { zh: '合并会员', en: 'Members merged' },
  'member.unmerge': { zh: '撤销会员合并', en: 'Member merge undone' },
  'members.rules': { zh: '修改会员规则', en: 'Member rules changed' },
  'promotions.save': { zh: '保存促销活动', en: 'Promotion saved' },
  'coupons.template': { zh: '保存券模板', en: 'Coupon template saved' },
  'flash.save': { zh: '保存秒杀活动', en: 'Flash sale saved' },
  'groups.save': { zh: '保存拼团活动', en: 'Group deal saved' },
  'presales.save': { zh: '保存预售活动', en: 'Pre-sale saved' },
  'member.adjust': { zh: '储值人工调整', en: 'Wallet adjusted by hand' },
  'member.adjust.decide': { zh: '审批储值调整', en: 'Wallet adjustment decided' },
  'alerts.channel': { zh: '保存通知渠道', en: 'Alert channel saved' },
  'alerts.rule': { zh: '保存预警规则', en: 'Alert rule saved' },
  'alerts.subscription': { zh: '保存订阅', en: 'Subscription saved' },
  'targets.edit': { zh: '修改目标', en: 'Targets changed' },
  'roster.publish': { zh: '发布排班', en: 'Roster published' },
};

export const actionName = (action: string, lang: Lang): string =>
  ACTIONS[action as AuditAction]?.[lang] ?? action;
