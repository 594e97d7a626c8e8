import { defineError } from '../http/problem.js';

export const CitizenInvalidPhone = defineError(
  'CIT_INVALID_PHONE',
  'The mobile number is not a valid mainland number: see errors for the reason',
  400,
);
export const SmsCodeLimitReached = defineError(
  'CIT_SMS_CODE_LIMIT',
  'Too many SMS codes requested for this %s: retry after %s seconds',
  429,
);
export const SmsCodeResendWait = defineError(
  'CIT_SMS_CODE_RESEND_WAIT',
  'A code was sent to this number less than a minute ago: retry after %s seconds',
  429,
);
export const InvalidSmsCode = defineError(
  'CIT_INVALID_SMS_CODE',
  'The SMS code is wrong, expired or already used: request a new code',
  401,
);
export const SmsCodeBurnt = defineError(
  'CIT_SMS_CODE_BURNT',
  'The SMS code was entered wrong too many times and no longer works: request a new code',
  401,
);
export const CitizenSessionRequired = defineError(
  'CIT_SESSION_REQUIRED',
  'Sign in with an SMS code first: the citizen session is missing or expired',
  401,
);
export const CitizenInvalidName = defineError(
  'CIT_INVALID_NAME',
  'The real name is invalid: see errors for the reason',
  400,
);
export const InvalidIdNumber = defineError(
  'CIT_INVALID_ID_NUMBER',
  'The resident ID number is invalid: see errors for the reason and position',
  400,
);
export const IdConsentRequired = defineError(
  'CIT_ID_CONSENT_REQUIRED',
  'Storing an ID number needs the citizen consent: send idConsent true',
  400,
);
export const InvalidPreferences = defineError(
  'CIT_INVALID_PREFERENCES',
  'The favourite sports or district are invalid: see errors for each field',
  400,
);
