import type { AlertRuleCode, AlertStatus } from '@cityleague/domain';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';
import type { Me } from './types';

/** An anomaly alert as the console lists it. */
export interface AlertItem {
  id: string;
  rule: AlertRuleCode;
  ruleLabel: string;
  subject: { type: string; id: string; label: string };
  eventId: string | null;
  district: { code: string; name: string } | null;
  detail: Record<string, unknown>;
  status: AlertStatus;
  firstSeenAt: string;
  lastSeenAt: string;
  acknowledged: { by: string; at: string } | null;
  resolved: { by: string; at: string; note: string | null } | null;
  unread: boolean;
}

export interface AlertRuleSetting {
  code: AlertRuleCode;
  label: string;
  description: string;
  audience: 'administrators' | 'operator';
  enabled: boolean;
  updatedAt: string;
  parameters: {
    key: string;
    label: string;
    unit: string;
    min: number;
    max: number;
    default: number;
    /** Decimal places allowed; 0 for a whole number. */
    decimals: number;
    value: number;
  }[];
}

/** Returns the prefix of the reader's alert routes: the operator's own, or the administrators'. */
export function alertsPath(operator: boolean): string {
  return operator ? '/api/operator/alerts' : '/api/alerts';
}

export const fetchAlerts = (operator: boolean, status: AlertStatus | undefined) =>
  api<{ items: AlertItem[]; nextCursor: string | null; unread: number }>(
    alertsPath(operator) + (status ? `?status=${status}` : ''),
  );

/** Query key of the unread alert count. It starts with 'alerts', so refreshing alerts refreshes it. */
export const UNREAD_ALERTS_KEY = ['alerts', 'unread'] as const;

export const fetchUnreadAlerts = (operator: boolean) =>
  api<{ unread: number }>(`${alertsPath(operator)}/notifications/unread`);

export const markAlertsRead = (operator: boolean) =>
  api<{ marked: number }>(`${alertsPath(operator)}/notifications/read`, { method: 'POST' });

export const acknowledgeAlert = (operator: boolean, id: string) =>
  api<AlertItem>(`${alertsPath(operator)}/${encodeURIComponent(id)}/acknowledge`, {
    method: 'POST',
  });

export const resolveAlert = (operator: boolean, id: string, note: string) =>
  api<AlertItem>(`${alertsPath(operator)}/${encodeURIComponent(id)}/resolve`, {
    method: 'POST',
    body: note ? { note } : {},
  });

export const evaluateAlertsNow = () =>
  api<{ opened: number; refreshed: number; settled: number }>('/api/operator/alerts/evaluate', {
    method: 'POST',
  });

export const fetchAlertRules = () =>
  api<{ items: AlertRuleSetting[] }>('/api/operator/alert-rules');

export const saveAlertRule = (
  code: string,
  input: { enabled: boolean; parameters: Record<string, number> },
) =>
  api<AlertRuleSetting>(`/api/operator/alert-rules/${encodeURIComponent(code)}`, {
    method: 'PUT',
    body: input,
  });

function numberOf(detail: Record<string, unknown>, key: string): string {
  const value = detail[key];
  return typeof value === 'number' ? String(value) : '-';
}

/** Describes in Chinese the figures that made an alert fire. */
export function alertDetailText(alert: Pick<AlertItem, 'rule' | 'detail'>): string {
  const d = alert.detail;
  const n = (key: string) => numberOf(d, key);
  switch (alert.rule) {
    case 'event_registration_spike':
    case 'partner_registration_spike':
      return `近 ${n('windowHours')} 小时报名 ${n('registrations')} 人，此前每 ${n('windowHours')} 小时平均 ${n('usualPerWindow')} 人`;
    case 'review_overdue':
      return `已等待审核 ${n('daysWaiting')} 天，超过 ${n('days')} 天`;
    case 'low_check_in_rate':
      return `报名 ${n('registrations')} 人，签到 ${n('checkIns')} 人，签到率 ${n('checkInRate')}%，低于 ${n('ratePercent')}%`;
    case 'overlapping_registrations': {
      const events = Array.isArray(d.events) ? (d.events as { name?: string }[]) : [];
      return `报名了 ${events.length} 场时间重叠的赛事：${events.map((e) => e.name ?? '').join('、')}`;
    }
    case 'sms_failure_rate':
      return `近 ${n('windowMinutes')} 分钟尝试发送 ${n('attempted')} 条，失败 ${n('failed')} 条，失败率 ${n('failureRate')}%`;
    case 'sign_in_failures_by_ip':
      return `近 ${n('windowMinutes')} 分钟登录失败 ${n('failures')} 次，涉及 ${n('usernames')} 个用户名`;
    default:
      return JSON.stringify(d);
  }
}

const UNREAD_POLL_MS = 60_000;

/**
 * Returns the signed-in user's unread alert count for the header and the menu, polled every
 * minute. Accounts without the 异常预警 menu get 0.
 */
export function useUnreadAlerts(me: Me): number {
  const enabled = me.menus.includes('alerts') && !me.mustChangePassword;
  const unread = useQuery({
    queryKey: UNREAD_ALERTS_KEY,
    queryFn: () => fetchUnreadAlerts(me.user.accountType === 'operator'),
    enabled,
    refetchInterval: UNREAD_POLL_MS,
  });
  return enabled ? (unread.data?.unread ?? 0) : 0;
}
