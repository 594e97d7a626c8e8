import {
  checkAnswers,
  RESIDENT_ID_PROBLEM_MESSAGES,
  residentIdProblem,
  needsGuardianConsent,
  shownFieldKeys,
} from '@cityleague/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, Result, Skeleton } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { ERROR_MESSAGES, errorMessage, idNumberMessage } from '../../lib/messages';
import { useCitizen } from '../citizen-api';
import { PageNavBar } from '../components/PageNavBar';
import { RegistrationStatusTag } from '../components/RegistrationStatusTag';
import { addressLine } from '../event-text';
import { type EventGroup, type PublicEvent, type Registration } from '../events-api';
import {
  answerProblemText,
  submitRegistration,
  useEventForm,
  type EventForm,
  type RegistrationPayload,
} from '../registration-form-api';
import { FormFieldInput } from '../components/FormFieldInput';
import { formatRange } from '../format';
import { newIdempotencyKey } from '../idempotency-key';
import { queryKeys, useEvent, useGroups } from '../queries';
import {
  ageFromIdNumber,
  checkPhone,
  GUARDIAN_CONSENT_MISSING,
  GUARDIAN_MESSAGES,
  guardianHint,
  guardianNameProblem,
  NAME_MAX_LENGTH,
  NAME_RULE_TEXT,
  nameProblem,
  normaliseName,
  SAFETY_NOTICE,
} from '../registration-rules';
import { rememberTicket } from '../ticket-store';
import { useDocumentTitle } from '../use-document-title';
import {
  hasFreeIndividualPlaces,
  nextQueuePlaceText,
  showsGroupName,
  waitingListGroups,
  waitingListRuleText,
} from '../waiting-list';
import { bottomHint, CLOSED_BUTTON_TEXT, EventLoadError, registerPath } from './EventDetailPage';

interface RegistrationFormValues {
  name: string;
  phone: string;
  idNumber?: string;
  idConsent?: boolean;
  answers?: Record<string, unknown>;
  guardian?: { name?: string; phone?: string; consent?: boolean };
  accepted: boolean;
}

type FieldName = 'name' | 'phone';

/** Router state that the ticket page reads right after a registration. */
export interface TicketLocationState {
  registration: Registration;
}

// Codes meaning the event no longer takes registrations, so the form reloads the event.
const EVENT_REJECTION_CODES = new Set([
  'REG_EVENT_FULL',
  'REG_WINDOW_CLOSED',
  'REG_WINDOW_NOT_OPEN',
  'EVT_NOT_FOUND',
]);

const FIELD_FALLBACK_MESSAGES: Record<FieldName, string> = {
  name: NAME_RULE_TEXT,
  phone: ERROR_MESSAGES.REG_INVALID_PHONE ?? '手机号码格式不正确',
};

export function RegisterPage() {
  const { id = '' } = useParams();
  const event = useEvent(id);
  const groups = useGroups(id);
  const [search, setSearch] = useSearchParams();
  const individualGroups = (groups.data ?? []).filter((group) => group.entryType === 'individual');
  // A group in the address that is not one of the event's individual groups is ignored, so that
  // a stale or mistyped link leads to the picker instead of a form the server rejects.
  const addressGroupId = search.get('group');
  const groupId = individualGroups.some((group) => group.id === addressGroupId)
    ? addressGroupId
    : null;
  const chosen = chosenGroup(groups.data ?? [], groupId);
  // With several individual groups the server needs one, so the citizen picks it first.
  const needsGroupChoice = !groupId && individualGroups.length > 1;
  const waitingGroup =
    event.data && chosen && waitingListGroups(event.data, [chosen]).length > 0 ? chosen : undefined;
  const title = waitingGroup ? '加入候补' : '填写报名信息';
  useDocumentTitle(title);

  return (
    <div className="page">
      <PageNavBar title={title} />
      {(event.isPending || groups.isPending) && (
        <main className="page-body" aria-busy="true" aria-label="正在加载赛事">
          <section className="panel">
            <Skeleton.Paragraph lineCount={5} animated />
          </section>
        </main>
      )}
      {event.isError && <EventLoadError error={event.error} onRetry={() => void event.refetch()} />}
      {event.isSuccess && !groups.isPending && (
        <main className="page-body">
          <EventSummary event={event.data} />
          {waitingGroup && <WaitingListNotice group={waitingGroup} />}
          {needsGroupChoice && event.data.registrationStatus === 'open' ? (
            <GroupPicker
              groups={individualGroups}
              onPick={(group) => setSearch({ group: group.id }, { replace: true })}
            />
          ) : waitingGroup ||
            (event.data.registrationStatus === 'open' && !chosenIsFull(chosen)) ? (
            <>
              {chosen && individualGroups.length > 1 && (
                <ChosenGroup group={chosen} onChange={() => setSearch({}, { replace: true })} />
              )}
              <LoadedRegistrationForm
                event={event.data}
                group={chosen}
                waiting={Boolean(waitingGroup)}
              />
            </>
          ) : (
            <RegistrationUnavailable
              event={event.data}
              groups={groups.data ?? []}
              onChooseGroup={() => setSearch({}, { replace: true })}
            />
          )}
        </main>
      )}
    </div>
  );
}

