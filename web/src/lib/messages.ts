import { MAX_AGE_YEARS, RESIDENT_ID_PROBLEM_MESSAGES } from '@cityleague/domain';

import { ApiError, type Problem } from './api';

type FieldError = NonNullable<Problem['errors']>[number];

/** Chinese messages shown for the server's error codes. */
export const ERROR_MESSAGES: Record<string, string> = {
  NETWORK_ERROR: '网络连接失败，请检查网络后重试',
  UNKNOWN: '服务暂时不可用，请稍后再试',
  VALIDATION_FAILED: '填写的内容有误，请检查标红的项目',
  REQUEST_INVALID: '请求内容不正确，请刷新页面后重试',
  REQUEST_TOO_LARGE: '提交的内容过大，请删减后重试',
  UNSUPPORTED_MEDIA_TYPE: '请求格式不受支持，请刷新页面后重试',
  UNSUPPORTED_CONTENT_ENCODING: '请求内容的压缩格式不受支持，请刷新页面后重试',
  INVALID_JSON: '请求内容无法解析，请刷新页面后重试',
  INVALID_CURSOR: '列表已更新，请刷新页面后重新加载',
  NOT_FOUND: '请求的内容不存在',
  METHOD_NOT_ALLOWED: '不支持此操作，请刷新页面后重试',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  URL_TOO_LONG: '链接地址过长，请检查后重试',
  REQUEST_UNREADABLE: '链接地址无法识别，请检查后重试',
  REQUEST_HEADERS_TOO_LARGE: '请求信息过大，请清除浏览器缓存后重试',
  REQUEST_TIMED_OUT: '请求超时，请检查网络后重试',
  INTERNAL_ERROR: '系统繁忙，请稍后再试',
  NOT_READY: '系统维护中，请稍后再试',
  ACC_INVALID_CREDENTIALS: '账号或密码错误',
  ACC_SESSION_REQUIRED: '登录已失效，请重新登录',
  ACC_FORBIDDEN: '当前账号无权进行此操作',
  ACC_OUT_OF_SCOPE: '超出当前账号的管辖范围',
  ACC_ROLE_FORBIDDEN: '当前账号类型无权使用此功能',
  PTN_NOT_FOUND: '合作平台不存在',
  PTN_NAME_TAKEN: '已有同名的合作平台',
  PTN_CREDENTIAL_NOT_FOUND: '该合作平台没有这个密钥',
  PTN_SIGNATURE_MISSING: '请求缺少签名信息',
  PTN_REQUEST_EXPIRED: '请求时间戳超出允许范围（前后 5 分钟）',
  PTN_SIGNATURE_INVALID: '请求签名无效，或密钥不存在、已过期',
  PTN_NONCE_REPLAYED: '请求随机数已使用过，疑似重放',
  PTN_SUSPENDED: '合作平台已暂停接入',
  PTN_SCOPE_MISSING: '合作平台没有此项接口权限',
  PTN_IDEMPOTENCY_KEY_REQUIRED:
    '写入请求须带幂等键（Idempotency-Key），由 1 至 64 个可见 ASCII 字符组成',
  PTN_IDEMPOTENCY_MISMATCH: '该幂等键 24 小时内已用于另一个请求，请为新的写入换用新键',
  PTN_IDEMPOTENCY_IN_PROGRESS: '使用该幂等键的请求仍在处理中，请稍后重试',
  PTN_EVENT_NOT_HOSTABLE: '只能为其他机构已通过审核或已发布的赛事开通代收报名',
  WHK_ENDPOINT_NOT_FOUND: '回调地址不存在',
  WHK_DELIVERY_NOT_FOUND: '回调推送记录不存在',
  WHK_INVALID_URL:
    '回调地址无效：须为完整的 http(s) 地址，不含账号密码，不得指向链路本地地址；正式环境须使用 https 公网地址',
  ACC_USERNAME_TAKEN: '该账号名已被使用',
  ACC_INVALID_SCOPE: '账号类型与所属区域不匹配',
  ACC_WRONG_PASSWORD: '当前密码错误',
  ACC_WEAK_PASSWORD: '新密码不符合密码规则，请按提示修改',
  ACC_PASSWORD_CHANGE_REQUIRED: '首次登录请先修改初始密码',
  ACC_SECOND_FACTOR_REQUIRED: '请先完成两步验证',
  ACC_TOTP_INVALID_CODE: '动态验证码错误或已过期，请输入身份验证器上当前的 6 位数字',
  ACC_TOTP_CODE_USED: '该动态验证码已使用过，请等待下一个验证码',
  ACC_TOTP_NOT_PENDING: '当前登录状态不需要这一步，请刷新页面',
  ACC_TOTP_ALREADY_ENROLLED: '已绑定身份验证器，如需更换请先解除绑定',
  ACC_TOTP_ENROLMENT_NOT_STARTED: '绑定已失效，请重新获取二维码',
  ACC_TOTP_NOT_ENROLLED: '尚未绑定身份验证器',
  ACC_TOTP_REQUIRED: '该类账号必须使用两步验证，不能解除绑定；如更换手机请联系平台运营重置',
  ACC_ACCOUNT_DISABLED: '账号已停用，请联系平台运营',
  ACC_USER_NOT_FOUND: '账号不存在',
  ACC_PLATFORM_ACCOUNT_PROTECTED: '平台运营和安全审计员账号只能由服务器命令管理',
  ORG_INVALID_CREDIT_CODE: '统一社会信用代码有误，请核对后重新填写',
  ORG_CREDIT_CODE_TAKEN: '该统一社会信用代码已被其他单位使用',
  AUD_INVALID_RANGE: '开始时间不能晚于结束时间',
  AUD_EXPORT_TOO_LARGE: '符合条件的日志超过导出上限，请缩小筛选范围后再导出',
  CSRF_REJECTED: '请求来源不正确，请刷新页面后重试',
  DIV_NOT_FOUND: '行政区划不存在',
  DSH_INVALID_PERIOD: '统计期间无效：请选择不晚于明年的年份，或年份加季度，或年份加月份',
  DIV_UNKNOWN: '所选区域不存在，请重新选择',
  DIV_OUTSIDE_DISTRICT: '所选街镇不在所选区内，请重新选择',
  DIV_INVALID_LEVEL: '行政区划层级不正确',
  EVT_NOT_FOUND: '赛事不存在或尚未发布',
  EVT_FILING_NOT_ALLOWED: '当前账号不能填报该级别或板块的赛事',
  EVT_OUT_OF_SCOPE: '赛事所在区域超出当前账号的管辖范围',
  EVT_NOT_EDITABLE: '赛事已提交，当前状态不能修改',
  EVT_INVALID_TRANSITION: '赛事当前状态不允许此操作',
  EVT_INVALID_SCHEDULE: '赛事时间或报名时间设置不正确',
  EVT_UNKNOWN_SPORT: '运动项目不存在',
  EVT_INVALID_DATE_RANGE: '日期范围不正确，请重新选择',
  EVT_NOT_OWNED: '该赛事属于其他办赛主体，当前账号不能操作',
  EVT_NOT_IN_REVIEW: '赛事不在待审核状态',
  EVT_INCOMPLETE: '填报信息不完整，请补全标出的必填项后再提交',
  EVT_REVIEW_STEPS_PENDING: '请先完成协会预审或X项目评估，再审核通过',
  EVT_STEP_NOT_REQUIRED: '该赛事不需要此审核环节',
  EVT_CHANGE_PENDING: '该赛事已有一项变更正在审核，请等待审核结果或撤回后再提交',
  EVT_CHANGE_EMPTY: '没有修改任何内容',
  EVT_FIELD_FIXED: '赛事审核通过后，级别、板块、项目和合同不能再修改',
  EVT_CAPACITY_BELOW_ENTRIES: '名额不能少于已报名人数',
  EVT_CHANGE_NOT_FOUND: '未找到该变更申请',
  EVT_CHANGE_NOT_PENDING: '该变更已处理，不在待审核状态',
  EVT_REASON_REQUIRED: '请填写原因',
  REV_NOT_REVIEWER: '当前账号不是该赛事的审核单位',
  REV_REASON_REQUIRED: '请填写退回原因或审核意见',
  REG_INVALID_PHONE: '手机号码格式不正确',
  REG_INVALID_NAME: '请填写真实姓名',
  REG_EVENT_FULL: '名额已满',
  REG_WINDOW_NOT_OPEN: '报名尚未开始',
  REG_WINDOW_CLOSED: '报名已截止',
  REG_ALREADY_REGISTERED: '该手机号已报名本赛事',
  REG_IDEMPOTENCY_MISMATCH: '报名信息与上次提交不一致，请再次点击提交',
  REG_TICKET_NOT_FOUND: '未找到该报名凭证，请核对报名码',
  REG_EXPORT_TOO_LARGE: '报名人数超过单次导出上限，请联系运营人员',
  REG_IMPORT_UNREADABLE: '文件无法读取，请另存为 Excel 工作簿（.xlsx）后重新上传',
  REG_IMPORT_TOO_LARGE: '文件超过 2 MB，请拆分后分别导入',
  REG_IMPORT_TOO_MANY_ROWS: '文件超过 5000 行，请拆分后分别导入',
  REG_IMPORT_HAS_ERRORS: '文件中有错误行，未导入任何报名；请按报告修改后重新上传',
  REG_IMPORT_OVER_CAPACITY: '组别名额不足，未导入任何报名',
  REG_IMPORT_CONFLICT: '导入期间有人在线报名，未导入任何报名；请重新检查文件',
  REG_REGISTRATION_NOT_FOUND: '该报名记录不存在或不属于本赛事',
  REG_ID_ALREADY_REGISTERED: '该身份证号已报名本赛事',
  REG_REGISTERED_ELSEWHERE:
    '该身份证号已通过其他渠道报名本赛事，本次报名未受理并已记录为跨渠道重复报名',
  REG_GROUP_REQUIRED: '请选择报名组别',
  REG_GROUP_NOT_FOUND: '该组别不存在',
  REG_INVALID_ID_NUMBER: '身份证号码格式不正确',
  REG_NOT_ELIGIBLE: '不符合该组别的性别或年龄要求',
  REG_TEAM_ENTRY_REQUIRED: '该组别仅接受团队报名',
  REG_CANCEL_DEADLINE_PASSED: '已过取消报名截止时间',
  REG_OFFER_NOT_OPEN: '递补资格已过期或已处理',
  REG_CANCEL_REASON_REQUIRED: '请填写取消报名的原因',
  REG_ALREADY_CANCELLED: '该报名已取消',
  REG_INVALID_CANCEL_DEADLINE: '取消报名截止时间须早于赛事开始时间',
  REG_ID_CONSENT_REQUIRED: '填写身份证号须勾选同意提供身份证号',
  REG_SAFETY_NOTICE_REQUIRED: '请阅读并勾选同意安全和保险提示',
  REG_SAFETY_NOTICE_OUTDATED: '安全和保险提示已更新，请重新阅读并同意',
  REG_GUARDIAN_CONSENT_REQUIRED: '报名人未满14周岁，须填写监护人姓名、手机号码并由监护人同意',
  REG_FORM_CHANGED: '报名表单刚刚更新，请刷新页面后重新填写',
  REG_ONE_CLICK_UNAVAILABLE: '个人资料不足以一键报名，请填写报名表',
  FRM_INVALID_FORM: '报名表单设置有误，请检查标红的字段',
  FRM_FORM_LOCKED: '报名已开始或已有报名记录，报名表单不能再修改',
  FRM_TEMPLATE_NOT_FOUND: '该表单模板不存在',
  FRM_TEMPLATE_NAME_TAKEN: '已有同名表单模板，请换一个名称',
  FRM_NO_FILE_FIELD: '该赛事当前不接受此项文件上传',
  GRP_NOT_FOUND: '该组别不存在',
  GRP_CAPACITY_BELOW_TAKEN: '名额不能少于已报名人数',
  GRP_HAS_ENTRIES: '该组别已有报名记录，不能删除',
  GRP_OVER_EVENT_CAPACITY: '各组别名额之和超过了赛事总名额',
  GRP_INVALID_RULE: '组别设置有误，请检查年龄、团队人数和候补设置',
  GRP_NAME_TAKEN: '该赛事已有同名组别',
  GRP_EVENT_CANCELLED: '赛事已取消，组别不能再修改',
  TEAM_NOT_FOUND: '该团队不存在或不属于您',
  TEAM_INDIVIDUAL_GROUP: '该组别仅接受个人报名',
  TEAM_INVALID_NAME: '队名应为 1-30 个字',
  TEAM_NAME_TAKEN: '本赛事已有同名队伍，请换一个队名',
  TEAM_SIZE_OUT_OF_RANGE: '队伍人数不符合该组别的人数要求',
  TEAM_INVALID_MEMBER: '队员信息有误，请检查标出的项目',
  TEAM_DUPLICATE_MEMBER: '同一人不能在队伍中出现两次',
  TEAM_MEMBER_ALREADY_REGISTERED: '有队员已报名本赛事，不能重复报名',
  TEAM_MEMBER_NOT_FOUND: '该队员已不在队伍中，请刷新后重试',
  TEAM_CANCELLED: '该团队报名已取消，不能再修改',
  TEAM_ALREADY_CANCELLED: '该团队报名已取消',
  TEAM_ENTRY_OF_TEAM: '该报名属于团队，请由队长修改队员或取消整个团队',
  REG_ANSWER_NOT_FOUND: '该报名没有填写此项',
  REG_FILE_NOT_FOUND: '附件不存在或不属于该报名',
  CHK_CODE_NOT_FOUND: '报名码不存在或不属于本赛事',
  CHK_EVENT_NOT_PUBLISHED: '赛事尚未发布，不能签到',
  CHK_TICKET_INVALID: '无法识别的二维码，请出示本平台的报名凭证或输入报名码',
  CHK_TICKET_OTHER_EVENT: '该凭证属于其他赛事，不能在本赛事签到',
  CHK_ENTRY_CANCELLED: '该报名已取消，不能签到',
  CHK_ENTRY_NOT_ACTIVE: '该报名仍在候补中，尚未获得名额，不能签到',
  CHK_SCAN_TIME_INVALID: '签到设备时间有误，请校准设备时间后重新同步',
  CHK_OUTSIDE_WINDOW: '不在签到时间内：签到从比赛开始前 24 小时开放，至比赛结束时截止',
  CHK_ONSITE_LINK_INVALID: '现场报名二维码无效，请重新扫描现场张贴的二维码',
  CHK_ONSITE_CLOSED: '现场报名仅在比赛当天开放，比赛结束后关闭',
  NTF_NOT_FOUND: '该通知不存在',
  NTF_NOT_ABANDONED: '该通知已发送或仍在自动重试，无需手动重发',
  NTF_NOT_RETRYABLE: '该短信因报名或赛事已变化而未发送，重新发送没有意义',
  CIT_INVALID_PHONE: '请输入正确的11位手机号码',
  CIT_SMS_CODE_LIMIT: '验证码获取次数过多，请稍后再试',
  // The service worker returns OFFLINE for a ticket or registration list that it has not
  // saved, and only the ticket page shows the message.
  OFFLINE: '当前离线，此电子票尚未保存到本机，请联网后打开一次',
  CIT_INVALID_SMS_CODE: '验证码不正确或已失效，请核对或重新获取',
  CIT_SMS_CODE_BURNT: '输错次数过多，验证码已失效，请重新获取',
  CIT_SMS_CODE_RESEND_WAIT: '验证码已发送，请稍后再获取',
  CIT_SESSION_REQUIRED: '请先登录',
  CIT_INVALID_NAME: '请填写真实姓名',
  CIT_INVALID_ID_NUMBER: '身份证号码有误，请核对后重新填写',
  CIT_ID_CONSENT_REQUIRED: '保存身份证号码前，请先勾选同意',
  CIT_INVALID_PREFERENCES: '所选运动项目或区域有误，请重新选择',
  EVT_CONTRACT_REQUIRED: '中标单位须选择一份本单位的中标合同后填报',
  EVT_CONTRACT_NOT_OWNED: '所选合同不属于本单位',
  EVT_CONTRACT_MISMATCH: '赛事信息与中标合同不一致（级别、板块、项目、所属区或年度）',
  DOC_MULTIPART_REQUIRED: '上传方式不正确，请刷新页面后重新选择文件',
  DOC_FILE_MISSING: '请选择要上传的文件',
  DOC_TOO_MANY_PARTS: '一次只能上传一个文件',
  DOC_TOO_LARGE: '文件超过大小上限，请压缩或拆分后重新上传',
  DOC_EMPTY: '文件内容为空，请检查后重新上传',
  DOC_TYPE_NOT_ALLOWED: '文件类型不支持，请换用允许的文件格式后重新上传',
  DOC_NOT_FOUND: '该材料不存在或已删除',
  RPT_INVALID_PERIOD: '统计期间格式不正确，请重新选择月份、季度或年份',
  RPT_FUTURE_PERIOD: '统计期间尚未开始，请选择本月、本季度、本年度或更早的期间',
  RPT_NOT_FOUND: '该报表不存在或不在您的权限范围内',
  RPT_NOT_READY: '报表尚未生成完成，请稍后再下载',
  ALR_NOT_FOUND: '该预警不存在或不在您的权限范围内',
  ALR_INVALID_TRANSITION: '该预警的状态已变化，请刷新后重试',
  ALR_RULE_NOT_FOUND: '该预警规则不存在',
  DOC_LIMIT_REACHED: '每个赛事最多上传 20 份材料，请先删除不需要的材料',
  DOC_CHAT_GROUP_NOT_FOUND: '该群二维码不存在或已删除',
  DOC_CHAT_GROUP_LIMIT_REACHED: '每个赛事最多上传 5 个群二维码，请先删除不需要的二维码',
  DOC_EVENT_CANCELLED: '赛事已取消，群二维码不能再修改',
  DOC_NOT_REGISTERED: '报名成功后才能查看赛事群二维码',
  CTR_FILE_UNREADABLE: '文件无法读取，请另存为 Excel 工作簿（.xlsx）后重新上传',
  CTR_FILE_TOO_LARGE: '文件超过 2 MB，请删减后重新上传',
  CTR_FILE_TOO_MANY_ROWS: '数据超过 5000 行，请拆分为多个文件后分别导入',
  CTR_IMPORT_NOT_FOUND: '导入记录不存在，请重新上传文件',
  CTR_IMPORT_ALREADY_COMMITTED: '该文件已确认导入，无需重复提交',
  CTR_IMPORT_HAS_ERRORS: '文件中有错误行，请按报告修改后重新上传',
  RES_EVENT_NOT_PUBLISHED: '赛事尚未发布或已取消，不能录入成绩',
  RES_ENTRY_NOT_FOUND: '该报名不存在或已取消',
  RES_RESULT_NOT_FOUND: '该报名还没有成绩',
  RES_RESULT_INVALID: '成绩填写有误：完赛须填名次，用时和得分只能填一项',
  RES_FILE_UNREADABLE: '文件无法读取，请另存为 Excel 工作簿（.xlsx）后重新上传',
  RES_FILE_TOO_LARGE: '文件太大，请拆分后分批上传',
  RES_FILE_TOO_MANY_ROWS: '文件行数超过上限，请拆分后分批上传',
  RES_IMPORT_NOT_FOUND: '导入记录不存在，请重新上传文件',
  RES_IMPORT_ALREADY_COMMITTED: '该文件已确认导入，无需重复提交',
  RES_IMPORT_HAS_ERRORS: '文件中有错误行或没有有效行，请按报告修改后重新上传',
  RES_IMPORT_STALE: '检查后有报名被取消或换组，请重新上传文件',
  RES_NOTHING_TO_PUBLISH: '还没有任何成绩，请先录入或导入成绩',
  RES_NOT_PUBLISHED: '该赛事的成绩尚未公布',
  CRT_NOT_FOUND: '未找到该证书，请核对验证码',
  CRT_BACKGROUND_INVALID: '背景图须为 PNG 或 JPEG 图片，且不超过 2 MB',
  POSTER_TEMPLATE_UNKNOWN: '海报模板不存在，请刷新页面后重新选择',
  POSTER_TEXT_UNSUPPORTED:
    '文字中有海报字体无法显示的字符（如表情符号、生僻字），请删除或替换后重试',
  PORTAL_DISABLED: '平台未开通一网通办登录，请使用账号密码登录',
  PORTAL_UNAVAILABLE: '一网通办暂时无法访问，请稍后再试',
  PORTAL_LOGIN_EXPIRED: '一网通办登录已超时，请重新登录',
  PORTAL_START_LIMITED: '一网通办登录发起过于频繁，请 1 分钟后再试',
  PORTAL_STATE_MISMATCH: '登录校验未通过，请重新通过一网通办登录',
  PORTAL_LOGIN_DENIED: '一网通办未完成授权，请重新登录',
  PORTAL_LOGIN_FAILED: '一网通办登录校验失败，请重新登录',
  PORTAL_CLAIM_MISSING: '一网通办未提供单位名称或统一社会信用代码，请联系平台运营',
  PORTAL_INVALID_CREDIT_CODE: '一网通办提供的统一社会信用代码无效，请联系平台运营',
  PORTAL_SUBJECT_MISMATCH: '该单位的账号已关联其他一网通办身份，请联系平台运营',
  PORTAL_ACCOUNT_NOT_ELIGIBLE: '该类账号不能通过一网通办登录，请使用账号密码登录',
  PORTAL_REGISTRATION_REQUIRED: '注册已超时，请重新通过一网通办登录',
  PORTAL_REGISTRATION_CLOSED: '注册申请已提交，当前不能修改',
  PORTAL_NOT_SHANGHAI_DISTRICT: '统一社会信用代码的登记地不是上海市的区，不能注册为区体育局',
  PORTAL_NOT_PRESET_STREET: '该账号不是街镇预置账号（SAGYWTB 开头）',
  PORTAL_ACCOUNT_LINKED: '该账号已关联一网通办身份',
  PORTAL_REQUEST_NOT_FOUND: '注册申请不存在',
  PORTAL_REQUEST_NOT_PENDING: '该注册申请已处理',
  PORTAL_REASON_REQUIRED: '驳回时必须填写驳回原因',
};

