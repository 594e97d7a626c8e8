import { defineError } from '../http/problem.js';

export const InvalidCredentials = defineError(
  'ACC_INVALID_CREDENTIALS',
  'Username or password is wrong',
  401,
);
export const SessionRequired = defineError(
  'ACC_SESSION_REQUIRED',
  'Sign in first: the session is missing or expired',
  401,
);
export const OutOfScope = defineError(
  'ACC_OUT_OF_SCOPE',
  'Division %s is outside the account scope',
  403,
);
export const RoleForbidden = defineError(
  'ACC_ROLE_FORBIDDEN',
  'This account type may not use this function',
  403,
);
export const UsernameTaken = defineError('ACC_USERNAME_TAKEN', 'Username %s is already taken', 409);
export const InvalidScope = defineError(
  'ACC_INVALID_SCOPE',
  'Account type %s needs a %s division, got %s',
  400,
);
export const WrongPassword = defineError(
  'ACC_WRONG_PASSWORD',
  'The current password is wrong',
  400,
);
export const WeakPassword = defineError(
  'ACC_WEAK_PASSWORD',
  'The new password breaks the password policy: see errors for each failed rule',
  400,
);
export const PasswordChangeRequired = defineError(
  'ACC_PASSWORD_CHANGE_REQUIRED',
  'Change the initial password first: POST /api/me/password',
  403,
);
export const CsrfRejected = defineError(
  'CSRF_REJECTED',
  'Cross-site request rejected: the Origin or Referer header names another host',
  403,
);
export const InvalidCreditCode = defineError(
  'ORG_INVALID_CREDIT_CODE',
  'Unified social credit code %s is invalid: see errors for the reason and position',
  400,
);
export const CreditCodeTaken = defineError(
  'ORG_CREDIT_CODE_TAKEN',
  'Unified social credit code %s is already used by another organisation',
  409,
);
export const SecondFactorRequired = defineError(
  'ACC_SECOND_FACTOR_REQUIRED',
  'Complete two-factor sign-in first: POST /api/session/totp, or enrol at POST /api/me/totp/enrolment',
  403,
);
export const TotpInvalidCode = defineError(
  'ACC_TOTP_INVALID_CODE',
  'The one-time code is wrong or expired: enter the current 6-digit code of the authenticator app',
  400,
);
export const TotpCodeUsed = defineError(
  'ACC_TOTP_CODE_USED',
  'This one-time code has already been used: wait for the next code and enter it',
  409,
);
export const TotpNotPending = defineError(
  'ACC_TOTP_NOT_PENDING',
  'The session does not wait for this step: it needs %s',
  409,
);
export const TotpAlreadyEnrolled = defineError(
  'ACC_TOTP_ALREADY_ENROLLED',
  'Two-factor sign-in is already set up for this account: remove it before enrolling again',
  409,
);
export const TotpEnrolmentNotStarted = defineError(
  'ACC_TOTP_ENROLMENT_NOT_STARTED',
  'No enrolment is in progress: POST /api/me/totp/enrolment first',
  409,
);
export const TotpNotEnrolled = defineError(
  'ACC_TOTP_NOT_ENROLLED',
  'Two-factor sign-in is not set up for this account',
  409,
);
export const TotpRequired = defineError(
  'ACC_TOTP_REQUIRED',
  'Account type %s must keep two-factor sign-in: ask the operator to reset it instead',
  403,
);
export const AccountDisabled = defineError(
  'ACC_ACCOUNT_DISABLED',
  'This account is disabled: ask the platform operator to enable it',
  403,
);
export const UserNotFound = defineError('ACC_USER_NOT_FOUND', 'Account %s does not exist', 404);
export const PlatformAccountProtected = defineError(
  'ACC_PLATFORM_ACCOUNT_PROTECTED',
  'Operator and security officer accounts are managed only with the account:create command',
  403,
);