/**
 * Returns the group the form registers for: the one named in the address, else the event's only
 * individual group with no free places left anywhere else. Undefined leaves the choice to the
 * server, which takes an event's only group.
 */
function chosenGroup(groups: EventGroup[], groupId: string | null): EventGroup | undefined {
  if (groupId) return groups.find((group) => group.id === groupId);
  const individual = groups.filter((group) => group.entryType === 'individual');
  if (individual.length !== 1 || hasFreeIndividualPlaces(groups)) return undefined;
  return individual[0];
}

/** Lists the event's individual groups with their places left, for the citizen to pick one. */
function GroupPicker({
  groups,
  onPick,
}: {
  groups: EventGroup[];
  onPick: (group: EventGroup) => void;
}) {
  return (
    <section className="panel group-picker" aria-labelledby="group-picker-title">
      <h2 id="group-picker-title" className="panel-title">
        请选择报名组别
      </h2>
      <ul className="group-picker-list">
        {groups.map((group) => {
          const full = group.placesLeft <= 0;
          const closed = full && group.waitingList === 'off';
          return (
            <li key={group.id}>
              <Button
                block
                fill="outline"
                disabled={closed}
                aria-label={`${group.name}，${placesText(group)}`}
                onClick={() => onPick(group)}
              >
                <span className="group-picker-name">{group.name}</span>
                <span className="group-picker-places">{placesText(group)}</span>
              </Button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Shows the group that the form registers for, with a button back to the group picker. */
function ChosenGroup({ group, onChange }: { group: EventGroup; onChange: () => void }) {
  return (
    <section className="panel chosen-group" aria-label="报名组别">
      <span className="chosen-group-name">报名组别：{group.name}</span>
      <Button size="small" fill="none" color="primary" onClick={onChange}>
        更换组别
      </Button>
    </section>
  );
}

/** Describes a group's places left: a count, or whether a full group still takes waiting entries. */
function placesText(group: EventGroup): string {
  if (group.placesLeft > 0) return `剩余 ${group.placesLeft} 个名额`;
  return group.waitingList === 'off' ? '名额已满' : '名额已满，可候补';
}

/** Tells whether the chosen group is full, in which case only its waiting list takes entries. */
function chosenIsFull(group: EventGroup | undefined): boolean {
  return group !== undefined && group.placesLeft <= 0;
}

/** Explains above the form that the entry joins the waiting list, at which place, and what follows. */
function WaitingListNotice({ group }: { group: EventGroup }) {
  return (
    <section className="panel waiting-list-notice" role="note" aria-label="候补说明">
      <p className="waiting-list-notice-title">
        名额已满，提交后将加入候补，排在<strong>{nextQueuePlaceText(group)}</strong>
      </p>
      <p className="long-text">{waitingListRuleText(group)}</p>
      <p className="long-text">候补期间可随时在「我的报名」中查看排位或退出候补。</p>
    </section>
  );
}

/** Loads the event's form, then shows it. */
function LoadedRegistrationForm({
  event,
  group,
  waiting,
}: {
  event: PublicEvent;
  group: EventGroup | undefined;
  waiting: boolean;
}) {
  const eventForm = useEventForm(event.id);
  if (eventForm.isPending) {
    return (
      <section className="panel" aria-busy="true" aria-label="正在加载报名表">
        <Skeleton.Paragraph lineCount={4} animated />
      </section>
    );
  }
  if (eventForm.isError) {
    return <EventLoadError error={eventForm.error} onRetry={() => void eventForm.refetch()} />;
  }
  return (
    <RegistrationForm event={event} eventForm={eventForm.data} group={group} waiting={waiting} />
  );
}

function EventSummary({ event }: { event: PublicEvent }) {
  return (
    <section className="panel register-summary" aria-label="报名赛事">
      <div className="register-summary-head">
        <h1 className="register-event-name">{event.name}</h1>
        <RegistrationStatusTag status={event.registrationStatus} />
      </div>
      <p className="register-summary-line">{formatRange(event.startsAt, event.endsAt)}</p>
      <p className="register-summary-line">{addressLine(event)}</p>
    </section>
  );
}

/** An action that still leads to an entry in the event, offered above the notice's other buttons. */
interface NextStep {
  description: string;
  buttonText: string;
  action: () => void;
}

/**
 * Replaces the form when the event or the chosen group takes no entries, saying why and when.
 * It offers what the event page offers for a full event: the waiting list of a full group that
 * has one, or another group with places left.
 */
function RegistrationUnavailable({
  event,
  groups,
  onChooseGroup,
}: {
  event: PublicEvent;
  groups: EventGroup[];
  onChooseGroup: () => void;
}) {
  const navigate = useNavigate();
  const eventPath = `/events/${event.id}`;
  // An open event reaches here only through a full group without a waiting list.
  const status = event.registrationStatus === 'open' ? 'full' : event.registrationStatus;
  const nextStep = chooseNextStep(event, groups, {
    toEvent: () => navigate(eventPath, { replace: true }),
    toGroup: (group) => navigate(registerPath(event.id, group), { replace: true }),
    chooseGroup: onChooseGroup,
  });
  return (
    <section className="panel register-unavailable" role="status">
      <Result
        status={status === 'not_open' ? 'waiting' : 'info'}
        title={CLOSED_BUTTON_TEXT[status]}
        description={nextStep?.description ?? bottomHint({ ...event, registrationStatus: status })}
      />
      <div className="register-unavailable-actions">
        {nextStep && (
          <Button block color="primary" size="large" shape="rounded" onClick={nextStep.action}>
            {nextStep.buttonText}
          </Button>
        )}
        <Button
          block
          color={nextStep ? 'default' : 'primary'}
          size="large"
          shape="rounded"
          onClick={() => navigate(eventPath, { replace: true })}
        >
          查看赛事详情
        </Button>
        {!nextStep && (
          <Button block size="large" shape="rounded" onClick={() => navigate('/')}>
            看看其他赛事
          </Button>
        )}
      </div>
    </section>
  );
}

/**
 * Returns the step that still leads to an entry in the event, or undefined when there is none.
 * Once no individual group has a place left, the step is a waiting list, as on the event page.
 * Otherwise it is the choice of another individual group with places left.
 */
function chooseNextStep(
  event: PublicEvent,
  groups: EventGroup[],
  actions: { toEvent: () => void; toGroup: (group: EventGroup) => void; chooseGroup: () => void },
): NextStep | undefined {
  const waitingGroups = hasFreeIndividualPlaces(groups) ? [] : waitingListGroups(event, groups);
  if (waitingGroups.length === 1) {
    const group = waitingGroups[0]!;
    return {
      description: showsGroupName(groups) ? `可加入${group.name}候补` : '可加入候补',
      buttonText: '加入候补',
      action: () => actions.toGroup(group),
    };
  }
  if (waitingGroups.length > 1) {
    return {
      description: '可选择组别加入候补',
      buttonText: '选择组别加入候补',
      action: actions.toEvent,
    };
  }
  if (event.registrationStatus === 'open' && hasFreeIndividualPlaces(groups)) {
    return {
      description: '该组别名额已报满，其他组别仍有名额',
      buttonText: '选择其他组别',
      action: actions.chooseGroup,
    };
  }
  return undefined;
}

type FieldPath = string | [string, string];

/** Maps a field of a server error ("answers.club", "/body/phone") to the form's field name. */
function toFieldPath(path: string): FieldPath | undefined {
  const parts = path.replace(/^\/?body\//, '').split(/[./]/);
  const [head, tail] = parts;
  if ((head === 'answers' || head === 'guardian') && tail) return [head, tail];
  if (head === 'name' || head === 'phone' || head === 'idNumber') return head;
  return undefined;
}

function RegistrationForm({
  event,
  eventForm,
  group,
  waiting,
}: {
  event: PublicEvent;
  eventForm: EventForm;
  group: EventGroup | undefined;
  waiting: boolean;
}) {
  const [form] = Form.useForm<RegistrationFormValues>();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // One key for the life of the form, so that a repeated tap or a retry after a lost
  // response registers once. A definite rejection (4xx) gets a new key, because the next
  // attempt carries corrected data.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const sending = useRef(false);
  const [formError, setFormError] = useState<string>();
  const [alreadyRegistered, setAlreadyRegistered] = useState(false);
  const [invalidFields, setInvalidFields] = useState<ReadonlySet<string>>(new Set());
  const [values, setValues] = useState<Partial<RegistrationFormValues>>({});
  const profile = useCitizen().data;

  // A signed-in citizen's name and number fill the form, once the profile has loaded. They
  // stay editable, and a field the citizen has already typed in is left alone.
  useEffect(() => {
    if (!profile) return;
    const prefill: Pick<Partial<RegistrationFormValues>, 'name' | 'phone'> = {};
    if (profile.realName && !form.getFieldValue('name')) prefill.name = profile.realName;
    if (profile.phone && !form.getFieldValue('phone')) prefill.phone = profile.phone;
    if (Object.keys(prefill).length === 0) return;
    form.setFieldsValue(prefill);
    setValues((current) => ({ ...current, ...prefill }));
  }, [profile, form]);

  const { fields, idNumber: idRule } = eventForm.form;
  const age = ageFromIdNumber(values.idNumber, event.startsAt);
  const shown = shownFieldKeys(fields, values.answers ?? {}, age);
  const guardianNeeded = needsGuardianConsent(age);
  const notice = eventForm.safetyNotice;

  const mutation = useMutation({
    mutationFn: (payload: RegistrationPayload) =>
      submitRegistration(event.id, payload, idempotencyKey),
  });

  const fieldByKey = new Map(fields.map((field) => [field.key, field]));
  const messageFor = (path: FieldPath, code: string): string => {
    if (Array.isArray(path) && path[0] === 'answers') {
      const field = fieldByKey.get(path[1]);
      if (field) return answerProblemText(field, code);
    }
    if (Array.isArray(path)) return GUARDIAN_MESSAGES[path[1]] ?? '请检查此项';
    if (path === 'idNumber') return idNumberMessage(code);
    return ERROR_MESSAGES[code] ?? FIELD_FALLBACK_MESSAGES[path as FieldName] ?? '请检查此项';
  };

  const showServerError = (error: unknown) => {
    if (!(error instanceof ApiError)) {
      setFormError(errorMessage(error));
      return;
    }
    if (error.status >= 400 && error.status < 500) setIdempotencyKey(newIdempotencyKey());

    if (error.code === 'REG_INVALID_PHONE' || error.code === 'REG_ALREADY_REGISTERED') {
      form.setFields([{ name: 'phone', errors: [errorMessage(error)] }]);
      setAlreadyRegistered(error.code === 'REG_ALREADY_REGISTERED');
      return;
    }
    if (error.code === 'REG_INVALID_NAME') {
      form.setFields([{ name: 'name', errors: [NAME_RULE_TEXT] }]);
      return;
    }
    if (error.code === 'REG_ID_CONSENT_REQUIRED') {
      form.setFields([{ name: 'idConsent', errors: [errorMessage(error)] }]);
      return;
    }
    if (error.code.startsWith('REG_SAFETY_NOTICE')) {
      form.setFields([{ name: 'accepted', errors: [errorMessage(error)] }]);
      void queryClient.invalidateQueries({ queryKey: ['events', event.id, 'registration-form'] });
      return;
    }
    const fieldErrors = (error.problem.errors ?? []).flatMap((fieldError) => {
      const path = toFieldPath(fieldError.field);
      if (!path) return [];
      return [{ name: path, errors: [messageFor(path, fieldError.code)] }];
    });
    if (fieldErrors.length > 0) {
      form.setFields(fieldErrors);
      return;
    }
    setFormError(errorMessage(error));
    if (EVENT_REJECTION_CODES.has(error.code)) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.events });
    }
  };

  const submit = async (submitted: RegistrationFormValues) => {
    if (sending.current) return;
    const phone = checkPhone(submitted.phone);
    if (!('phone' in phone)) return;
    const answers = Object.fromEntries(
      Object.entries(submitted.answers ?? {}).filter(([key]) => shown.has(key)),
    );
    const idNumber = idRule === 'hidden' ? '' : (submitted.idNumber ?? '').trim();
    const payload: RegistrationPayload = {
      name: normaliseName(submitted.name),
      phone: phone.phone,
      answers,
      ...(group ? { groupId: group.id } : {}),
      ...(idNumber ? { idNumber, idConsent: submitted.idConsent === true } : {}),
      ...(notice ? { safetyNoticeVersion: notice.version } : {}),
      ...(guardianNeeded && submitted.guardian
        ? {
            guardian: {
              name: normaliseName(submitted.guardian.name ?? ''),
              phone: submitted.guardian.phone ?? '',
              consent: submitted.guardian.consent === true,
            },
          }
        : {}),
    };
    sending.current = true;
    setFormError(undefined);
    setAlreadyRegistered(false);
    try {
      const registration = await mutation.mutateAsync(payload);
      rememberTicket(registration);
      void queryClient.invalidateQueries({ queryKey: queryKeys.events });
      const state: TicketLocationState = { registration };
      navigate(`/tickets/${encodeURIComponent(registration.code)}`, { replace: true, state });
    } catch (error) {
      showServerError(error);
    } finally {
      sending.current = false;
    }
  };

  // Validate on blur while a field is fine, and on every change once it shows an error,
  // so that the error disappears as soon as the input is corrected.
  const triggerFor = (name: string) => (invalidFields.has(name) ? 'onChange' : 'onBlur');

  return (
    <Form
      form={form}
      layout="vertical"
      className="register-form"
      requiredMarkStyle="asterisk"
      onFinish={submit}
      onValuesChange={(_, all) => setValues(all)}
      onFieldsChange={(_, allFields) => {
        const names = allFields
          .filter((field) => (field.errors ?? []).length > 0)
          .map((field) => String(field.name));
        setInvalidFields(new Set(names));
      }}
      footer={
        <div className="register-footer">
          {formError && (
            <div className="form-alert" role="alert">
              {formError}
            </div>
          )}
          {alreadyRegistered && (
            <p className="form-hint">
              如在本机报过名，可在 <Link to="/tickets">我的报名</Link> 中查看报名码
            </p>
          )}
          <Button
            block
            type="submit"
            color="primary"
            size="large"
            shape="rounded"
            loading={mutation.isPending}
            loadingText="正在提交"
            disabled={mutation.isPending}
          >
            {waiting ? '提交并加入候补' : '提交报名'}
          </Button>
          <p className="form-hint">您填写的信息仅用于本次赛事的报名、通知和签到</p>
        </div>
      }
    >
      <Form.Header>报名人信息</Form.Header>
      <Form.Item
        name="name"
        label="姓名"
        required
        validateTrigger={triggerFor('name')}
        rules={[
          {
            validator: async (_, value: string | undefined) => {
              const problem = nameProblem(value ?? '');
              if (problem) throw new Error(problem);
            },
          },
        ]}
      >
        <Input
          placeholder="请输入真实姓名"
          autoComplete="name"
          maxLength={NAME_MAX_LENGTH}
          clearable
        />
      </Form.Item>
      <Form.Item
        name="phone"
        label="手机号码"
        required
        validateTrigger={triggerFor('phone')}
        rules={[
          {
            validator: async (_, value: string | undefined) => {
              const result = checkPhone(value ?? '');
              if ('problem' in result) throw new Error(result.problem);
            },
          },
        ]}
      >
        <Input
          type="tel"
          inputMode="tel"
          placeholder="请输入11位手机号码"
          autoComplete="tel"
          maxLength={20}
          clearable
        />
      </Form.Item>
      {idRule !== 'hidden' && (
        <IdNumberItems required={idRule === 'required'} triggerFor={triggerFor} values={values} />
      )}
      {fields.some((field) => shown.has(field.key)) && <Form.Header>报名信息</Form.Header>}
      {fields
        .filter((field) => shown.has(field.key))
        .map((field) => (
          <Form.Item
            key={field.key}
            name={['answers', field.key]}
            label={field.label}
            description={field.help}
            required={field.required}
            validateTrigger={triggerFor(`answers,${field.key}`)}
            rules={[
              {
                validator: async (_, value: unknown) => {
                  const result = checkAnswers([{ ...field, showWhen: undefined }], {
                    [field.key]: value,
                  });
                  const [problem] = result.ok ? [] : result.errors;
                  if (problem) throw new Error(answerProblemText(field, problem.problem));
                },
              },
            ]}
          >
            <FormFieldInput eventId={event.id} field={field} />
          </Form.Item>
        ))}
      {guardianNeeded && (
        <GuardianItems consentAge={eventForm.guardianConsentAge} triggerFor={triggerFor} />
      )}
      <Form.Header>安全和保险提示</Form.Header>
      {notice && <p className="safety-notice-body">{notice.body}</p>}
      <Form.Item
        name="accepted"
        valuePropName="checked"
        validateTrigger={triggerFor('accepted')}
        rules={[
          {
            validator: async (_, value: boolean | undefined) => {
              if (!value) throw new Error('请阅读并勾选同意安全和保险提示');
            },
          },
        ]}
      >
        <Checkbox className="safety-checkbox">
          {notice ? '我已阅读并同意以上安全和保险提示' : `我已阅读并同意：${SAFETY_NOTICE}`}
        </Checkbox>
      </Form.Item>
    </Form>
  );
}

type TriggerFor = (name: string) => 'onChange' | 'onBlur';

/** Renders the ID number field with the consent checkbox that the number needs to be sent. */
function IdNumberItems(props: {
  required: boolean;
  triggerFor: TriggerFor;
  values: Partial<RegistrationFormValues>;
}) {
  const given = typeof props.values.idNumber === 'string' && props.values.idNumber.trim() !== '';
  return (
    <>
      <Form.Item
        name="idNumber"
        label="身份证号"
        required={props.required}
        description={props.required ? '用于核对年龄和身份' : '选填，用于核对年龄和身份'}
        validateTrigger={props.triggerFor('idNumber')}
        rules={[
          {
            validator: async (_, value: string | undefined) => {
              const text = (value ?? '').trim();
              if (text === '') {
                if (props.required) throw new Error(RESIDENT_ID_PROBLEM_MESSAGES.empty);
                return;
              }
              const problem = residentIdProblem(text);
              if (problem) throw new Error(problem);
            },
          },
        ]}
      >
        <Input placeholder="18位居民身份证号" maxLength={24} clearable />
      </Form.Item>
      {(given || props.required) && (
        <Form.Item
          name="idConsent"
          valuePropName="checked"
          validateTrigger={props.triggerFor('idConsent')}
          rules={[
            {
              validator: async (_, value: boolean | undefined) => {
                if (!value && given) throw new Error('提供身份证号须勾选同意');
              },
            },
          ]}
        >
          <Checkbox>我同意提供身份证号，仅用于本次赛事的报名核验和保险</Checkbox>
        </Form.Item>
      )}
    </>
  );
}

/** Renders the guardian's name, mobile number and consent, required for entrants under 14. */
function GuardianItems({ consentAge, triggerFor }: { consentAge: number; triggerFor: TriggerFor }) {
  return (
    <>
      <Form.Header>监护人同意</Form.Header>
      <p className="form-hint guardian-hint">{guardianHint('报名人', consentAge)}</p>
      <Form.Item
        name={['guardian', 'name']}
        label="监护人姓名"
        required
        validateTrigger={triggerFor('guardian,name')}
        rules={[
          {
            validator: async (_, value: string | undefined) => {
              const problem = guardianNameProblem(value ?? '');
              if (problem) throw new Error(problem);
            },
          },
        ]}
      >
        <Input placeholder="请输入监护人真实姓名" maxLength={NAME_MAX_LENGTH} clearable />
      </Form.Item>
      <Form.Item
        name={['guardian', 'phone']}
        label="监护人手机号码"
        required
        validateTrigger={triggerFor('guardian,phone')}
        rules={[
          {
            validator: async (_, value: string | undefined) => {
              const result = checkPhone(value ?? '');
              if ('problem' in result) throw new Error(result.problem);
            },
          },
        ]}
      >
        <Input
          type="tel"
          inputMode="tel"
          placeholder="请输入11位手机号码"
          maxLength={20}
          clearable
        />
      </Form.Item>
      <Form.Item
        name={['guardian', 'consent']}
        valuePropName="checked"
        rules={[
          {
            validator: async (_, value: boolean | undefined) => {
              if (!value) throw new Error(GUARDIAN_CONSENT_MISSING);
            },
          },
        ]}
      >
        <Checkbox>我是报名人的监护人，同意其参加本次赛事</Checkbox>
      </Form.Item>
    </>
  );
}
