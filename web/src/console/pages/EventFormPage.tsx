import {
  EVENT_LEVEL_LABELS,
  isEditable,
  SECTION_LABELS,
  type EventLevel,
  type Section,
} from '@cityleague/domain';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  ConfigProvider,
  DatePicker,
  Form,
  Grid,
  Input,
  InputNumber,
  Result,
  Row,
  Select,
  Skeleton,
  Typography,
  type DatePickerProps,
  type FormInstance,
  type ThemeConfig,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { ERROR_MESSAGES, consoleErrorMessage } from '../../lib/messages';
import { EventLoadError } from '../components/EventLoadError';
import { EventStateTag } from '../components/EventStateTag';
import { PageTitle } from '../components/PageTitle';
import { useInvalidateEvent } from '../components/ReviewActions';
import {
  createEvent,
  fetchConsoleEvent,
  fetchOwnContracts,
  submitEvent,
  updateEvent,
} from '../endpoints';
import {
  queryKeys,
  useChildDivisions,
  useDistricts,
  useDivision,
  useMe,
  useSports,
} from '../queries';
import { DATE_TIME_FORMAT, isoToPickerValue, pickerValueToIso } from '../time';
import type { ConsoleEventDetail, Contract, Division, EventInput, Me } from '../types';

interface EventFormValues {
  contractId?: string;
  name: string;
  sport: string;
  level: EventLevel;
  section: Section;
  district: string;
  street?: string;
  venue: string;
  startsAt: Dayjs;
  endsAt: Dayjs;
  capacity: number;
  registrationOpensAt: Dayjs;
  registrationClosesAt: Dayjs;
}
type FieldName = keyof EventFormValues;

const NAME_MAX_LENGTH = 100;
const VENUE_MAX_LENGTH = 200;
const NAME_MIN_LENGTH = 2;
const VENUE_MIN_LENGTH = 2;
const CAPACITY_MAX = 1_000_000;

// antd 6's date and time panel is 401 px wide (seven 36 px day cells and two 56 px time
// columns), which is wider than a 390 px phone. Phones get narrower cells and columns, which
// make the panel 339 px wide (30 * 7 + 36 of padding + 2 * 46 + 1 of border).
const PHONE_PICKER_THEME: ThemeConfig = {
  components: { DatePicker: { cellWidth: 30, timeColumnWidth: 46 } },
};

/**
 * Renders a date and time picker whose panel fits a phone screen. On phones the input is read
 * only, so that the on-screen keyboard does not open over the panel.
 */
function DateTimePicker(props: DatePickerProps) {
  const screens = Grid.useBreakpoint();
  const phone = screens.sm === false;
  return (
    <ConfigProvider theme={phone ? PHONE_PICKER_THEME : undefined}>
      <DatePicker
        showTime={{ format: 'HH:mm', minuteStep: 5 }}
        format={DATE_TIME_FORMAT}
        style={{ width: '100%' }}
        placeholder="请选择日期和时间"
        inputReadOnly={phone}
        {...props}
      />
    </ConfigProvider>
  );
}

/** Returns the terms of a contract that a filing takes: year, level, section and sport. */
function contractTerms(contract: Contract): string {
  const level = EVENT_LEVEL_LABELS[contract.level];
  const place = contract.districtName ? ` ${contract.districtName}` : '';
  return `${contract.year} 年度 · ${level}${place} · ${SECTION_LABELS[contract.section]} · ${contract.sportName}`;
}

/** Renders the filing form: /events/new creates a draft, /events/:id/edit changes a draft or a returned event. */
export function EventFormPage() {
  const { id } = useParams();
  // A new key per event resets the form when the route moves from one event to another.
  return <EventFormLoader key={id ?? 'new'} eventId={id} />;
}

function EventFormLoader({ eventId }: { eventId: string | undefined }) {
  const navigate = useNavigate();
  const event = useQuery({
    queryKey: queryKeys.consoleEvent(eventId ?? ''),
    queryFn: () => fetchConsoleEvent(eventId ?? ''),
    enabled: Boolean(eventId),
  });

  if (!eventId) return <EventForm />;
  if (event.isPending) return <Skeleton active />;
  if (event.isError) {
    return <EventLoadError error={event.error} onRetry={() => void event.refetch()} />;
  }
  if (!isEditable(event.data.state)) {
    return (
      <Result
        status="warning"
        title="当前状态不能修改"
        subTitle={ERROR_MESSAGES.EVT_NOT_EDITABLE}
        extra={
          <Button type="primary" onClick={() => navigate(`/events/${eventId}`)}>
            查看赛事
          </Button>
        }
      />
    );
  }
  return <EventForm event={event.data} />;
}