/**
 * Console wording for codes whose app message does not fit an official. The public API
 * returns EVT_NOT_FOUND for unpublished events, but the console API also returns it for
 * events outside the account's scope.
 */
export const CONSOLE_ERROR_MESSAGES: Record<string, string> = {
  EVT_NOT_FOUND: '赛事不存在或无权查看',
};

/**
 * Chinese message for a field error on an ID number, by the field error's code (the domain
 * validator's reason), so the server's rejection reads like the form's own check.
 */
export function idNumberMessage(code: string): string {
  const known: Record<string, string> = RESIDENT_ID_PROBLEM_MESSAGES;
  if (code === 'required') return RESIDENT_ID_PROBLEM_MESSAGES.empty;
  return known[code] ?? ERROR_MESSAGES.REG_INVALID_ID_NUMBER ?? '身份证号码格式不正确';
}

/** Message of a formal name or address that contains emoji (field error code `noEmoji`). */
export const EMOJI_MESSAGE = '不能包含表情符号，请使用文字';

/** Chinese names of request fields, for field errors shown apart from a form field. */
const FIELD_LABELS: Record<string, string> = {
  q: '搜索内容',
  realName: '真实姓名',
  name: '姓名',
  phone: '手机号码',
  code: '验证码',
  idNumber: '身份证号码',
  gender: '性别',
  birthDate: '出生日期',
  from: '开始日期',
  to: '结束日期',
  division: '行政区划',
  year: '年份',
  quarter: '季度',
  month: '月份',
};

