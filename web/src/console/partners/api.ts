import { api } from '../../lib/api';

export const PARTNER_SCOPES = [
  'events:read',
  'events:write',
  'registrations:read',
  'registrations:write',
] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

export const PARTNER_SCOPE_LABELS: Record<PartnerScope, string> = {
  'events:read': '读取赛事',
  'events:write': '报送赛事',
  'registrations:read': '读取本平台赛事的报名',
  'registrations:write': '报送报名',
};

export interface PartnerCredential {
  keyId: string;
  createdAt: string;
  expiresAt: string | null;
}

export interface Partner {
  id: string;
  name: string;
  organisationId: string;
  contactName: string;
  contactPhoneMasked: string;
  scopes: PartnerScope[];
  rateLimitPerMinute: number;
  status: 'active' | 'suspended';
  createdAt: string;
  updatedAt: string;
  credentials: PartnerCredential[];
}

export interface IssuedCredential {
  partner: Partner;
  credential: { keyId: string; secret: string };
}

export interface NewPartner {
  name: string;
  creditCode: string;
  contactName: string;
  contactPhone: string;
  scopes: PartnerScope[];
  rateLimitPerMinute: number;
}

export type PartnerChanges = Partial<
  Pick<NewPartner, 'contactName' | 'contactPhone' | 'scopes' | 'rateLimitPerMinute'> & {
    status: Partner['status'];
  }
>;

const partnerPath = (id: string) => `/api/operator/partners/${encodeURIComponent(id)}`;

export const partnerQueryKey = ['operator-partners'] as const;

export const fetchPartners = () => api<{ items: Partner[] }>('/api/operator/partners');

export const createPartner = (input: NewPartner) =>
  api<IssuedCredential>('/api/operator/partners', { method: 'POST', body: input });

export const updatePartner = (id: string, changes: PartnerChanges) =>
  api<Partner>(partnerPath(id), { method: 'PATCH', body: changes });

export const rotateCredential = (id: string, overlapHours: number) =>
  api<IssuedCredential>(`${partnerPath(id)}/credentials`, {
    method: 'POST',
    body: { overlapHours },
  });

export const revokeCredential = (id: string, keyId: string) =>
  api<Partner>(`${partnerPath(id)}/credentials/${encodeURIComponent(keyId)}`, {
    method: 'DELETE',
  });

export interface WebhookEndpoint {
  id: string;
  url: string;
  actions: string[];
  status: 'active' | 'disabled';
  disabledReason: string | null;
  createdAt: string;
}

export interface DeliveryAttempt {
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export interface WebhookDelivery {
  id: string;
  status: 'pending' | 'delivered' | 'abandoned';
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  endpoint: { id: string; url: string };
  webhook: {
    id: string;
    action: string;
    resourceType: string;
    resourceId: string;
    sequence: number;
  };
  log: DeliveryAttempt[];
}

export interface DuplicateAttempt {
  id: string;
  at: string;
  eventId: string;
  eventName: string;
  personRef: string;
  attempted: { channel: string; partnerName: string | null };
  existing: { registrationId: string; channel: string; partnerName: string | null };
}

export interface ReconciliationReport {
  day: string;
  league: {
    events: { id: string; name: string; state: string }[];
    registrations: { id: string; eventId: string; status: string; channel: string }[];
  };
  partner: {
    eventIds: string[];
    registrations: { id: string; status: string }[];
    receivedAt: string;
  } | null;
  differences: {
    eventsMissingAtPartner: string[];
    eventsMissingHere: string[];
    registrationsMissingAtPartner: string[];
    registrationsMissingHere: string[];
    statusMismatches: { id: string; league: string; partner: string }[];
  };
}

export interface HostedEvent {
  eventId: string;
  name: string;
  state: string;
  since: string;
}

/** An approved or published event of another organisation that a partner may host. */
export interface HostableEvent {
  eventId: string;
  name: string;
  state: string;
  startsAt: string | null;
  organisationName: string;
  divisionName: string;
  hosted: boolean;
}

export interface PartnerOversight {
  id: string;
  name: string;
  status: string;
  events: { total: number; published: number };
  registrations: { live: number; pushed: number };
  webhooks: {
    endpointsActive: number;
    endpointsDisabled: number;
    delivered24h: number;
    pending: number;
    abandoned24h: number;
    failedAttempts24h: number;
    lastDeliveredAt: string | null;
  };
  duplicates7d: number;
}

export const fetchPartner = (id: string) => api<Partner>(partnerPath(id));

export const fetchEndpoints = (id: string) =>
  api<{ items: WebhookEndpoint[] }>(`${partnerPath(id)}/webhooks`);

export const fetchDeliveries = (id: string, endpointId?: string) =>
  api<{ items: WebhookDelivery[] }>(
    `${partnerPath(id)}/webhook-deliveries?limit=100${
      endpointId ? `&endpointId=${encodeURIComponent(endpointId)}` : ''
    }`,
  );

export const redeliver = (id: string, deliveryId: string) =>
  api<null>(`${partnerPath(id)}/webhook-deliveries/${encodeURIComponent(deliveryId)}/redeliver`, {
    method: 'POST',
  });

export const fetchDuplicates = (id: string) =>
  api<{ items: DuplicateAttempt[] }>(`${partnerPath(id)}/duplicates`);

export const fetchReconciliation = (id: string, day: string) =>
  api<ReconciliationReport>(`${partnerPath(id)}/reconciliation/${encodeURIComponent(day)}`);

export const fetchHostedEvents = (id: string) =>
  api<{ items: HostedEvent[] }>(`${partnerPath(id)}/hosted-events`);

export const searchHostableEvents = (id: string, text: string) =>
  api<{ items: HostableEvent[] }>(
    `${partnerPath(id)}/hostable-events?limit=20${text ? `&q=${encodeURIComponent(text)}` : ''}`,
  );

export const setHostedEvent = (id: string, eventId: string, hosted: boolean) =>
  api<null>(`${partnerPath(id)}/hosted-events/${encodeURIComponent(eventId)}`, {
    method: hosted ? 'PUT' : 'DELETE',
  });

export const fetchOversight = () => api<{ items: PartnerOversight[] }>('/api/oversight/partners');

export const WEBHOOK_ACTION_LABELS: Record<string, string> = {
  'event.approved': '赛事通过审核',
  'event.changed': '赛事变更',
  'event.cancelled': '赛事取消',
  'registration.created': '新增报名',
  'registration.changed': '报名变更',
  'registration.cancelled': '报名取消',
  'check_in.recorded': '现场签到',
  'results.published': '成绩发布',
};

export const CHANNEL_LABELS: Record<string, string> = {
  web: '联赛报名页',
  console: '联赛后台',
  partner: '合作平台',
};
