import { ArrowLeftOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Popconfirm,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  type TableColumnsType,
} from 'antd';
import { RESULT_STATUS_LABELS } from '@cityleague/domain';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { CertificateDesignCard } from '../components/CertificateDesignCard';
import { EventLoadError } from '../components/EventLoadError';
import { EventStateTag } from '../components/EventStateTag';
import { PageTitle } from '../components/PageTitle';
import { ResultEditModal } from '../components/ResultEditModal';
import { ResultImportCard } from '../components/ResultImportCard';
import { fetchConsoleEvent } from '../endpoints';
import { queryKeys } from '../queries';
import { deleteResult, fetchResults, publishResults, type ResultEntry } from '../results';
import { formatTime } from '../time';

const STATUS_COLOURS = { finished: 'green', dnf: 'orange', dsq: 'red' } as const;

/**
 * Renders the organiser's results page of one event: import from Excel with a dry run, entry and
 * correction per entrant, publication, and the certificate design.
 */
export function ResultsPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [groupId, setGroupId] = useState<string | null>(null);
  const [editing, setEditing] = useState<ResultEntry | null>(null);
  const [publishing, setPublishing] = useState(false);
  const event = useQuery({
    queryKey: queryKeys.consoleEvent(id),
    queryFn: () => fetchConsoleEvent(id),
  });
  const results = useInfiniteQuery({
    queryKey: ['results', id, groupId],
    queryFn: ({ pageParam }) => fetchResults(id, groupId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

  const pages = results.data?.pages ?? [];
  const rows = pages.flatMap((page) => page.items);
  const latest = pages[pages.length - 1];
  const published = event.data?.state === 'published';
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['results', id] });

  async function publish() {
    setPublishing(true);
    try {
      const outcome = await publishResults(id);
      message.success(
        outcome.alreadyPublished
          ? '成绩此前已发布'
          : `成绩已发布，将短信通知 ${outcome.results} 人`,
      );
      refresh();
    } catch (error) {
      message.error(consoleErrorMessage(error));
    } finally {
      setPublishing(false);
    }
  }

  async function remove(entry: ResultEntry) {
    try {
      await deleteResult(id, entry.registrationId);
      message.success('成绩已删除');
      refresh();
    } catch (error) {
      message.error(consoleErrorMessage(error));
    }
  }

  const columns: TableColumnsType<ResultEntry> = [
    {
      title: '报名码',
      dataIndex: 'code',
      width: 130,
      render: (code: string) => <span className="console-code">{code}</span>,
    },
    { title: '姓名', dataIndex: 'name', width: 120 },
    { title: '组别', dataIndex: 'groupName', width: 120 },
    {
      title: '成绩',
      key: 'result',
      render: (_: unknown, entry) =>
        entry.result ? (
          <Space size={4}>
            <Tag color={STATUS_COLOURS[entry.result.status]}>
              {RESULT_STATUS_LABELS[entry.result.status]}
            </Tag>
            {/* The text of a DNF or DSQ result is the status label that the tag shows. */}
            {entry.result.status === 'finished' && entry.result.text}
          </Space>
        ) : (
          <Tag>未录入</Tag>
        ),
    },
    {
      title: '证书验证码',
      dataIndex: 'certificateCode',
      width: 150,
      render: (code: string | null) =>
        code ? <span className="console-code">{code}</span> : <span aria-label="无">—</span>,
    },
    {
      title: '操作',
      key: 'actions',
      width: 140,
      fixed: 'right',
      render: (_: unknown, entry) => (
        <Space size={0}>
          <Button type="link" size="small" disabled={!published} onClick={() => setEditing(entry)}>
            {entry.result ? '修改' : '录入'}
          </Button>
          {entry.result && (
            <Popconfirm
              title="删除这条成绩？"
              description="已发放的证书将失效。"
              okText="删除"
              cancelText="取消"
              onConfirm={() => remove(entry)}
            >
              <Button type="link" size="small" danger disabled={!published}>
                删除
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const title = (
    <PageTitle
      title={
        <>
          成绩与证书{event.data ? `：${event.data.name} ` : ''}
          {event.data && <EventStateTag state={event.data.state} />}
        </>
      }
      extra={
        event.isSuccess && (
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(`/events/${id}`)}>
            返回赛事详情
          </Button>
        )
      }
    />
  );

  if (results.isError) {
    return (
      <>
        {title}
        <EventLoadError
          error={results.error}
          title="无权查看成绩"
          onRetry={() => void results.refetch()}
        />
      </>
    );
  }

  const counts = latest?.counts;
  return (
    <>
      {title}
      {event.data && !published && (
        <Alert
          type="warning"
          showIcon
          title="赛事尚未发布或已取消，不能录入或导入成绩"
          style={{ marginBottom: 16 }}
        />
      )}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="有效报名" value={counts?.entries ?? 0} loading={results.isPending} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="已录成绩" value={counts?.results ?? 0} loading={results.isPending} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title="完赛人数"
              value={counts?.finishers ?? 0}
              loading={results.isPending}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title="发布状态"
              value={latest?.publishedAt ? `已发布` : '未发布'}
              loading={results.isPending}
            />
            {latest?.publishedAt && (
              <div className="console-muted">{formatTime(latest.publishedAt)}</div>
            )}
          </Card>
        </Col>
      </Row>
      {published && (
        <ResultImportCard
          eventId={id}
          onCommitted={() => {
            refresh();
          }}
        />
      )}
      <Card
        title="成绩名单"
        style={{ marginBottom: 16 }}
        extra={
          <Space wrap>
            <Select
              value={groupId ?? ''}
              onChange={(value: string) => setGroupId(value === '' ? null : value)}
              options={[
                { value: '', label: '全部组别' },
                ...(latest?.groups ?? []).map((group) => ({ value: group.id, label: group.name })),
              ]}
              style={{ width: 140 }}
              aria-label="组别"
            />
            {!latest?.publishedAt && (
              <Popconfirm
                title="发布成绩？"
                description="发布后成绩公开，有成绩的报名人各收到一条短信，完赛者获得电子证书。"
                okText="发布"
                cancelText="取消"
                onConfirm={() => publish()}
                disabled={!published || (counts?.results ?? 0) === 0}
              >
                <Button
                  type="primary"
                  loading={publishing}
                  disabled={!published || (counts?.results ?? 0) === 0}
                >
                  发布成绩
                </Button>
              </Popconfirm>
            )}
          </Space>
        }
      >
        <Table<ResultEntry>
          rowKey="registrationId"
          columns={columns}
          dataSource={rows}
          loading={results.isPending}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: '暂无有效报名' }}
        />
        {results.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button
              loading={results.isFetchingNextPage}
              onClick={() => void results.fetchNextPage()}
            >
              加载更多
            </Button>
          </div>
        )}
      </Card>
      <CertificateDesignCard eventId={id} editable={published} />
      <ResultEditModal
        eventId={id}
        entry={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          refresh();
        }}
      />
    </>
  );
}
