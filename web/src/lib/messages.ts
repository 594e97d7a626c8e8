import { ApiError } from './api';

/** Chinese messages shown for the server's error codes. */
export const ERROR_MESSAGES: Record<string, string> = {
  NETWORK_ERROR: '网络连接失败，请检查网络后重试',
  UNKNOWN: '服务暂时不可用，请稍后再试',
  VALIDATION_FAILED: '填写的内容有误，请检查标红的项目',
  REQUEST_INVALID: '请求内容不正确，请刷新页面后重试',
  REQUEST_TOO_LARGE: '提交的内容过大，请删减后重试',
  UNSUPPORTED_MEDIA_TYPE: '请求格式不受支持，请刷新页面后重试',
  INVALID_JSON: '请求内容无法解析，请刷新页面后重试',
  INVALID_CURSOR: '列表已更新，请刷新页面后重新加载',
  NOT_FOUND: '请求的内容不存在',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  INTERNAL_ERROR: '系统繁忙，请稍后再试',
  NOT_READY: '系统维护中，请稍后再试',
  ACC_INVALID_CREDENTIALS: '账号或密码错误',
  ACC_SESSION_REQUIRED: '登录已失效，请重新登录',
  ACC_FORBIDDEN: '当前账号无权进行此操作',
  ACC_OUT_OF_SCOPE: '超出当前账号的管辖范围',
  ACC_ROLE_FORBIDDEN: '当前账号类型无权使用此功能',
  ACC_USERNAME_TAKEN: '该账号名已被使用',
  ACC_INVALID_SCOPE: '账号类型与所属区域不匹配',
  ACC_WRONG_PASSWORD: '当前密码错误',
  ACC_WEAK_PASSWORD: '新密码不符合密码规则，请按提示修改',
  ACC_PASSWORD_CHANGE_REQUIRED: '首次登录请先修改初始密码',
  ORG_INVALID_CREDIT_CODE: '统一社会信用代码有误，请核对后重新填写',
  ORG_CREDIT_CODE_TAKEN: '该统一社会信用代码已被其他单位使用',
  CSRF_REJECTED: '请求来源不正确，请刷新页面后重试',
  DIV_NOT_FOUND: '行政区划不存在',
  DIV_UNKNOWN: '所选区域不存在，请重新选择',
  DIV_INVALID_LEVEL: '行政区划层级不正确',
  EVT_NOT_FOUND: '赛事不存在或尚未发布',
  EVT_FILING_NOT_ALLOWED: '当前账号不能填报该级别或板块的赛事',
  EVT_OUT_OF_SCOPE: '赛事所在区域超出当前账号的管辖范围',
  EVT_NOT_EDITABLE: '赛事已提交，当前状态不能修改',
  EVT_INVALID_TRANSITION: '赛事当前状态不允许此操作',
  EVT_INVALID_SCHEDULE: '赛事时间或报名时间设置不正确',
  EVT_UNKNOWN_SPORT: '运动项目不存在',
  EVT_NOT_OWNED: '该赛事属于其他办赛主体，当前账号不能操作',
  EVT_NOT_IN_REVIEW: '赛事不在待审核状态',
  REV_NOT_REVIEWER: '当前账号不是该赛事的审核单位',
  REV_REASON_REQUIRED: '退回时必须填写退回原因',
  REG_INVALID_PHONE: '手机号码格式不正确',
  REG_INVALID_NAME: '请填写真实姓名',
  REG_EVENT_FULL: '名额已满',
  REG_WINDOW_NOT_OPEN: '报名尚未开始',
  REG_WINDOW_CLOSED: '报名已截止',
  REG_ALREADY_REGISTERED: '该手机号已报名本赛事',
  REG_IDEMPOTENCY_MISMATCH: '报名信息与上次提交不一致，请再次点击提交',
  REG_TICKET_NOT_FOUND: '未找到该报名凭证，请核对报名码',
  REG_REGISTRATION_NOT_FOUND: '该报名记录不存在或不属于本赛事',
  CHK_CODE_NOT_FOUND: '报名码不存在或不属于本赛事',
  CHK_EVENT_NOT_PUBLISHED: '赛事尚未发布，不能签到',
};

/**
 * Console wording for codes whose app message does not fit an official. The public API
 * returns EVT_NOT_FOUND for unpublished events, but the console API also returns it for
 * events outside the account's scope.
 */
export const CONSOLE_ERROR_MESSAGES: Record<string, string> = {
  EVT_NOT_FOUND: '赛事不存在或无权查看',
};

/** Returns the Chinese message for an error thrown by `api()` or anything else. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return ERROR_MESSAGES[error.code] ?? `操作失败（错误代码 ${error.code}）`;
  }
  return '操作失败，请稍后再试';
}

/** Returns the Chinese message for an error in the admin console. */
export function consoleErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const message = CONSOLE_ERROR_MESSAGES[error.code];
    if (message) return message;
  }
  return errorMessage(error);
}

/**
 * Tells whether a failed load means that the requested item does not exist. A malformed id
 * in the address fails the server's schema check (VALIDATION_FAILED), which for a page that
 * only reads means the same as an unknown id.
 */
export function isNotFound(error: unknown, notFoundCodes: readonly string[]): boolean {
  if (!(error instanceof ApiError)) return false;
  return error.code === 'VALIDATION_FAILED' || notFoundCodes.includes(error.code);
}
