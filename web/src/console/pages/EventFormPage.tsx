import {
  filingFormOf,
  isEditable,
  missingFilingFields,
  requiredFilingFields,
  type FilingField,
  type FilingForm,
} from '@cityleague/domain';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Collapse, Form, Result, Row, Skeleton } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useBlocker, useLocation, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { ERROR_MESSAGES, consoleErrorMessage } from '../../lib/messages';
import { EventLoadError } from '../components/EventLoadError';
import { EventStateTag } from '../components/EventStateTag';
import { PageTitle } from '../components/PageTitle';
import { useInvalidateEvent } from '../components/ReviewActions';
import { fetchConsoleEvent, fetchOwnContracts, submitEvent } from '../endpoints';
import { ContractSelect } from '../filing/ContractSelect';
import { formFieldOf, formMarksOf, rejectedFieldsOf } from '../filing/field-errors';
import { FilingActionBar } from '../filing/FilingActionBar';
import { FilingFieldItem, type FilingFieldContext } from '../filing/FilingFieldItem';
import { fieldOrderOf, sectionsOf, type FilingSection } from '../filing/filing-sections';
import {
  divisionParts,
  payloadOfValues,
  valuesOfEvent,
  type FilingFormValues,
  type FormFieldName,
  type PayloadField,
} from '../filing/filing-values';
import { MissingFieldsAlert } from '../filing/MissingFieldsAlert';
import { useFilingAutosave } from '../filing/use-filing-autosave';
import '../filing/filing.css';
import { queryKeys, useDivision, useMe } from '../queries';
import { isoToPickerValue, pickerValueToIso } from '../time';
import type { ConsoleEvent, ConsoleEventDetail, Contract, Me, VenueSuggestion } from '../types';

/** Renders the filing form: /events/new starts a filing, /events/:id/edit continues a draft or a returned filing. */
export function EventFormPage() {
  const { id } = useParams();
  const location = useLocation();
  // A new key per event resets the form when the route moves to another event. A filing
  // created on this page keeps the key 'new', so its form survives the move to its edit page.
  const formKey = (location.state as { formKey?: string } | null)?.formKey ?? id ?? 'new';
  return <EventFormLoader key={formKey} eventId={id} />;
}

