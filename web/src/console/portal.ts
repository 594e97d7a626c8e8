import { api } from '../lib/api';
import type { Me } from './types';

/** Account types an organisation may register as through the government portal. */
export type SelfRegistrationType = 'contractor' | 'district_bureau' | 'community_association';

/** A self-registration continued by the registration cookie that the portal callback set. */
export interface PortalRegistration {
  id: string;
  status: 'started' | 'pending' | 'approved' | 'rejected' | 'completed';
  creditCode: string;
  organisationName: string;
  accountType: string | null;
  rejectReason: string | null;
  /** The Shanghai district that the credit code's region digits name, if any. */
  district: { code: string; name: string } | null;
}

/** A registration request as the operator reviews it. */
export interface RegistrationRequest {
  id: string;
  status: 'pending' | 'approved' | 'rejected';
  creditCode: string;
  organisationName: string;
  accountType: SelfRegistrationType | null;
  divisionCode: string | null;
  divisionName: string | null;
  rejectReason: string | null;
  submittedAt: string;
  decidedAt: string | null;
}

/** Address that starts the portal log-in; the browser navigates to it. */
export const PORTAL_START_PATH = '/api/portal/start';

export const fetchPortalStatus = () => api<{ enabled: boolean }>('/api/portal');

export const fetchRegistration = () => api<PortalRegistration>('/api/portal/registration');

export const submitRegistration = (accountType: SelfRegistrationType, password: string) =>
  api<{ status: 'active'; me: Me } | { status: 'pending' }>('/api/portal/registration', {
    method: 'POST',
    body: { accountType, password },
  });

export const linkPresetStreet = (username: string, password: string) =>
  api<Me>('/api/portal/registration/street-link', {
    method: 'POST',
    body: { username, password },
  });

export const fetchRegistrationRequests = (status: RegistrationRequest['status']) =>
  api<RegistrationRequest[]>(`/api/registration-requests?status=${status}`);

export const approveRegistrationRequest = (id: string) =>
  api<{ userId: string }>(`/api/registration-requests/${encodeURIComponent(id)}/approve`, {
    method: 'POST',
  });

export const rejectRegistrationRequest = (id: string, reason: string) =>
  api<void>(`/api/registration-requests/${encodeURIComponent(id)}/reject`, {
    method: 'POST',
    body: { reason },
  });