/**
 * Returns the area an account may file in, as the server's scope check defines it. A district
 * bureau files in its district and a street account in its own street. Other accounts file
 * anywhere in the city.
 */
function useFilingArea(me: Me): { districtCode?: string; streetCode?: string } {
  const ownDivision = useDivision(me.user.divisionCode);
  const division = ownDivision.data;
  if (me.user.accountType === 'district_bureau') return { districtCode: me.user.divisionCode };
  if (me.user.accountType === 'street') {
    return { districtCode: division?.parentCode ?? undefined, streetCode: me.user.divisionCode };
  }
  return {};
}

function initialValues(event: ConsoleEventDetail | undefined): Partial<EventFormValues> {
  if (!event) return {};
  return {
    contractId: event.contractId ?? undefined,
    name: event.name,
    sport: event.sport,
    level: event.level,
    section: event.section,
    district: event.districtCode,
    street: event.divisionCode === event.districtCode ? undefined : event.divisionCode,
    venue: event.venue,
    startsAt: isoToPickerValue(event.startsAt),
    endsAt: isoToPickerValue(event.endsAt),
    capacity: event.capacity,
    registrationOpensAt: isoToPickerValue(event.registrationOpensAt),
    registrationClosesAt: isoToPickerValue(event.registrationClosesAt),
  };
}

function toEventInput(values: EventFormValues): EventInput {
  return {
    name: values.name.trim(),
    sport: values.sport,
    level: values.level,
    section: values.section,
    divisionCode: values.street || values.district,
    venue: values.venue.trim(),
    startsAt: pickerValueToIso(values.startsAt),
    endsAt: pickerValueToIso(values.endsAt),
    capacity: values.capacity,
    registrationOpensAt: pickerValueToIso(values.registrationOpensAt),
    registrationClosesAt: pickerValueToIso(values.registrationClosesAt),
    ...(values.contractId ? { contractId: values.contractId } : {}),
  };
}

const FORM_FIELDS: readonly FieldName[] = [
  'contractId',
  'name',
  'sport',
  'level',
  'section',
  'district',
  'street',
  'venue',
  'startsAt',
  'endsAt',
  'capacity',
  'registrationOpensAt',
  'registrationClosesAt',
];

// Error codes that concern one field even when the server sends no field errors.
const CODE_FIELDS: Record<string, FieldName> = {
  EVT_UNKNOWN_SPORT: 'sport',
  EVT_FILING_NOT_ALLOWED: 'section',
  EVT_OUT_OF_SCOPE: 'district',
  DIV_NOT_FOUND: 'district',
  DIV_UNKNOWN: 'district',
  DIV_INVALID_LEVEL: 'street',
  EVT_CONTRACT_REQUIRED: 'contractId',
  EVT_CONTRACT_NOT_OWNED: 'contractId',
};

// Chinese messages for the codes of field errors: the schedule rules of the filing check,
// then the JSON Schema keywords that request validation reports.
const FIELD_ERROR_MESSAGES: Record<string, string> = {
  in_future: '开始时间须晚于当前时间',
  after_start: '结束时间须晚于开始时间',
  after_open: '报名截止时间须晚于报名开始时间',
  before_start: '报名截止时间不能晚于赛事开始时间',
  contract_mismatch: '与所选中标合同不一致',
  required: '此项必填',
  minLength: '内容太短',
  maxLength: '内容太长',
  minimum: '数值太小',
  maximum: '数值太大',
  format: '格式不正确',
  pattern: '格式不正确',
  type: '格式不正确',
};

/**
 * Maps a field named by the server (`startsAt`, `/startsAt` or `body.startsAt`) to the
 * form field that contains it. divisionCode belongs to the street field when one is chosen.
 */