function EventFormLoader({ eventId }: { eventId: string | undefined }) {
  const navigate = useNavigate();
  const me = useMe();
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
  const viewEvent = (
    <Button type="primary" onClick={() => navigate(`/events/${eventId}`)}>
      查看赛事
    </Button>
  );
  // Only the filing organisation edits an event, whatever its state, so this check comes first.
  if (event.data.organisationId !== me.user.organisation.id) {
    return (
      <Result
        status="403"
        title="不能修改其他单位的赛事"
        subTitle="该赛事由其他单位填报，只有填报单位可以修改。"
        extra={viewEvent}
      />
    );
  }
  if (!isEditable(event.data.state)) {
    return (
      <Result
        status="warning"
        title="当前状态不能修改"
        subTitle={ERROR_MESSAGES.EVT_NOT_EDITABLE}
        extra={viewEvent}
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

const SCHEDULE_FIELDS: FormFieldName[] = [
  'startsAt',
  'endsAt',
  'registrationOpensAt',
  'registrationClosesAt',
];

/** Returns the picker value of the current minute, for a registration that opens now. */
function nowPickerValue() {
  return isoToPickerValue(new Date().toISOString())?.startOf('minute');
}

function EventForm({ event }: { event?: ConsoleEventDetail }) {
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const invalidateEvent = useInvalidateEvent();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<FilingFormValues>();
  const [submitting, setSubmitting] = useState(false);
  const [missing, setMissing] = useState<PayloadField[]>([]);
  const [openFolds, setOpenFolds] = useState<string[]>([]);
  const [state, setState] = useState(event?.state ?? 'draft');
  const leaving = useRef(false);

  const area = useFilingArea(me);
  const values = Form.useWatch([], { form, preserve: true }) as FilingFormValues | undefined;
  const level = Form.useWatch('level', form);
  const section = Form.useWatch('section', form);
  const startsAt = Form.useWatch('startsAt', form);
  const kind: FilingForm | undefined =
    level && section ? filingFormOf({ level, section }) : undefined;

  const levels = useMemo(() => [...new Set(me.filing.map((pair) => pair.level))], [me.filing]);
  const sections = useMemo(
    () => me.filing.filter((pair) => pair.level === level).map((pair) => pair.section),
    [me.filing, level],
  );

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

  const autosave = useFilingAutosave({
    form,
    event,
    needsContract: contractBound,
    onCreated: (created) => {
      cacheEvent(created);
      // Continue on the draft's own address, so that a reload finds it, without a new form.
      leaving.current = true;
      navigate(`/events/${created.id}/edit`, { replace: true, state: { formKey: 'new' } });
      leaving.current = false;
    },
    onSaved: (saved) => {
      cacheEvent(saved);
      setState(saved.state);
    },
    onRejected: (rejected) => {
      const marks = formMarksOf(rejected, form.getFieldsValue(true));
      form.setFields(marks);
      unfoldSectionsOf(marks.map((mark) => mark.name));
    },
  });
  const { schedule, flush } = autosave;

  function cacheEvent(saved: ConsoleEvent) {
    queryClient.setQueryData<ConsoleEventDetail>(queryKeys.consoleEvent(saved.id), (old) => ({
      ...saved,
      timeline: old?.timeline ?? [],
    }));
    void queryClient.invalidateQueries({ queryKey: queryKeys.consoleEvents });
  }

  /**
   * Saves an edit, and clears the edited fields' marks from the server: antd re-checks only
   * fields that have rules, so a "请填写…" mark would otherwise stay after the field is filled.
   */
  function handleValuesChange(changed: Partial<FilingFormValues>) {
    form.setFields(
      Object.keys(changed).map((name) => ({ name: name as FormFieldName, errors: [] })),
    );
    schedule();
  }

  /** Sets values the form fills in itself, and saves them like typed ones. */
  const fill = useCallback(
    (patch: Partial<FilingFormValues>) => {
      form.setFieldsValue(patch);
      schedule();
    },
    [form, schedule],
  );

  // Preset the choices that have only one option, so that a street official on a phone
  // does not have to open a select to pick the only option.
  useEffect(() => {
    if (event || contractBound) return;
    const only = levels.length === 1 ? levels[0] : undefined;
    if (only && !form.getFieldValue('level')) fill({ level: only });
  }, [event, contractBound, levels, form, fill]);

  useEffect(() => {
    if (contractBound) return;
    if (section && !sections.includes(section)) fill({ section: undefined });
    if (!section && sections.length === 1) fill({ section: sections[0] });
  }, [contractBound, sections, section, fill]);

  useEffect(() => {
    if (event || !area.districtCode || form.getFieldValue('district')) return;
    fill({ district: area.districtCode, ...(area.streetCode ? { street: area.streetCode } : {}) });
  }, [event, area.districtCode, area.streetCode, form, fill]);

  // The short form opens registration now and closes it when the event starts, until the
  // clerk chooses otherwise: a closing time that followed the start keeps following it.
  const previousStart = useRef(startsAt);
  useEffect(() => {
    const before = previousStart.current;
    previousStart.current = startsAt;
    if (kind !== 'short') return;
    const patch: Partial<FilingFormValues> = {};
    if (!form.getFieldValue('registrationOpensAt')) patch.registrationOpensAt = nowPickerValue();
    const closesAt = form.getFieldValue('registrationClosesAt') as FilingFormValues['startsAt'];
    const followsStart = !closesAt || (before !== undefined && closesAt.isSame(before));
    // A start in the past is marked on its own field. Copying it would also mark the closing
    // time as before the opening, in a section the short form keeps folded.
    const startIsPast =
      startsAt !== undefined && Date.parse(pickerValueToIso(startsAt)) <= Date.now();
    if (startsAt && followsStart && !startIsPast && !closesAt?.isSame(startsAt)) {
      patch.registrationClosesAt = startsAt;
    }
    if (Object.keys(patch).length > 0) fill(patch);
  }, [kind, startsAt, form, fill]);

  function applyContract(chosen: Contract) {
    const patch: Partial<FilingFormValues> = {
      level: chosen.level,
      section: chosen.section,
      sport: chosen.sport,
    };
    if (chosen.districtCode && form.getFieldValue('district') !== chosen.districtCode) {
      Object.assign(patch, {
        district: chosen.districtCode,
        street: undefined,
        community: undefined,
      });
    }
    if (!form.getFieldValue('name')) patch.name = chosen.eventName;
    fill(patch);
  }

  const streetRequired = level === 'street' || level === 'community' || Boolean(area.streetCode);

  /** Fills venue, address and place from a suggestion, the place only where the filer may file. */
  function applyVenue(suggestion: VenueSuggestion) {
    const patch: Partial<FilingFormValues> = { venue: suggestion.venue };
    if (suggestion.address) patch.address = suggestion.address;
    const place = divisionParts(suggestion.divisionCode);
    const allowed =
      place.district !== undefined &&
      (!area.districtCode || place.district === area.districtCode) &&
      (!area.streetCode || place.street === area.streetCode) &&
      (!contract?.districtCode || place.district === contract.districtCode) &&
      (!streetRequired || place.street !== undefined);
    if (allowed) Object.assign(patch, place);
    fill(patch);
  }

  const locked = useMemo(
    () =>
      new Set<FormFieldName>(
        contractBound
          ? ['level', 'section', 'sport', ...(contract?.districtCode ? ['district' as const] : [])]
          : [],
      ),
    [contractBound, contract?.districtCode],
  );
  const required = useMemo(
    () =>
      new Set<PayloadField>([
        'name',
        'level',
        'section',
        ...(kind ? requiredFilingFields(kind) : []),
      ]),
    [kind],
  );
  const context: FilingFieldContext = {
    required,
    levels,
    sections,
    locked,
    streetRequired,
    showCommunity: level === 'street' || level === 'community',
    area,
    onChanged: schedule,
    onPickVenue: applyVenue,
  };

  const missingNow = kind && values ? missingFilingFields(kind, payloadOfValues(values)) : [];
  // The summary of a rejected submit loses each field as it is filled in.
  const missingStill = missing.filter((field) => missingNow.includes(field as FilingField));

  /** Scrolls to a field, unfolding its section first when it is folded. */
  function goToField(field: FormFieldName) {
    const folded = sectionsOf(kind).find((s) => s.folded && s.fields.includes(field));
    const delay = folded && !openFolds.includes(folded.key) ? 300 : 0;
    if (folded) setOpenFolds((keys) => [...new Set([...keys, folded.key])]);
    window.setTimeout(
      () => form.scrollToField(field, { behavior: 'smooth', block: 'center' }),
      delay,
    );
  }

  function goToPayloadField(field: PayloadField) {
    goToField(formFieldOf(field, form.getFieldsValue(true)));
  }

  function showSubmitErrors(error: unknown) {
    const rejected = rejectedFieldsOf(error);
    const marks = formMarksOf(rejected, form.getFieldsValue(true));
    const marked = new Set(marks.map((mark) => mark.name));
    // The server lists every time that breaks a rule, so a time it does not list is fine now.
    if (error instanceof ApiError && error.code === 'EVT_INVALID_SCHEDULE') {
      const cleared = SCHEDULE_FIELDS.filter((field) => !marked.has(field));
      form.setFields(cleared.map((name) => ({ name, errors: [] })));
    }
    form.setFields(marks);
    if (error instanceof ApiError && error.code === 'EVT_INCOMPLETE') setMissing(rejected.missing);
    unfoldSectionsOf([...marked]);
    const first = fieldOrderOf(kind).find((field) => marked.has(field));
    if (first) goToField(first);
    message.error(consoleErrorMessage(error));
  }

  /** Unfolds every folded section that contains one of the fields, so that its marks show. */
  function unfoldSectionsOf(fields: FormFieldName[]) {
    const keys = sectionsOf(kind)
      .filter((spec) => spec.folded && spec.fields.some((field) => fields.includes(field)))
      .map((spec) => spec.key);
    if (keys.length > 0) setOpenFolds((open) => [...new Set([...open, ...keys])]);
  }

  function goToFirstError() {
    const withErrors = new Set(
      form
        .getFieldsError()
        .filter((field) => field.errors.length > 0)
        .map((field) => field.name[0] as FormFieldName),
    );
    const first = fieldOrderOf(kind).find((field) => withErrors.has(field));
    if (first) goToField(first);
  }

  async function handleSave() {
    if (await flush()) {
      message.success('已保存');
      return;
    }
    if (autosave.eventId() === null) {
      await form.validateFields(['contractId', 'name', 'level', 'section']).catch(() => {});
    }
    goToFirstError();
  }

  async function handleSubmit() {
    setMissing([]);
    setSubmitting(true);
    try {
      const saved = await flush();
      const id = autosave.eventId();
      if (id === null) {
        await form.validateFields(['contractId', 'name', 'level', 'section']).catch(() => {});
        goToFirstError();
        // The first save also fails on a filled but invalid field, such as a name with emoji.
        const filled = [
          form.getFieldValue('name'),
          form.getFieldValue('level'),
          form.getFieldValue('section'),
        ].every(Boolean);
        message.error(filled ? '赛事尚未保存，请先改正标红的项目' : '请先填写赛事名称、级别和板块');
        return;
      }
      if (!saved) {
        goToFirstError();
        message.error('还有修改未能保存，请改正标红的项目或重试保存后再提交');
        return;
      }
      const submitted = await submitEvent(id);
      await invalidateEvent(id);
      message.success(submitted.state === 'approved' ? '已提交，审核已自动通过' : '已提交审核');
      leaving.current = true;
      navigate(`/events/${id}`);
    } catch (error) {
      showSubmitErrors(error);
    } finally {
      setSubmitting(false);
    }
  }

  // Leaving inside the console saves first; if that fails, the user decides.
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      !leaving.current &&
      currentLocation.pathname !== nextLocation.pathname &&
      autosave.hasUnsavedChanges(),
  );
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    void flush().then((saved) => {
      if (saved) {
        blocker.proceed();
        return;
      }
      modal.confirm({
        title: '有修改尚未保存',
        content: '离开后，未保存的修改将丢失。可以留在本页改正标红的项目或重试保存。',
        okText: '仍然离开',
        cancelText: '留在本页',
        onOk: () => blocker.proceed(),
        onCancel: () => blocker.reset(),
      });
    });
  }, [blocker, flush, modal]);

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

  const showSections = !contractBound || Boolean(contractId);

  return (
    <div className="filing-page">
      <PageTitle
        title={
          event ? (
            <>
              编辑赛事 <EventStateTag state={state} />
            </>
          ) : (
            '赛事填报'
          )
        }
        extra={
          <Button onClick={() => navigate(event ? `/events/${event.id}` : '/events')}>
            {event ? '查看赛事' : '返回列表'}
          </Button>
        }
      />
      {event?.state === 'returned' && event.returnReason && (
        <Alert
          type="warning"
          showIcon
          title="审核退回原因"
          description={event.returnReason}
          className="filing-alert"
        />
      )}
      {missingStill.length > 0 && (
        <MissingFieldsAlert
          missing={missingStill}
          onGoTo={goToPayloadField}
          onClose={() => setMissing([])}
        />
      )}
      <Form<FilingFormValues>
        form={form}
        layout="vertical"
        initialValues={event ? valuesOfEvent(event) : { coOrganisers: [] }}
        onValuesChange={handleValuesChange}
        name="event"
        className="filing-form"
      >
        {contractBound && (
          <Card title="中标合同" size="small" className="filing-card">
            <Form.Item
              name="contractId"
              label="中标合同"
              rules={[{ required: true, message: '请选择中标合同' }]}
              extra="先选择合同：赛事级别、板块、运动项目（区级合同还有所在区）取自合同，不能修改"
            >
              <ContractSelect
                contracts={contracts.data?.items}
                loading={contracts.isPending}
                onPick={applyContract}
              />
            </Form.Item>
          </Card>
        )}
        {showSections &&
          sectionsOf(kind).map((spec) => (
            <FilingSectionCard
              key={spec.key}
              spec={spec}
              context={context}
              open={openFolds.includes(spec.key)}
              onToggle={(open) =>
                setOpenFolds((keys) =>
                  open ? [...keys, spec.key] : keys.filter((key) => key !== spec.key),
                )
              }
            />
          ))}
        {showSections && !kind && (
          <Alert
            type="info"
            showIcon
            className="filing-alert"
            title="选择赛事级别和板块后，显示对应的填报表单"
          />
        )}
        <FilingActionBar
          status={autosave.status}
          startHint={
            contractBound ? '选择中标合同后自动保存草稿' : '填写赛事名称、级别和板块后自动保存草稿'
          }
          missingCount={kind ? missingNow.length : null}
          submitting={submitting}
          onGoToMissing={() => {
            const first = missingNow[0];
            if (first) goToPayloadField(first);
          }}
          onRetry={() => void flush()}
          onSave={() => void handleSave()}
          onSubmit={() => void handleSubmit()}
        />
      </Form>
    </div>
  );
}

interface FilingSectionCardProps {
  spec: FilingSection;
  context: FilingFieldContext;
  open: boolean;
  onToggle: (open: boolean) => void;
}

/** Renders one section of the form: a card, or a folded panel for a section the form fills in. */
function FilingSectionCard({ spec, context, open, onToggle }: FilingSectionCardProps) {
  const fields = (
    <Row gutter={24}>
      {spec.fields.map((name) => (
        <FilingFieldItem key={name} name={name} ctx={context} />
      ))}
    </Row>
  );
  if (!spec.folded) {
    return (
      <Card title={spec.title} size="small" className="filing-card">
        {fields}
      </Card>
    );
  }
  return (
    <Collapse
      className="filing-card filing-fold"
      activeKey={open ? [spec.key] : []}
      onChange={(keys) => onToggle(keys.includes(spec.key))}
      items={[
        {
          key: spec.key,
          label: spec.title,
          extra: open ? undefined : (
            <span className="filing-fold-hint">已自动填写，可展开修改</span>
          ),
          forceRender: true,
          children: fields,
        },
      ]}
    />
  );
}
