import {
  NOTIFIED_CHANGE_FIELDS,
  changeNeedsReview,
  requiredFilingFields,
  type FilingField,
} from '@cityleague/domain';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App,
  Col,
  DatePicker,
  Divider,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Tag,
  Typography,
  type FormInstance,
} from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../../lib/api';
import { consoleErrorMessage } from '../../lib/messages';
import { buildChangePatch, changeFormValues, type ChangeFormValues } from '../change-patch';
import { requestChange, type EventChangePatch } from '../event-changes';
import { FILING_LIMITS } from '../filing/FilingFieldItem';
import { numberRule, parseNumberText } from '../number-rules';
import { useChildDivisions, useDistricts } from '../queries';
import { fieldLabel, isReviewedField } from '../review-text';
import { DATE_TIME_FORMAT } from '../time';
import type { ConsoleEvent } from '../types';
import { ChangeDiffTable } from './ChangeDiffTable';
import { REASON_MAX_LENGTH } from './ReasonModal';
import { useInvalidateEvent } from './ReviewActions';

// Chinese messages for the field error codes of the change check.
const FIELD_ERROR_MESSAGES: Record<string, string> = {
  in_future: '开始时间须晚于当前时间',
  after_start: '结束时间须晚于开始时间',
  after_open: '报名截止时间须晚于报名开始时间',
  before_start: '报名截止时间不能晚于赛事开始时间',
  before_2100: '时间须早于 2100 年 1 月 1 日',
  contract_mismatch: '与中标合同不一致',
  required: '此项必填',
  fixed: '审核通过后不能修改',
};

// Error codes that concern one form field when the server names no field.
const CODE_FIELDS: Record<string, keyof ChangeFormValues> = {
  EVT_CAPACITY_BELOW_ENTRIES: 'capacity',
  EVT_OUT_OF_SCOPE: 'district',
  DIV_UNKNOWN: 'district',
  DIV_INVALID_LEVEL: 'street',
  EVT_REASON_REQUIRED: 'reason',
};

