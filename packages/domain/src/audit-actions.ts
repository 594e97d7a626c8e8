/**
 * Audit action codes with the Chinese labels that the audit viewer shows. Every code that the
 * server writes is listed here; codes are never renamed or reused, because stored entries keep
 * them. Codes without a writer yet are reserved for account management and configuration.
 */
export const AUDIT_ACTIONS = {
  'session.created': '登录成功',
  'session.failed': '登录失败',
  'session.ended': '退出登录',
  'password.changed': '修改密码',
  'account.created': '创建账号',
  'account.preset': '预置街道账号',
  'account.updated': '修改账号信息',
  'account.role_changed': '变更账号类型或权限范围',
  'account.disabled': '停用账号',
  'account.enabled': '启用账号',
  'account.password_reset': '重置账号密码',
  'config.changed': '修改系统配置',
  'event.created': '新建赛事填报',
  'event.updated': '修改赛事填报',
  'event.submitted': '提交审核',
  'event.approved': '审核通过',
  'event.returned': '审核退回',
  'event.published': '发布赛事',
  'registration.checked_in': '现场签到',
  'personal_data.revealed': '查看个人信息明文',
  'export.preset_workbook': '导出预置账号表',
  'export.registrations': '导出报名名单',
  'audit.exported': '导出审计日志',
  'audit.archived': '归档审计日志',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export const AUDIT_ACTION_CODES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

/** Object types of audit entries with their Chinese labels. */
export const AUDIT_ENTITY_TYPES = {
  user: '账号',
  username: '用户名',
  event: '赛事',
  registration: '报名',
  organisation: '单位',
  preset_street_accounts: '预置街道账号',
  audit_log: '审计日志',
  config: '系统配置',
} as const;

export const AUDIT_OUTCOMES = { success: '成功', failure: '失败' } as const;

export type AuditOutcome = keyof typeof AUDIT_OUTCOMES;

/** Returns the Chinese label of an action code, or the code itself when it is not listed. */
export function auditActionLabel(action: string): string {
  return (AUDIT_ACTIONS as Record<string, string>)[action] ?? action;
}

/** Returns the Chinese label of an object type, or the type itself when it is not listed. */
export function auditEntityTypeLabel(entityType: string): string {
  return (AUDIT_ENTITY_TYPES as Record<string, string>)[entityType] ?? entityType;
}
