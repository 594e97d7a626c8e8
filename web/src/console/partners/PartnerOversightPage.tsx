import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { formatTime } from '../time';
import { fetchOversight, type PartnerOversight } from './api';

/** Rates a partner's webhook health from the last 24 hours' deliveries and attempts. */
function webhookHealth(row: PartnerOversight): { text: string; colour: string } {
  const hooks = row.webhooks;
  if (hooks.endpointsActive === 0 && hooks.endpointsDisabled === 0) {
    return { text: '未配置', colour: 'default' };
  }
  if (hooks.abandoned24h > 0 || hooks.endpointsDisabled > 0) return { text: '异常', colour: 'red' };
  if (hooks.failedAttempts24h > 0 || hooks.pending > 0) return { text: '有重试', colour: 'orange' };
  return { text: '正常', colour: 'green' };
}

/** Shows the regulator's view across every partner platform. */
export function PartnerOversightPage() {
  const oversight = useQuery({ queryKey: ['partner-oversight'], queryFn: fetchOversight });
  const columns: TableColumnsType<PartnerOversight> = [
    {
      title: '平台',
      dataIndex: 'name',
      width: 200,
      fixed: 'left',
      render: (name: string, row) => (
        <>
          {name} {row.status === 'suspended' && <Tag color="red">暂停</Tag>}
        </>
      ),
    },
    {
      title: '已发布/全部赛事',
      key: 'events',
      width: 150,
      align: 'right',
      render: (_: unknown, row) => `${row.events.published} / ${row.events.total}`,
    },
    {
      title: '有效报名',
      key: 'live',
      width: 100,
      align: 'right',
      render: (_: unknown, row) => row.registrations.live,
    },
    {
      title: '平台报送',
      key: 'pushed',
      width: 100,
      align: 'right',
      render: (_: unknown, row) => row.registrations.pushed,
    },
    {
      title: '回调状况',
      key: 'health',
      width: 100,
      render: (_: unknown, row) => {
        const health = webhookHealth(row);
        return <Tag color={health.colour}>{health.text}</Tag>;
      },
    },
    {
      title: '24 小时送达',
      key: 'delivered',
      width: 110,
      align: 'right',
      render: (_: unknown, row) => row.webhooks.delivered24h,
    },
    {
      title: '24 小时失败',
      key: 'failed',
      width: 120,
      align: 'right',
      render: (_: unknown, row) => row.webhooks.failedAttempts24h,
    },
    {
      title: '待重试',
      key: 'pending',
      width: 90,
      align: 'right',
      render: (_: unknown, row) => row.webhooks.pending,
    },
    {
      title: '24 小时放弃',
      key: 'abandoned',
      width: 110,
      align: 'right',
      render: (_: unknown, row) => row.webhooks.abandoned24h,
    },
    {
      title: '最近送达',
      key: 'last',
      width: 150,
      render: (_: unknown, row) => formatTime(row.webhooks.lastDeliveredAt),
    },
    {
      title: '7 天重复报名',
      dataIndex: 'duplicates7d',
      width: 120,
      align: 'right',
    },
  ];
  return (
    <>
      <PageTitle title="合作平台监管" />
      <Card>
        <Typography.Paragraph type="secondary">
          各合作平台的赛事、报名、回调推送和跨渠道重复报名情况。数据实时统计，回调与失败按最近 24
          小时计。
        </Typography.Paragraph>
        {oversight.isError && (
          <Alert type="error" showIcon title={consoleErrorMessage(oversight.error)} />
        )}
        <Table<PartnerOversight>
          rowKey="id"
          columns={columns}
          dataSource={oversight.data?.items ?? []}
          loading={oversight.isPending}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: '还没有接入的合作平台' }}
        />
      </Card>
    </>
  );
}
