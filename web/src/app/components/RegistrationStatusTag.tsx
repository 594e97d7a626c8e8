import { REGISTRATION_STATUS_LABELS, type RegistrationStatus } from '@cityleague/domain';
import { Tag } from 'antd-mobile';

const TAG_COLORS: Record<RegistrationStatus, string> = {
  open: 'success',
  not_open: 'primary',
  closed: 'default',
  full: 'warning',
};

export function RegistrationStatusTag({ status }: { status: RegistrationStatus }) {
  return (
    <Tag className="status-tag" color={TAG_COLORS[status]} fill="outline">
      {REGISTRATION_STATUS_LABELS[status]}
    </Tag>
  );
}