function formFieldOf(
  serverField: string,
  form: FormInstance<EventFormValues>,
): FieldName | undefined {
  const key =
    serverField
      .replace(/^\//, '')
      .replace(/^body[./]/, '')
      .split(/[./[]/)[0] ?? '';
  if (key === 'divisionCode') return form.getFieldValue('street') ? 'street' : 'district';
  return FORM_FIELDS.find((field) => field === key);
}

const HAS_CHINESE = /[\u4e00-\u9fff]/;

/** Marks the form fields that a rejected save names; returns whether any field was marked. */
function showFieldErrors(error: unknown, form: FormInstance<EventFormValues>): boolean {
  if (!(error instanceof ApiError)) return false;
  const marks = new Map<FieldName, string[]>();
  for (const fieldError of error.problem.errors ?? []) {
    const field = formFieldOf(fieldError.field, form);
    if (!field) continue;
    const text =
      FIELD_ERROR_MESSAGES[fieldError.code] ??
      ERROR_MESSAGES[fieldError.code] ??
      (HAS_CHINESE.test(fieldError.message) ? fieldError.message : '此项填写有误');
    marks.set(field, [...(marks.get(field) ?? []), text]);
  }
  const codeField = CODE_FIELDS[error.code];
  if (marks.size === 0 && codeField) marks.set(codeField, [consoleErrorMessage(error)]);
  form.setFields([...marks].map(([name, errors]) => ({ name, errors })));
  return marks.size > 0;
}

function EventForm({ event }: { event?: ConsoleEventDetail }) {
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const invalidateEvent = useInvalidateEvent();
  const { message } = App.useApp();
  const [form] = Form.useForm<EventFormValues>();
  const [pending, setPending] = useState<'draft' | 'submit' | null>(null);

  const sports = useSports();
  const districts = useDistricts();
  const area = useFilingArea(me);
  const level = Form.useWatch('level', form);
  const section = Form.useWatch('section', form);
  const district = Form.useWatch('district', form);
  const streets = useChildDivisions(district);

  const levels = useMemo(() => [...new Set(me.filing.map((pair) => pair.level))], [me.filing]);
  const sections = useMemo(
    () => me.filing.filter((pair) => pair.level === level).map((pair) => pair.section),
    [me.filing, level],
  );
  const streetRequired = level === 'street' || level === 'community' || Boolean(area.streetCode);

  // A contractor files only under one of its contracts, which fixes level, section and sport,
  // and for a district contract the district too.
  const contractBound = me.user.accountType === 'contractor';
  const contracts = useQuery({
    queryKey: queryKeys.ownContracts,
    queryFn: fetchOwnContracts,
    enabled: contractBound,
  });
  const contractId = Form.useWatch('contractId', form);
  const contract = contracts.data?.items.find((c) => c.id === contractId);

  let sectionPlaceholder = '请先选择赛事级别';
  if (level) sectionPlaceholder = '请选择';
  else if (contractBound) sectionPlaceholder = '由合同确定';

  function applyContract(chosen: Contract | undefined) {
    if (!chosen) return;
    form.setFieldsValue({ level: chosen.level, section: chosen.section, sport: chosen.sport });
    if (chosen.districtCode && form.getFieldValue('district') !== chosen.districtCode) {
      form.setFieldsValue({ district: chosen.districtCode, street: undefined });
    }
    if (!form.getFieldValue('name')) form.setFieldValue('name', chosen.eventName);
  }

  const districtOptions = (districts.data ?? [])
    .filter((d: Division) => !area.districtCode || d.code === area.districtCode)
    .map((d) => ({ value: d.code, label: d.name }));
  const streetOptions = (streets.data ?? [])
    .filter((s) => s.level === 'street' && (!area.streetCode || s.code === area.streetCode))
    .map((s) => ({ value: s.code, label: s.name }));

  // Preset the choices that have only one option, so that a street official on a phone
  // does not have to open a select to pick the only option.
  useEffect(() => {
    if (event) return;
    const only = levels.length === 1 ? levels[0] : undefined;
    if (only && !form.getFieldValue('level')) form.setFieldValue('level', only);
  }, [event, levels, form]);

  useEffect(() => {
    if (section && !sections.includes(section)) form.setFieldValue('section', undefined);
    if (!section && sections.length === 1) form.setFieldValue('section', sections[0]);
  }, [sections, section, form]);

  useEffect(() => {
    if (event || !area.districtCode || form.getFieldValue('district')) return;
    form.setFieldValue('district', area.districtCode);
    if (area.streetCode) form.setFieldValue('street', area.streetCode);
  }, [event, area.districtCode, area.streetCode, form]);

  async function save(values: EventFormValues): Promise<string> {
    const input = toEventInput(values);
    if (event) {
      await updateEvent(event.id, input);
      return event.id;
    }
    const created = await createEvent(input);
    return created.id;
  }

  async function handleSave(action: 'draft' | 'submit') {
    let values: EventFormValues;
    try {
      values = await form.validateFields();
    } catch {
      message.error('请检查标红的项目');
      return;
    }

    setPending(action);
    let savedId: string | undefined;
    try {
      savedId = await save(values);
      await invalidateEvent(savedId);
      if (action === 'draft') {
        message.success(event?.state === 'returned' ? '修改已保存' : '草稿已保存');
        navigate(`/events/${savedId}`);
        return;
      }
      const submitted = await submitEvent(savedId);
      await invalidateEvent(savedId);
      message.success(submitted.state === 'approved' ? '已提交，审核已自动通过' : '已提交审核');
      navigate(`/events/${savedId}`);
    } catch (error) {
      showFieldErrors(error, form);
      message.error(consoleErrorMessage(error));
      // A new event that was saved but not submitted continues on its edit page, so that
      // a second try does not file it twice.
      if (savedId && !event) {
        queryClient.removeQueries({ queryKey: queryKeys.consoleEvent(savedId) });
        navigate(`/events/${savedId}/edit`, { replace: true });
      }
    } finally {
      setPending(null);
    }
  }

  if (me.filing.length === 0) {
    return (
      <Result status="403" title="无权填报" subTitle={ERROR_MESSAGES.EVT_FILING_NOT_ALLOWED} />
    );
  }
  if (contractBound && !event && contracts.isSuccess && contracts.data.items.length === 0) {
    return (
      <Result
        status="info"
        title="暂无可填报的中标合同"
        subTitle="中标单位只能填报本单位中标的赛事。合同由平台运营按统一社会信用代码导入，如有疑问请联系平台运营。"
      />
    );
  }

  return (
    <>
      <PageTitle
        title={
          event ? (
            <>
              编辑赛事 <EventStateTag state={event.state} />
            </>
          ) : (
            '赛事填报'
          )
        }
      />
      {event?.state === 'returned' && event.returnReason && (
        <Alert
          type="warning"
          showIcon
          title="审核退回原因"
          description={event.returnReason}
          style={{ marginBottom: 16 }}
        />
      )}
      <Card>
        <Form<EventFormValues>
          form={form}
          layout="vertical"
          initialValues={initialValues(event)}
          scrollToFirstError
          name="event"
        >
          <Row gutter={24}>
            {contractBound && (
              <Col xs={24}>
                <Form.Item
                  name="contractId"
                  label="中标合同"
                  rules={[{ required: true, message: '请选择中标合同' }]}
                  extra="赛事级别、板块、运动项目（区级合同还有所在区）取自合同，不能修改"
                >
                  <Select
                    showSearch={{ optionFilterProp: 'label' }}
                    loading={contracts.isPending}
                    placeholder="请选择本单位的中标合同"
                    options={(contracts.data?.items ?? []).map((c) => ({
                      value: c.id,
                      label: `${c.eventName}（${contractTerms(c)}）`,
                      name: c.eventName,
                      terms: contractTerms(c),
                    }))}
                    // Two lines per option, wrapped, so that a phone shows the whole name.
                    optionRender={(option) => (
                      <div style={{ whiteSpace: 'normal' }}>
                        <div>{option.data.name}</div>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {option.data.terms}
                        </Typography.Text>
                      </div>
                    )}
                    onChange={(value: string) =>
                      applyContract(contracts.data?.items.find((c) => c.id === value))
                    }
                  />
                </Form.Item>
              </Col>
            )}
            <Col xs={24} md={12}>
              <Form.Item
                name="name"
                label="赛事名称"
                rules={[
                  { required: true, whitespace: true, message: '请填写赛事名称' },
                  { min: NAME_MIN_LENGTH, message: `赛事名称至少 ${NAME_MIN_LENGTH} 个字` },
                ]}
              >
                <Input maxLength={NAME_MAX_LENGTH} placeholder="例如：2026 徐汇区三人篮球赛" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="sport"
                label="运动项目"
                rules={[{ required: true, message: '请选择运动项目' }]}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  loading={sports.isPending}
                  disabled={contractBound}
                  placeholder={contractBound ? '由合同确定' : '请选择'}
                  options={(sports.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="level"
                label="赛事级别"
                rules={[{ required: true, message: '请选择赛事级别' }]}
              >
                <Select
                  placeholder={contractBound ? '由合同确定' : '请选择'}
                  disabled={contractBound}
                  options={levels.map((value) => ({ value, label: EVENT_LEVEL_LABELS[value] }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="section"
                label="板块"
                rules={[{ required: true, message: '请选择板块' }]}
              >
                <Select
                  placeholder={sectionPlaceholder}
                  disabled={!level || contractBound}
                  options={sections.map((value) => ({ value, label: SECTION_LABELS[value] }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="district"
                label="所在区"
                rules={[{ required: true, message: '请选择所在区' }]}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  loading={districts.isPending}
                  disabled={Boolean(contract?.districtCode)}
                  placeholder="请选择"
                  options={districtOptions}
                  onChange={() => form.setFieldValue('street', undefined)}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="street"
                label="所在街镇"
                rules={[{ required: streetRequired, message: '请选择所在街镇' }]}
                extra={streetRequired ? undefined : '可不选，不选表示在全区举办'}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  allowClear
                  disabled={!district}
                  loading={Boolean(district) && streets.isPending}
                  placeholder={district ? '请选择' : '请先选择所在区'}
                  options={streetOptions}
                />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item
                name="venue"
                label="比赛场地"
                rules={[
                  { required: true, whitespace: true, message: '请填写比赛场地' },
                  { min: VENUE_MIN_LENGTH, message: `比赛场地至少 ${VENUE_MIN_LENGTH} 个字` },
                ]}
              >
                <Input maxLength={VENUE_MAX_LENGTH} placeholder="场馆名称和地址" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="startsAt"
                label="开始时间"
                rules={[
                  { required: true, message: '请选择开始时间' },
                  {
                    // The picker shows Shanghai wall time, so compare the instant it stands for.
                    validator: (_, value: Dayjs | undefined) => {
                      if (!value || Date.parse(pickerValueToIso(value)) > Date.now()) {
                        return Promise.resolve();
                      }
                      return Promise.reject(new Error(FIELD_ERROR_MESSAGES.in_future));
                    },
                  },
                ]}
              >
                <DateTimePicker />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="endsAt"
                label="结束时间"
                dependencies={['startsAt']}
                rules={[
                  { required: true, message: '请选择结束时间' },
                  ({ getFieldValue }) => ({
                    validator: (_, value: Dayjs | undefined) => {
                      const startsAt = getFieldValue('startsAt') as Dayjs | undefined;
                      if (!value || !startsAt || value.isAfter(startsAt)) return Promise.resolve();
                      return Promise.reject(new Error(FIELD_ERROR_MESSAGES.after_start));
                    },
                  }),
                ]}
              >
                <DateTimePicker />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="registrationOpensAt"
                label="报名开始时间"
                rules={[{ required: true, message: '请选择报名开始时间' }]}
              >
                <DateTimePicker />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="registrationClosesAt"
                label="报名截止时间"
                dependencies={['registrationOpensAt', 'startsAt']}
                rules={[
                  { required: true, message: '请选择报名截止时间' },
                  ({ getFieldValue }) => ({
                    validator: (_, value: Dayjs | undefined) => {
                      const opensAt = getFieldValue('registrationOpensAt') as Dayjs | undefined;
                      if (value && opensAt && !value.isAfter(opensAt)) {
                        return Promise.reject(new Error(FIELD_ERROR_MESSAGES.after_open));
                      }
                      const startsAt = getFieldValue('startsAt') as Dayjs | undefined;
                      if (value && startsAt && value.isAfter(startsAt)) {
                        return Promise.reject(new Error(FIELD_ERROR_MESSAGES.before_start));
                      }
                      return Promise.resolve();
                    },
                  }),
                ]}
              >
                <DateTimePicker />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="capacity"
                label="名额"
                rules={[{ required: true, message: '请填写名额' }]}
              >
                <InputNumber
                  min={1}
                  max={CAPACITY_MAX}
                  precision={0}
                  suffix="人"
                  style={{ width: '100%' }}
                  placeholder="可报名人数"
                />
              </Form.Item>
            </Col>
          </Row>
          <div className="console-form-actions">
            <Button
              type="primary"
              loading={pending === 'submit'}
              disabled={pending !== null}
              onClick={() => void handleSave('submit')}
            >
              提交审核
            </Button>
            <Button
              loading={pending === 'draft'}
              disabled={pending !== null}
              onClick={() => void handleSave('draft')}
            >
              {event?.state === 'returned' ? '保存修改' : '保存草稿'}
            </Button>
            <Button
              disabled={pending !== null}
              onClick={() => navigate(event ? `/events/${event.id}` : '/events')}
            >
              取消
            </Button>
          </div>
        </Form>
      </Card>
    </>
  );
}
