import {
  EVENT_LEVEL_LABELS,
  REGISTRATION_STATUS_LABELS,
  SECTION_LABELS,
  requiredFilingFields,
  type FilingField,
} from '@cityleague/domain';
import { Card, Descriptions, Tag, Typography, type DescriptionsProps } from 'antd';
import type { ReactNode } from 'react';
import { eventPlace, reviewerName } from '../format';
import { useDistricts } from '../queries';
import { fieldLabel } from '../review-text';
import { formatTime } from '../time';
import type { ConsoleEvent, Division } from '../types';
import { EventStateTag } from './EventStateTag';
import { FilingValue } from './FilingValue';

type Item = NonNullable<DescriptionsProps['items']>[number];

interface Group {
  title: string;
  items: Item[];
}

/**
 * Shows a detail of the filing, marking a required one that a draft still lacks. The short
 * form leaves out the full form's extra details unless the filer gave them anyway.
 */
function detail(
  event: ConsoleEvent,
  field: FilingField,
  options: { label?: string; span?: Item['span']; children?: ReactNode } = {},
): Item[] {
  const value = (event as unknown as Record<string, unknown>)[field];
  const missing = event.missingFields.includes(field);
  const empty =
    value === null ||
    value === undefined ||
    value === '' ||
    (Array.isArray(value) && value.length === 0);
  const required = requiredFilingFields(event.form).includes(field);
  if (event.form === 'short' && !required && empty) return [];
  return [
    {
      key: field,
      label: options.label ?? fieldLabel(field),
      span: options.span,
      children: missing ? (
        <Typography.Text type="danger">未填写（必填）</Typography.Text>
      ) : (
        (options.children ?? <FilingValue field={field} value={value} />)
      ),
    },
  ];
}

function timeRange(from: string | null, to: string | null): string {
  if (!from && !to) return '-';
  return `${formatTime(from)} 至 ${formatTime(to)}`;
}

function groups(event: ConsoleEvent, districts: readonly Division[] | undefined): Group[] {
  const places =
    event.capacity === null
      ? undefined
      : `已报 ${event.registeredCount} / 共 ${event.capacity}（剩余 ${event.placesLeft ?? 0}）`;
  const all: Group[] = [
    {
      title: '基本信息',
      items: [
        { key: 'name', label: '赛事名称', children: event.name, span: 'filled' },
        { key: 'state', label: '状态', children: <EventStateTag state={event.state} /> },
        { key: 'level', label: '赛事级别', children: EVENT_LEVEL_LABELS[event.level] },
        { key: 'section', label: '板块', children: SECTION_LABELS[event.section] },
        ...detail(event, 'sport', { children: event.sportName }),
        ...(event.contractId ? [{ key: 'contract', label: '中标合同', children: '已关联' }] : []),
        ...detail(event, 'description', { span: 'filled' }),
      ],
    },
    {
      title: '时间地点',
      items: [
        ...detail(event, 'divisionCode', { children: event.divisionCode && eventPlace(event) }),
        ...detail(event, 'venue'),
        ...detail(event, 'address', { span: 'filled' }),
        ...detail(event, 'startsAt', {
          label: '比赛时间',
          span: 'filled',
          children: timeRange(event.startsAt, event.endsAt),
        }),
      ],
    },
    {
      title: '报名设置',
      items: [
        ...detail(event, 'registrationOpensAt', {
          label: '报名时间',
          span: 'filled',
          children: timeRange(event.registrationOpensAt, event.registrationClosesAt),
        }),
        ...detail(event, 'capacity', { children: places }),
        ...detail(event, 'feeCents'),
        ...detail(event, 'expectedParticipants'),
        ...(event.state === 'published' && event.registrationStatus
          ? [
              {
                key: 'registrationStatus',
                label: '报名状态',
                children: REGISTRATION_STATUS_LABELS[event.registrationStatus],
              },
            ]
          : []),
      ],
    },
    {
      title: '办赛单位',
      items: [
        { key: 'organiserName', label: '办赛主体', children: event.organiserName },
        ...detail(event, 'host'),
        ...detail(event, 'organiser'),
        ...detail(event, 'coOrganisers'),
        ...detail(event, 'contactName'),
        ...detail(event, 'contactPhone'),
      ],
    },
    {
      title: '规程与保障',
      items: [
        ...detail(event, 'rules', { span: 'filled' }),
        ...detail(event, 'safetyPlan', { span: 'filled' }),
        ...detail(event, 'medicalCover', { span: 'filled' }),
        ...detail(event, 'insurance', { span: 'filled' }),
      ],
    },
    {
      title: '审核与办理',
      items: [
        {
          key: 'reviewer',
          label: '审核单位',
          children:
            reviewerName(event, districts) ??
            (event.divisionCode === null ? '填写举办地区后确定' : '无需审核（提交即通过）'),
        },
        { key: 'createdAt', label: '创建时间', children: formatTime(event.createdAt) },
        { key: 'updatedAt', label: '最近修改', children: formatTime(event.updatedAt) },
        { key: 'submittedAt', label: '提交时间', children: formatTime(event.submittedAt) },
        { key: 'approvedAt', label: '通过时间', children: formatTime(event.approvedAt) },
        { key: 'publishedAt', label: '发布时间', children: formatTime(event.publishedAt) },
        ...(event.cancelledAt
          ? [{ key: 'cancelledAt', label: '取消时间', children: formatTime(event.cancelledAt) }]
          : []),
      ],
    },
  ];
  return all.filter((group) => group.items.length > 0);
}

/** Shows every detail of a filing, grouped as the filing form groups them. */
export function EventFilingDetails({ event }: { event: ConsoleEvent }) {
  const districts = useDistricts();
  const missing = event.missingFields;
  return (
    <Card
      title="赛事信息"
      extra={event.form === 'short' ? <Tag>简易填报</Tag> : <Tag>完整填报</Tag>}
      data-testid="event-details"
    >
      {missing.length > 0 && (event.state === 'draft' || event.state === 'returned') && (
        <Typography.Paragraph type="danger">
          提交前还需填写 {missing.length} 项：{missing.map(fieldLabel).join('、')}
        </Typography.Paragraph>
      )}
      {groups(event, districts.data).map((group) => (
        <Descriptions
          key={group.title}
          title={group.title}
          items={group.items}
          column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 3 }}
          size="small"
          bordered
          className="console-detail-group"
          styles={{ label: { whiteSpace: 'nowrap', width: 112 } }}
        />
      ))}
    </Card>
  );
}
