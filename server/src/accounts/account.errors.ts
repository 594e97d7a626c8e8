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
