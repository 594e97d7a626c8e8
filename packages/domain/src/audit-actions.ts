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
  'account.unlocked': '解除账号锁定',
  'account.phone_changed': '修改预警短信手机号',
  'session.totp_verified': '两步验证通过',
  'totp.enrolled': '开启两步验证',
  'totp.enrolment_failed': '两步验证绑定失败',
  'totp.removed': '关闭两步验证',
  'totp.reset': '重置两步验证',
  'citizen.signed_in': '市民登录',
  'citizen.signed_out': '市民退出登录',
  'citizen.profile_updated': '市民修改个人资料',
  'citizen.preferences_updated': '市民修改兴趣项目和常去区域',
  'portal.login_failed': '一网通办登录失败',
  'portal.signed_in': '一网通办登录',
  'portal.linked': '关联一网通办身份',
  'portal.street_linked': '街镇关联预置账号',
  'portal.registration_started': '开始单位注册',
  'portal.registration_resumed': '继续单位注册',
  'portal.registration_submitted': '提交单位注册',
  'portal.registration_approved': '通过单位注册申请',
  'portal.registration_rejected': '驳回单位注册申请',
  'portal.account_created': '单位注册开通账号',
  'contracts.import': '导入中标合同',
  'partner.created': '新增合作平台',
  'partner.updated': '修改合作平台设置',
  'partner.credential_rotated': '轮换合作平台密钥',
  'partner.credential_revoked': '停用合作平台密钥',
  'partner.webhook_added': '新增回调地址',
  'partner.webhook_updated': '修改回调地址',
  'partner.webhook_redelivered': '重新推送回调',
  'partner.event_hosting_granted': '允许合作平台代收赛事报名',
  'partner.event_hosting_revoked': '取消合作平台代收赛事报名',
  'config.changed': '修改系统配置',
  'event.created': '新建赛事填报',
  'event.updated': '修改赛事填报',
  'event.submitted': '提交审核',
  'event.approved': '审核通过',
  'event.returned': '审核退回',
  'event.copied': '复制赛事为新草稿',
  'event.review_step_recorded': '记录审核环节',
  'event.change_requested': '申请变更赛事',
  'event.change_withdrawn': '撤回赛事变更',
  'event.change_returned': '退回赛事变更',
  'event.changed': '赛事信息变更',
  'event.cancelled': '取消赛事',
  'sport.pre_review_set': '设置项目协会预审',
  'sport.pre_review_removed': '取消项目协会预审',
  'event.published': '发布赛事',
  'document.uploaded': '上传赛事材料',
  'document.deleted': '删除赛事材料',
  'chat_group.uploaded': '上传群二维码',
  'chat_group.deleted': '删除群二维码',
  'registration.checked_in': '现场签到',
  'registration.check_in_corrected': '签到时间更正（离线签到同步）',
  'notification.retried': '重新发送通知',
  'registration.added': '主办方代为报名',
  'registration.cancelled': '主办方取消报名',
  'registration.changed': '合作平台修改报名',
  'team.cancelled': '主办方取消团队报名',
  'event_group.created': '新增报名组别',
  'event_group.updated': '修改报名组别',
  'event_group.deleted': '删除报名组别',
  'event.cancel_deadline_set': '设置取消报名截止时间',
  'registration_form.updated': '修改报名表单',
  'form_template.saved': '保存报名表单模板',
  'form_template.deleted': '删除报名表单模板',
  'personal_data.reveal': '查看个人信息明文',
  'registration.file_downloaded': '下载报名附件',
  'result.updated': '录入或修改成绩',
  'result.deleted': '删除成绩',
  'results.imported': '导入成绩',
  'results.published': '发布成绩',
  'certificate.design_set': '设置证书样式',
  'export.preset_workbook': '导出预置账号表',
  'export.registrations': '导出报名名单',
  'registrations.imported': '导入线下报名',
  'export.dashboard': '导出看板数据',
  'audit.exported': '导出审计日志',
  'audit.archived': '归档审计日志',
  'report.requested': '申请生成报表',
  'report.downloaded': '下载报表',
  'alert_rule.updated': '修改预警规则',
  'alert.acknowledged': '确认预警',
  'alert.resolved': '处理预警',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export const AUDIT_ACTION_CODES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

/** Object types of audit entries with their Chinese labels. */
export const AUDIT_ENTITY_TYPES = {
  user: '账号',
  username: '用户名',
  event: '赛事',
  registration: '报名',
  team: '参赛团队',
  organisation: '单位',
  preset_street_accounts: '预置街道账号',
  audit_log: '审计日志',
  citizen: '市民',
  contract_import: '合同导入',
  partner: '合作平台',
  portal_login: '一网通办登录',
  portal_registration: '单位注册申请',
  config: '系统配置',
  sport: '运动项目',
  notification: '短信通知',
  form_template: '报名表单模板',
  report: '报表',
  alert_rule: '预警规则',
  alert: '异常预警',
  division: '行政区划',
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
