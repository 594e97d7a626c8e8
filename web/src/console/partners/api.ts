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