/** Chinese text of field error codes: the server's own codes and JSON Schema keywords. */
const FIELD_PROBLEM_MESSAGES: Record<string, string> = {
  required: '不能为空',
  maxLength: '内容过长',
  minLength: '内容过短',
  pattern: '格式不正确',
  format: '格式不正确',
  type: '格式不正确',
  enum: '不是可选的值',
  minimum: '数值过小',
  maximum: '数值过大',
  birth_date: '须为 120 年内且不晚于今天的日期',
  invalid_date: '不是有效的日期，请写成 2012-03-09 这样的日期',
  birth_date_future: '不能晚于今天',
  birth_date_too_early: `早于 ${MAX_AGE_YEARS} 年前，请检查是否填错`,
  id_number_mismatch: '与身份证号码中的信息不一致',
  noEmoji: EMOJI_MESSAGE,
};

/**
 * Returns the Chinese text of one field error without the field's name, for showing on the
 * form field itself. A length limit is read from the server's English message, which JSON
 * Schema validation words as "must NOT have more than 50 characters".
 */
export function fieldProblemText(fieldError: FieldError): string {
  const limit = /\d+/.exec(fieldError.message)?.[0];
  if (fieldError.code === 'maxLength' && limit) return `最多 ${limit} 个字`;
  if (fieldError.code === 'minLength' && limit) return `至少 ${limit} 个字`;
  return FIELD_PROBLEM_MESSAGES[fieldError.code] ?? ERROR_MESSAGES[fieldError.code] ?? '填写有误';
}

