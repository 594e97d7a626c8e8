import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Input, Modal, Table, Tag, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { cancelTeam, fetchTeams } from '../endpoints';
import { queryKeys } from '../queries';
import { formatTime } from '../time';
import type { Team, TeamMember } from '../types';

const TEAM_STATUS: Record<Team['status'], { label: string; color?: string }> = {
  active: { label: '有效', color: 'blue' },
  waiting: { label: '候补', color: 'orange' },
  cancelled: { label: '已取消' },
};

const memberColumns: TableColumnsType<TeamMember> = [
  { title: '姓名', dataIndex: 'name', key: 'name', width: 120 },
  { title: '手机号', dataIndex: 'phoneMasked', key: 'phone', width: 140 },
  {
    title: '身份证号',
    dataIndex: 'idMasked',
    key: 'id',
    width: 200,
    render: (idMasked: string | null) => idMasked ?? '未填写',
  },
  {
    title: '报名码',
    dataIndex: 'code',
    key: 'code',
    width: 140,
    render: (code: string | null) => (code ? <span className="console-code">{code}</span> : '-'),
  },
  {
    title: '签到时间',
    dataIndex: 'checkedInAt',
    key: 'checkedInAt',
    width: 150,
    render: (checkedInAt: string | null) =>
      checkedInAt ? <Tag color="success">{formatTime(checkedInAt)}</Tag> : <Tag>未签到</Tag>,
  },
];

/**
 * Lists an event's team entries, each expandable to its members, with the organiser's
 * cancellation of a whole team. Renders nothing for an event without teams.
 */
export function TeamsCard({ eventId }: { eventId: string }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [cancelling, setCancelling] = useState<Team>();
  const [reason, setReason] = useState('');
  const teams = useInfiniteQuery({
    queryKey: queryKeys.teams(eventId),
    queryFn: ({ pageParam }) => fetchTeams(eventId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const cancel = useMutation({
    mutationFn: (input: { team: Team; reason: string }) =>
      cancelTeam(eventId, input.team.id, input.reason),
    onSuccess: (result) => {
      message.success(`已取消整队报名，释放 ${result.released} 个名额`);
      setCancelling(undefined);
      setReason('');
      void queryClient.invalidateQueries({ queryKey: queryKeys.registrations(eventId) });
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  const rows = (teams.data?.pages ?? []).flatMap((page) => page.items);
  if (teams.isSuccess && rows.length === 0) return null;

  const columns: TableColumnsType<Team> = [
    { title: '队名', dataIndex: 'name', key: 'name', width: 160 },
    { title: '组别', dataIndex: 'groupName', key: 'group', width: 120 },
    { title: '人数', dataIndex: 'size', key: 'size', width: 70 },
    {
      title: '状态',
      key: 'status',
      width: 110,
      render: (_value, team) => (
        <Tag color={TEAM_STATUS[team.status].color}>
          {TEAM_STATUS[team.status].label}
          {team.queuePosition !== null ? ` 第${team.queuePosition}位` : ''}
        </Tag>
      ),
    },
    {
      title: '报名时间',
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 150,
      render: (createdAt: string) => formatTime(createdAt),
    },
    {
      title: '操作',
      key: 'actions',
      width: 100,
      render: (_value, team) =>
        team.status === 'cancelled' ? null : (
          <Button type="link" danger size="small" onClick={() => setCancelling(team)}>
            取消整队
          </Button>
        ),
    },
  ];

  return (
    <Card title="团队报名" className="console-teams" style={{ marginTop: 16 }}>
      <Table<Team>
        rowKey="id"
        columns={columns}
        dataSource={rows}
        loading={teams.isPending}
        pagination={false}
        scroll={{ x: 720 }}
        expandable={{
          // Members are always shown: the rows load after mount, when defaultExpandAllRows
          // no longer applies.
          expandedRowKeys: rows.map((team) => team.id),
          showExpandColumn: false,
          expandedRowRender: (team) => (
            <Table<TeamMember>
              rowKey="id"
              size="small"
              columns={memberColumns}
              dataSource={team.members}
              pagination={false}
              aria-label={`${team.name}的队员`}
            />
          ),
        }}
      />
      {teams.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button loading={teams.isFetchingNextPage} onClick={() => void teams.fetchNextPage()}>
            加载更多队伍
          </Button>
        </div>
      )}
      <Modal
        open={cancelling !== undefined}
        title={cancelling ? `取消「${cancelling.name}」的整队报名` : ''}
        okText="取消整队报名"
        okButtonProps={{ danger: true, disabled: reason.trim() === '', loading: cancel.isPending }}
        cancelText="返回"
        onCancel={() => setCancelling(undefined)}
        onOk={() => cancelling && cancel.mutate({ team: cancelling, reason: reason.trim() })}
      >
        <p>全部队员的报名将被取消并收到短信通知，释放的名额按候补顺序递补。</p>
        <Input.TextArea
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          placeholder="请填写取消原因"
          maxLength={500}
          rows={3}
          aria-label="取消原因"
        />
      </Modal>
    </Card>
  );
}
