import { FIELD_TYPE_LABELS } from '@cityleague/domain';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { fetchEventForm, formQueryKeys } from '../registration-forms';

const ID_RULE_TEXT = { hidden: '不收集', optional: '选填', required: '必填' } as const;

/** Summarises an event's registration form and links to its builder. */
export function RegistrationFormCard({ eventId }: { eventId: string }) {
  const query = useQuery({
    queryKey: formQueryKeys.form(eventId),
    queryFn: () => fetchEventForm(eventId),
  });
  const data = query.data;
  return (
    <Card
      title="报名表单"
      size="small"
      loading={query.isPending}
      extra={
        <Link to={`/events/${eventId}/form`}>
          <Button size="small" type={data?.canChangeForm ? 'primary' : 'default'}>
            {data?.canChangeForm ? '编辑报名表单' : '查看报名表单'}
          </Button>
        </Link>
      }
    >
      {data && (
        <>
          <Typography.Paragraph style={{ marginBottom: 4 }}>
            姓名、手机号码必填；身份证号{ID_RULE_TEXT[data.form.idNumber]}
          </Typography.Paragraph>
          <Typography.Paragraph style={{ marginBottom: 4 }}>
            {data.form.fields.length === 0
              ? '无自定义字段'
              : data.form.fields
                  .map((field) => `${field.label}（${FIELD_TYPE_LABELS[field.type]}）`)
                  .join('、')}
          </Typography.Paragraph>
          <Typography.Text type="secondary">
            {data.safetyNotice
              ? `安全和保险提示：第 ${data.safetyNotice.version} 版`
              : '尚未设置安全和保险提示'}
          </Typography.Text>
        </>
      )}
    </Card>
  );
}