/** Returns the Chinese text of one field error with the field's name, for a form-level alert. */
export function fieldErrorText(fieldError: FieldError): string {
  const name = fieldError.field.split('.').at(-1) ?? fieldError.field;
  const label = FIELD_LABELS[name];
  const problem = fieldProblemText(fieldError);
  return label ? `${label}${problem}` : `${problem}（${fieldError.field}）`;
}

/**
 * Returns "请 N 分钟后再试" for a wait in seconds, rounded up to whole minutes, or
 * "请 N 小时后再试" for a wait of more than an hour, rounded up to whole hours.
 */
export function retryWaitText(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  if (minutes > 60) return `请 ${Math.ceil(minutes / 60)} 小时后再试`;
  return `请 ${minutes} 分钟后再试`;
}

const RETRY_LATER_TEXT = '请稍后再试';

/**
 * Returns the Chinese message for an error thrown by `api()` or anything else.
 *
 * For VALIDATION_FAILED, `attachedFields` names the field errors that the caller marks on
 * visible form fields. The message lists every other field error, because "check the red
 * fields" would point at nothing. A rejection with a Retry-After header says how many minutes
 * to wait in place of "请稍后再试".
 */
export function errorMessage(error: unknown, attachedFields: readonly string[] = []): string {
  if (!(error instanceof ApiError)) return '操作失败，请稍后再试';
  const message = ERROR_MESSAGES[error.code] ?? `操作失败（错误代码 ${error.code}）`;
  if (error.code === 'VALIDATION_FAILED') {
    const loose = (error.problem.errors ?? []).filter(
      (fieldError) => !attachedFields.includes(fieldError.field),
    );
    if (loose.length > 0) {
      return `填写的内容有误：${[...new Set(loose.map(fieldErrorText))].join('；')}`;
    }
  }
  if (error.code === 'CIT_SMS_CODE_RESEND_WAIT' && error.retryAfterSeconds !== null) {
    return `验证码已发送，请 ${error.retryAfterSeconds} 秒后再获取`;
  }
  if (error.retryAfterSeconds !== null && message.endsWith(RETRY_LATER_TEXT)) {
    return message.slice(0, -RETRY_LATER_TEXT.length) + retryWaitText(error.retryAfterSeconds);
  }
  return message;
}

/** Returns the Chinese message for an error in the admin console. */
export function consoleErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const message = CONSOLE_ERROR_MESSAGES[error.code];
    if (message) return message;
  }
  return errorMessage(error);
}

/** Returns the console's Chinese message for a bare error code, such as a batch result's. */
export function consoleCodeMessage(code: string): string {
  return consoleErrorMessage(new ApiError({ status: 0, code }));
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
