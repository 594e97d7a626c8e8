import { REGISTRATION_STATUS_LABELS, type RegistrationStatus } from '@cityleague/domain';
import { Tag } from 'antd-mobile';

const TAG_COLORS: Record<RegistrationStatus, string> = {
  open: 'success',
  not_open: 'primary',
  closed: 'default',
  full: 'warning',
};

/**
 * Shows the registration status, or 已结束 once the event is over, because 已截止 would hide
 * the plain fact that the event has ended.
 */
export function RegistrationStatusTag({
  status,
  ended = false,
}: {
  status: RegistrationStatus;
  ended?: boolean;
}) {
  return (
    <Tag className="status-tag" color={ended ? 'default' : TAG_COLORS[status]} fill="outline">
      {ended ? '已结束' : REGISTRATION_STATUS_LABELS[status]}
    </Tag>
  );
}
