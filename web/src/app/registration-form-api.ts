import type { AnswerProblem, FormField, RegistrationForm } from '@cityleague/domain';
import { useQuery } from '@tanstack/react-query';

import { api, ApiError } from '../lib/api';
import type { Registration } from './events-api';

/** An event's registration form as GET /api/events/:id/registration-form returns it. */
export interface EventForm {
  form: RegistrationForm;
  version: number;
  safetyNotice: { version: number; body: string } | null;
  guardianConsentAge: number;
  attachmentMaxBytes: number;
}

/** Everything a registration sends besides the idempotency key. */
export interface RegistrationPayload {
  name: string;
  phone: string;
  idNumber?: string;
  idConsent?: boolean;
  answers: Record<string, unknown>;
  /** The group entered; the server takes the event's only group without it. */
  groupId?: string;
  safetyNoticeVersion?: number;
  guardian?: { name: string; phone: string; consent: boolean };
}

export function useEventForm(eventId: string) {
  return useQuery({
    queryKey: ['events', eventId, 'registration-form'],
    queryFn: () => api<EventForm>(`/api/events/${encodeURIComponent(eventId)}/registration-form`),
  });
}

export function submitRegistration(
  eventId: string,
  payload: RegistrationPayload,
  idempotencyKey: string,
): Promise<Registration> {
  return api<Registration>(`/api/events/${encodeURIComponent(eventId)}/registrations`, {
    method: 'POST',
    body: payload,
    headers: { 'idempotency-key': idempotencyKey },
  });
}

/** Uploads a file answer; resolves to the attachment id the registration sends as the answer. */
export async function uploadAttachment(eventId: string, fieldKey: string, file: File) {
  const body = new FormData();
  body.append('fieldKey', fieldKey);
  body.append('file', file);
  const response = await fetch(
    `/api/events/${encodeURIComponent(eventId)}/registration-attachments`,
    { method: 'POST', body, credentials: 'same-origin' },
  );
  const parsed: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const problem = parsed as { code?: string };
    throw new ApiError({ status: response.status, code: problem.code ?? 'UNKNOWN' });
  }
  return parsed as { id: string; fileName: string; sizeBytes: number };
}

/** Whether the signed-in citizen can register with one click, and why not. */
export interface OneClickStatus {
  available: boolean;
  problems: string[];
  safetyNotice: { version: number; body: string } | null;
}

/** Loads the one-click status; null when no citizen is signed in. */
export function useOneClick(eventId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['events', eventId, 'one-click'],
    enabled,
    queryFn: async () => {
      try {
        return await api<OneClickStatus>(
          `/api/citizen/events/${encodeURIComponent(eventId)}/one-click`,
        );
      } catch (error) {
        if (error instanceof ApiError && error.code === 'CIT_SESSION_REQUIRED') return null;
        throw error;
      }
    },
  });
}

export function registerWithOneClick(
  eventId: string,
  safetyNoticeVersion: number | undefined,
  idempotencyKey: string,
  groupId?: string,
): Promise<Registration> {
  return api<Registration>(
    `/api/citizen/events/${encodeURIComponent(eventId)}/one-click-registrations`,
    {
      method: 'POST',
      body: {
        ...(safetyNoticeVersion === undefined ? {} : { safetyNoticeVersion }),
        ...(groupId === undefined ? {} : { groupId }),
      },
      headers: { 'idempotency-key': idempotencyKey },
    },
  );
}

/** Returns the Chinese message for a problem with one answer. */
export function answerProblemText(field: FormField, problem: AnswerProblem | string): string {
  const choice = field.type === 'single_choice' || field.type === 'multiple_choice';
  switch (problem) {
    case 'required':
      if (field.type === 'file') return `请上传${field.label}`;
      return choice ? `请选择${field.label}` : `请填写${field.label}`;
    case 'too_short':
      return `${field.label}至少 ${field.min ?? 0} 个字`;
    case 'too_long':
      return `${field.label}最多 ${field.max ?? 500} 个字`;
    case 'below_min':
      return `${field.label}不能小于 ${field.min ?? 0}`;
    case 'above_max':
      return `${field.label}不能大于 ${field.max ?? 0}`;
    case 'invalid_date':
      return '请填写正确的日期';
    case 'not_an_option':
      return '请从选项中选择';
    case 'too_few':
      return `至少选择 ${field.min ?? 1} 项`;
    case 'too_many':
      return `最多选择 ${field.max ?? 1} 项`;
    case 'unknown_file':
      return '文件无效，请重新上传';
    default:
      return field.type === 'number' ? `${field.label}须为数字` : `${field.label}格式不正确`;
  }
}
