import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, Result, Skeleton } from 'antd-mobile';
import { useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { ERROR_MESSAGES, errorMessage } from '../../lib/messages';
import { PageNavBar } from '../components/PageNavBar';
import { RegistrationStatusTag } from '../components/RegistrationStatusTag';
import { addressLine } from '../event-text';
import { createRegistration, type PublicEvent, type Registration } from '../events-api';
import { formatRange } from '../format';
import { newIdempotencyKey } from '../idempotency-key';
import { queryKeys, useEvent } from '../queries';
import {
  checkPhone,
  NAME_MAX_LENGTH,
  NAME_RULE_TEXT,
  nameProblem,
  normaliseName,
  SAFETY_NOTICE,
} from '../registration-rules';
import { rememberTicket } from '../ticket-store';
import { useDocumentTitle } from '../use-document-title';
import { bottomHint, CLOSED_BUTTON_TEXT, EventLoadError } from './EventDetailPage';

interface RegistrationFormValues {
  name: string;
  phone: string;
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
  useDocumentTitle('填写报名信息');

  return (
    <div className="page">
      <PageNavBar title="填写报名信息" />
      {event.isPending && (
        <main className="page-body" aria-busy="true" aria-label="正在加载赛事">
          <section className="panel">
            <Skeleton.Paragraph lineCount={5} animated />
          </section>
        </main>
      )}
      {event.isError && <EventLoadError error={event.error} onRetry={() => void event.refetch()} />}
      {event.isSuccess && (
        <main className="page-body">
          <EventSummary event={event.data} />
          {event.data.registrationStatus === 'open' ? (
            <RegistrationForm event={event.data} />
          ) : (
            <RegistrationUnavailable event={event.data} />
          )}
        </main>
      )}
    </div>
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

/** Replaces the form when the event takes no registrations, saying why and when. */
function RegistrationUnavailable({ event }: { event: PublicEvent }) {
  const navigate = useNavigate();
  const status = event.registrationStatus;
  if (status === 'open') return null;
  return (
    <section className="panel register-unavailable" role="status">
      <Result
        status={status === 'not_open' ? 'waiting' : 'info'}
        title={CLOSED_BUTTON_TEXT[status]}
        description={bottomHint(event)}
      />
      <div className="register-unavailable-actions">
        <Button
          block
          color="primary"
          size="large"
          shape="rounded"
          onClick={() => navigate(`/events/${event.id}`, { replace: true })}
        >
          查看赛事详情
        </Button>
        <Button block size="large" shape="rounded" onClick={() => navigate('/')}>
          看看其他赛事
        </Button>
      </div>
    </section>
  );
}

/** Maps a field path of a validation error ("name", "/body/phone") to a form field. */
function toFieldName(path: string): FieldName | undefined {
  const last = path.split(/[./]/).pop();
  return last === 'name' || last === 'phone' ? last : undefined;
}

function RegistrationForm({ event }: { event: PublicEvent }) {
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

  const mutation = useMutation({
    mutationFn: (input: { name: string; phone: string }) =>
      createRegistration(event.id, input, idempotencyKey),
  });

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
    const fieldErrors = (error.problem.errors ?? []).flatMap((fieldError) => {
      const name = toFieldName(fieldError.field);
      if (!name) return [];
      const message = ERROR_MESSAGES[fieldError.code] ?? FIELD_FALLBACK_MESSAGES[name];
      return [{ name, errors: [message] }];
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

  const submit = async (values: RegistrationFormValues) => {
    if (sending.current) return;
    const phone = checkPhone(values.phone);
    if (!('phone' in phone)) return;
    sending.current = true;
    setFormError(undefined);
    setAlreadyRegistered(false);
    try {
      const registration = await mutation.mutateAsync({
        name: normaliseName(values.name),
        phone: phone.phone,
      });
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
            提交报名
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
      <Form.Header>安全须知</Form.Header>
      <Form.Item
        name="accepted"
        valuePropName="checked"
        validateTrigger={triggerFor('accepted')}
        rules={[
          {
            validator: async (_, value: boolean | undefined) => {
              if (!value) throw new Error('请阅读并勾选同意安全须知');
            },
          },
        ]}
      >
        <Checkbox className="safety-checkbox">我已阅读并同意：{SAFETY_NOTICE}</Checkbox>
      </Form.Item>
    </Form>
  );
}