/** Marks the form fields that a rejected change names. */
function showFieldErrors(error: unknown, form: FormInstance<ChangeFormValues>) {
  if (!(error instanceof ApiError)) return;
  const marks = new Map<string, string[]>();
  for (const fieldError of error.problem.errors ?? []) {
    const key = fieldError.field.replace(/^\/?(body[./])?(patch[./])?/, '').split(/[./[]/)[0];
    let field = key === 'feeCents' ? 'feeYuan' : key;
    if (key === 'divisionCode') field = form.getFieldValue('street') ? 'street' : 'district';
    if (!field) continue;
    const text = FIELD_ERROR_MESSAGES[fieldError.code] ?? '此项填写有误';
    marks.set(field, [...(marks.get(field) ?? []), text]);
  }
  const codeField = CODE_FIELDS[error.code];
  if (marks.size === 0 && codeField) marks.set(codeField, [consoleErrorMessage(error)]);
  form.setFields(
    [...marks].map(([name, errors]) => ({ name: name as keyof ChangeFormValues, errors })),
  );
}

/** Labels a form field, adding a 需审核 tag where a change goes to the reviewer. */
function label(field: FilingField, reviewed: boolean, text?: string): ReactNode {
  return (
    <span>
      {text ?? fieldLabel(field)}
      {reviewed && isReviewedField(field) && (
        <Tag color="orange" style={{ marginLeft: 6 }}>
          需审核
        </Tag>
      )}
    </span>
  );
}

/** Describes what happens to a change once it is sent, from its fields and the review route. */
function ChangeEffect(props: { event: ConsoleEvent; patch: EventChangePatch }) {
  const fields = Object.keys(props.patch) as FilingField[];
  if (fields.length === 0) {
    return <Alert type="info" showIcon title="还没有修改任何内容。" />;
  }
  const reviewed =
    props.event.reviewerAccountType !== null &&
    changeNeedsReview(fields, {
      before: props.event.capacity,
      after: props.patch.capacity ?? props.event.capacity,
    });
  const notified = fields.some((field) => NOTIFIED_CHANGE_FIELDS.includes(field));
  const entrants = props.event.registeredCount;
  return (
    <Alert
      type={reviewed ? 'warning' : 'success'}
      showIcon
      data-testid="change-effect"
      title={reviewed ? '本次变更需要审核' : '本次变更提交后立即生效'}
      description={
        <>
          {reviewed && '审核单位通过后才生效，审核期间赛事保持当前信息。'}
          {notified && entrants > 0 && `生效后将短信通知已报名的 ${entrants} 位市民。`}
        </>
      }
    />
  );
}

/**
 * 申请变更: the organiser changes an approved or published event. Level, section, sport and
 * contract stay fixed. Changes of time, place, rules or fewer places go to the reviewer,
 * and the rest apply at once. A reason is required either way.
 */
export function ChangeRequestModal(props: { event: ConsoleEvent; onClose: () => void }) {
  const { event } = props;
  const { message } = App.useApp();
  const invalidateEvent = useInvalidateEvent();
  const [form] = Form.useForm<ChangeFormValues>();
  const initialValues = useMemo(() => changeFormValues(event), [event]);
  const values = Form.useWatch([], form) as ChangeFormValues | undefined;
  const [placeTouched, setPlaceTouched] = useState(false);
  const patch = values ? buildChangePatch(event, values, placeTouched) : {};

  const districts = useDistricts();
  const district = Form.useWatch('district', form);
  const streets = useChildDivisions(district);
  const required = new Set<string>(requiredFilingFields(event.form));
  const full = event.form === 'full';
  const streetRequired = event.level === 'street' || event.level === 'community';
  const reviewed = event.reviewerAccountType !== null;

  const send = useMutation({
    mutationFn: (input: { patch: EventChangePatch; reason: string }) =>
      requestChange(event.id, input.patch, input.reason),
    onSuccess: async (updated) => {
      message.success(updated.pendingChange ? '变更已提交，等待审核单位审核' : '变更已生效');
      props.onClose();
      await invalidateEvent(event.id);
    },
    onError: (error) => {
      showFieldErrors(error, form);
      message.error(consoleErrorMessage(error));
    },
  });

  async function handleOk() {
    const checked = await form.validateFields();
    const changes = buildChangePatch(event, checked, placeTouched);
    if (Object.keys(changes).length === 0) {
      message.warning('没有修改任何内容');
      return;
    }
    send.mutate({ patch: changes, reason: (checked.reason ?? '').trim() });
  }

  // Only text gets the whitespace check. A rule with any key beyond required and message is
  // checked as a string by async-validator, which would reject dates and numbers.
  const rule = (field: string, text = true) => {
    if (!required.has(field)) return [];
    return [
      text
        ? { required: true, whitespace: true, message: '此项必填' }
        : { required: true, message: '此项必填' },
    ];
  };
  const time = (field: 'startsAt' | 'endsAt' | 'registrationOpensAt' | 'registrationClosesAt') => (
    <Col xs={24} sm={12}>
      <Form.Item name={field} label={label(field, reviewed)} rules={rule(field, false)}>
        <DatePicker
          showTime={{ format: 'HH:mm' }}
          format={DATE_TIME_FORMAT}
          style={{ width: '100%' }}
        />
      </Form.Item>
    </Col>
  );
  const text = (field: FilingField, rows?: number) => (
    <Col xs={24} sm={rows ? 24 : 12}>
      <Form.Item name={field} label={label(field, reviewed)} rules={rule(field)}>
        {rows ? <Input.TextArea rows={rows} /> : <Input />}
      </Form.Item>
    </Col>
  );

  return (
    <Modal
      title={`申请变更：${event.name}`}
      open
      width={760}
      okText="提交变更"
      cancelText="取消"
      okButtonProps={{ loading: send.isPending }}
      onOk={() => void handleOk().catch(() => undefined)}
      onCancel={props.onClose}
      destroyOnHidden
      data-testid="change-modal"
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="哪些变更需要审核"
        description={
          reviewed
            ? '修改比赛时间、举办地区、场地、详细地址、竞赛规程、安全预案，或减少报名名额，须经审核单位通过后生效；其他修改提交后立即生效。赛事级别、板块、运动项目和中标合同不能变更。'
            : '本赛事无需审核，变更提交后立即生效。赛事级别、板块、运动项目和中标合同不能变更。'
        }
      />
      <Form<ChangeFormValues>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onValuesChange={(changed) => {
          if ('district' in changed || 'street' in changed) setPlaceTouched(true);
        }}
        name={`change-${event.id}`}
      >
        <Divider titlePlacement="start">时间地点</Divider>
        <Row gutter={16}>
          {text('name')}
          <Col xs={24} sm={12}>
            <Form.Item
              name="district"
              label={label('divisionCode', reviewed, '所在区')}
              rules={[{ required: true, message: '请选择所在区' }]}
            >
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                options={(districts.data ?? []).map((d) => ({ value: d.code, label: d.name }))}
                onChange={() => form.setFieldValue('street', undefined)}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="street"
              label={label('divisionCode', reviewed, '街镇')}
              rules={streetRequired ? [{ required: true, message: '请选择街镇' }] : []}
            >
              <Select
                allowClear={!streetRequired}
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={streetRequired ? '请选择' : '全区（不选街镇）'}
                options={(streets.data ?? [])
                  .filter((s) => s.level === 'street')
                  .map((s) => ({ value: s.code, label: s.name }))}
              />
            </Form.Item>
          </Col>
          {text('venue')}
          {full && text('address')}
          {time('startsAt')}
          {time('endsAt')}
        </Row>
        <Divider titlePlacement="start">报名设置</Divider>
        <Row gutter={16}>
          {time('registrationOpensAt')}
          {time('registrationClosesAt')}
          <Col xs={24} sm={12}>
            <Form.Item
              name="capacity"
              label={label('capacity', false)}
              extra={reviewed ? '减少名额需要审核，增加名额立即生效' : undefined}
              validateFirst
              rules={[
                { required: true, message: '请填写报名名额' },
                numberRule({ label: '报名名额', min: 1, max: FILING_LIMITS.capacity, unit: '人' }),
                {
                  type: 'number',
                  min: Math.max(1, event.registeredCount),
                  message: `名额不能少于已报名人数（${event.registeredCount}）`,
                },
              ]}
            >
              <InputNumber parser={parseNumberText} style={{ width: '100%' }} suffix="人" />
            </Form.Item>
          </Col>
          {full && (
            <>
              <Col xs={24} sm={12}>
                <Form.Item
                  name="feeYuan"
                  label={label('feeCents', false)}
                  rules={[
                    ...rule('feeCents', false),
                    numberRule({
                      label: '报名费',
                      min: 0,
                      max: FILING_LIMITS.feeYuan,
                      decimals: 2,
                      unit: '元',
                    }),
                  ]}
                >
                  <InputNumber parser={parseNumberText} style={{ width: '100%' }} suffix="元" />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item
                  name="expectedParticipants"
                  label={label('expectedParticipants', false)}
                  rules={[
                    ...rule('expectedParticipants', false),
                    numberRule({
                      label: '预计参与人数',
                      min: 1,
                      max: FILING_LIMITS.expectedParticipants,
                      unit: '人',
                    }),
                  ]}
                >
                  <InputNumber parser={parseNumberText} style={{ width: '100%' }} suffix="人" />
                </Form.Item>
              </Col>
            </>
          )}
        </Row>
        <Divider titlePlacement="start">办赛单位</Divider>
        <Row gutter={16}>
          {text('host')}
          {full && text('organiser')}
          {full && (
            <Col xs={24}>
              <Form.Item name="coOrganisers" label={fieldLabel('coOrganisers')}>
                <Select mode="tags" open={false} placeholder="输入单位名称后按回车" />
              </Form.Item>
            </Col>
          )}
          {full && text('contactName')}
          {full && text('contactPhone')}
        </Row>
        <Divider titlePlacement="start">规程与保障</Divider>
        <Row gutter={16}>
          {text('rules', 4)}
          {full && text('safetyPlan', 3)}
          {full && text('medicalCover', 2)}
          {full && text('insurance', 2)}
          {text('description', 3)}
        </Row>
        <Divider titlePlacement="start">变更内容</Divider>
        <ChangeEffect event={event} patch={patch} />
        {Object.keys(patch).length > 0 && (
          <div style={{ marginTop: 12 }}>
            <ChangeDiffTable
              fields={Object.keys(patch)}
              before={event as unknown as Record<string, unknown>}
              after={patch as Record<string, unknown>}
              markReviewed={reviewed}
            />
          </div>
        )}
        <Form.Item
          name="reason"
          label="变更原因"
          style={{ marginTop: 16 }}
          rules={[
            { required: true, whitespace: true, message: '请填写变更原因' },
            { max: REASON_MAX_LENGTH, message: `变更原因不能超过 ${REASON_MAX_LENGTH} 字` },
          ]}
          extra={
            <Typography.Text type="secondary">审核单位和赛事记录中会显示这段说明。</Typography.Text>
          }
        >
          <Input.TextArea rows={3} showCount maxLength={REASON_MAX_LENGTH} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
