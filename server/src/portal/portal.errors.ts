import { defineError } from '../http/problem.js';

export const PortalDisabled = defineError(
  'PORTAL_DISABLED',
  'Self-registration through the government portal is not configured (OIDC_ISSUER is unset)',
  404,
);
export const PortalUnavailable = defineError(
  'PORTAL_UNAVAILABLE',
  'The government portal cannot be reached: try again later',
  503,
);
export const PortalStartLimited = defineError(
  'PORTAL_START_LIMITED',
  'Too many portal log-ins were started from this address: wait a minute and try again',
  429,
);
export const PortalLoginExpired = defineError(
  'PORTAL_LOGIN_EXPIRED',
  'The portal log-in is missing or expired: start again from the sign-in page',
  400,
);
export const PortalStateMismatch = defineError(
  'PORTAL_STATE_MISMATCH',
  'The state returned by the portal does not match this log-in: start again',
  400,
);
export const PortalLoginDenied = defineError(
  'PORTAL_LOGIN_DENIED',
  'The portal returned the error %s instead of an authorization code',
  400,
);
export const PortalLoginFailed = defineError(
  'PORTAL_LOGIN_FAILED',
  'The portal rejected the authorization code or returned invalid tokens',
  502,
);
export const PortalClaimMissing = defineError(
  'PORTAL_CLAIM_MISSING',
  'The portal identity has no %s claim: check OIDC_CREDIT_CODE_CLAIM and OIDC_ORG_NAME_CLAIM',
  502,
);
export const PortalInvalidCreditCode = defineError(
  'PORTAL_INVALID_CREDIT_CODE',
  'The portal identity carries an invalid unified social credit code: see errors',
  400,
);
export const PortalSubjectMismatch = defineError(
  'PORTAL_SUBJECT_MISMATCH',
  'The account of this credit code is linked to another portal identity',
  409,
);
export const PortalRegistrationRequired = defineError(
  'PORTAL_REGISTRATION_REQUIRED',
  'Sign in through the government portal first: the registration cookie is missing or expired',
  401,
);
export const PortalRegistrationClosed = defineError(
  'PORTAL_REGISTRATION_CLOSED',
  'The registration is %s and cannot be changed',
  409,
);
export const PortalNotShanghaiDistrict = defineError(
  'PORTAL_NOT_SHANGHAI_DISTRICT',
  'Credit code region %s is not a Shanghai district: a district sports bureau needs one',
  400,
);
export const PortalNotPresetStreet = defineError(
  'PORTAL_NOT_PRESET_STREET',
  'Account %s is not a preset street account (SAGYWTB followed by its number)',
  400,
);
export const PortalAccountLinked = defineError(
  'PORTAL_ACCOUNT_LINKED',
  'Account %s is already linked to a portal identity',
  409,
);
export const PortalRequestNotFound = defineError(
  'PORTAL_REQUEST_NOT_FOUND',
  'Registration request %s not found',
  404,
);
export const PortalRequestNotPending = defineError(
  'PORTAL_REQUEST_NOT_PENDING',
  'Registration request %s is not awaiting a decision',
  409,
);
export const PortalReasonRequired = defineError(
  'PORTAL_REASON_REQUIRED',
  'A rejection needs a reason for the applicant',
  400,
);
export const PortalAccountNotEligible = defineError(
  'PORTAL_ACCOUNT_NOT_ELIGIBLE',
  'Accounts of type %s sign in with username and password only',
  403,
);
