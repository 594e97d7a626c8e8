/** Rules of the anomaly alert model. Each rule has parameters that the operator may change. */
export const ALERT_RULE_CODES = [
  'event_registration_spike',
  'partner_registration_spike',
  'review_overdue',
  'low_check_in_rate',
  'overlapping_registrations',
  'sms_failure_rate',
  'sign_in_failures_by_ip',
] as const;
export type AlertRuleCode = (typeof ALERT_RULE_CODES)[number];

/** One numeric parameter of a rule, with its unit and allowed range (both ends included). */
export interface AlertParameter {
  key: string;
  label: string;
  unit: string;
  min: number;
  max: number;
  default: number;
  /**
   * Decimal places allowed: 0 for a whole number, which the rule's query passes to PostgreSQL
   * as an integer (interval lengths, counts).
   */
  decimals: number;
}

export interface AlertRuleDefinition {
  code: AlertRuleCode;
  label: string;
  description: string;
  /** Readers of the rule's alerts: the league's administrators or the operator. */
  audience: 'administrators' | 'operator';
  parameters: readonly AlertParameter[];
}

const SPIKE_PARAMETERS: readonly AlertParameter[] = [
  { key: 'windowHours', label: '统计时段', unit: '小时', min: 1, max: 72, default: 1, decimals: 0 },
  { key: 'baselineDays', label: '基准天数', unit: '天', min: 1, max: 90, default: 7, decimals: 0 },
  { key: 'factor', label: '超出倍数', unit: '倍', min: 1.5, max: 100, default: 5, decimals: 2 },
  {
    key: 'minCount',
    label: '最少报名数',
    unit: '人',
    min: 1,
    max: 100000,
    default: 50,
    decimals: 0,
  },
];

export const ALERT_RULES: Record<AlertRuleCode, AlertRuleDefinition> = {
  event_registration_spike: {
    code: 'event_registration_spike',
    label: '单场赛事报名激增',
    description:
      '统计时段内一场赛事的报名数不少于最少报名数，且超过该赛事此前基准天数内同等时段平均报名数的指定倍数',
    audience: 'administrators',
    parameters: SPIKE_PARAMETERS,
  },
  partner_registration_spike: {
    code: 'partner_registration_spike',
    label: '合作平台报名激增',
    description:
      '统计时段内一个合作平台通过开放接口推送的报名数不少于最少报名数，且超过其此前基准天数内同等时段平均报名数的指定倍数',
    audience: 'administrators',
    parameters: SPIKE_PARAMETERS,
  },
  review_overdue: {
    code: 'review_overdue',
    label: '赛事待审超时',
    description: '赛事提交后等待审核超过指定天数',
    audience: 'administrators',
    parameters: [
      { key: 'days', label: '等待天数', unit: '天', min: 1, max: 365, default: 5, decimals: 0 },
    ],
  },
  low_check_in_rate: {
    code: 'low_check_in_rate',
    label: '签到率过低',
    description: '已举办的赛事报名数不少于最少报名数，签到率低于阈值',
    audience: 'administrators',
    parameters: [
      {
        key: 'ratePercent',
        label: '签到率阈值',
        unit: '%',
        min: 1,
        max: 100,
        default: 30,
        decimals: 0,
      },
      {
        key: 'minRegistrations',
        label: '最少报名数',
        unit: '人',
        min: 1,
        max: 100000,
        default: 10,
        decimals: 0,
      },
      {
        key: 'lookbackDays',
        label: '回看天数',
        unit: '天',
        min: 1,
        max: 365,
        default: 14,
        decimals: 0,
      },
    ],
  },
  overlapping_registrations: {
    code: 'overlapping_registrations',
    label: '同一人报名时间冲突的赛事',
    description: '同一证件号或手机号报名了时间重叠的多场赛事',
    audience: 'administrators',
    parameters: [
      {
        key: 'minEvents',
        label: '重叠赛事数',
        unit: '场',
        min: 2,
        max: 20,
        default: 2,
        decimals: 0,
      },
    ],
  },
  sms_failure_rate: {
    code: 'sms_failure_rate',
    label: '短信发送失败率过高',
    description: '统计时段内已尝试发送的短信不少于最少条数，失败比例高于阈值',
    audience: 'operator',
    parameters: [
      {
        key: 'windowMinutes',
        label: '统计时段',
        unit: '分钟',
        min: 5,
        max: 1440,
        default: 60,
        decimals: 0,
      },
      {
        key: 'ratePercent',
        label: '失败率阈值',
        unit: '%',
        min: 1,
        max: 100,
        default: 20,
        decimals: 0,
      },
      {
        key: 'minMessages',
        label: '最少条数',
        unit: '条',
        min: 1,
        max: 100000,
        default: 20,
        decimals: 0,
      },
    ],
  },
  sign_in_failures_by_ip: {
    code: 'sign_in_failures_by_ip',
    label: '同一IP登录失败过多',
    description: '统计时段内同一IP地址的后台登录失败次数达到阈值',
    audience: 'operator',
    parameters: [
      {
        key: 'windowMinutes',
        label: '统计时段',
        unit: '分钟',
        min: 1,
        max: 1440,
        default: 15,
        decimals: 0,
      },
      {
        key: 'failures',
        label: '失败次数',
        unit: '次',
        min: 3,
        max: 100000,
        default: 20,
        decimals: 0,
      },
    ],
  },
};

/** Default parameters of a rule, as stored when the operator has not changed them. */
export function defaultAlertParameters(code: AlertRuleCode): Record<string, number> {
  return Object.fromEntries(ALERT_RULES[code].parameters.map((p) => [p.key, p.default]));
}

function hasDecimals(value: number, decimals: number): boolean {
  const scaled = value * 10 ** decimals;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

/**
 * Checks parameters for a rule: every parameter present, a finite number within its range with
 * no more decimal places than allowed, and no unknown keys. Returns one message per problem,
 * keyed by parameter.
 */
export function checkAlertParameters(
  code: AlertRuleCode,
  values: Record<string, unknown>,
): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  const known = new Set(ALERT_RULES[code].parameters.map((p) => p.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) problems.push({ key, message: `unknown parameter ${key}` });
  }
  for (const parameter of ALERT_RULES[code].parameters) {
    const value = values[parameter.key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push({ key: parameter.key, message: 'must be a number' });
    } else if (value < parameter.min || value > parameter.max) {
      const range = `${parameter.min} to ${parameter.max}`;
      problems.push({ key: parameter.key, message: `must be from ${range}` });
    } else if (!hasDecimals(value, parameter.decimals)) {
      const kind =
        parameter.decimals === 0
          ? 'must be a whole number'
          : `must have at most ${parameter.decimals} decimal places`;
      problems.push({ key: parameter.key, message: kind });
    }
  }
  return problems;
}

/** Statuses of an alert: new until someone acknowledges it, resolved for good after. */
export const ALERT_STATUSES = ['new', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const ALERT_STATUS_LABELS: Record<AlertStatus, string> = {
  new: '新预警',
  acknowledged: '已确认',
  resolved: '已处理',
};

/**
 * Returns the status an alert moves to on `action`, or undefined when the action is not
 * allowed: a new alert may be acknowledged or resolved, an acknowledged one only resolved, and
 * a resolved alert does not change.
 */
export function nextAlertStatus(
  status: AlertStatus,
  action: 'acknowledge' | 'resolve',
): AlertStatus | undefined {
  if (action === 'acknowledge') return status === 'new' ? 'acknowledged' : undefined;
  return status === 'resolved' ? undefined : 'resolved';
}
