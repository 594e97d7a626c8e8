import { defineError } from '../http/problem.js';

export const PartnerNotFound = defineError('PTN_NOT_FOUND', 'Partner %s not found', 404);
export const PartnerNameTaken = defineError(
  'PTN_NAME_TAKEN',
  'A partner named %s already exists',
  409,
);
export const CredentialNotFound = defineError(
  'PTN_CREDENTIAL_NOT_FOUND',
  'Credential %s of this partner not found',
  404,
);
export const SignatureMissing = defineError(
  'PTN_SIGNATURE_MISSING',
  'Signed request headers are missing or malformed: send x-cl-key-id, x-cl-timestamp, x-cl-nonce and x-cl-signature',
  401,
);
export const RequestExpired = defineError(
  'PTN_REQUEST_EXPIRED',
  'Request timestamp is more than 300 seconds away from the server clock',
  401,
);
export const SignatureInvalid = defineError(
  'PTN_SIGNATURE_INVALID',
  'Signature does not match the request, or the key id is unknown or expired',
  401,
);
export const NonceReplayed = defineError(
  'PTN_NONCE_REPLAYED',
  'Nonce was already used with this key: send a new nonce with every request',
  401,
);
export const PartnerSuspended = defineError('PTN_SUSPENDED', 'Partner is suspended', 403);
export const ScopeMissing = defineError(
  'PTN_SCOPE_MISSING',
  'Partner lacks the %s scope for this request',
  403,
);
export const IdempotencyKeyRequired = defineError(
  'PTN_IDEMPOTENCY_KEY_REQUIRED',
  'Idempotency-Key header is missing or invalid: send 1 to 64 visible ASCII characters, new for every write',
  400,
);
export const IdempotencyMismatch = defineError(
  'PTN_IDEMPOTENCY_MISMATCH',
  'Idempotency-Key %s was used within 24 hours for a different request: send a new key for a new write',
  422,
);
export const IdempotencyInProgress = defineError(
  'PTN_IDEMPOTENCY_IN_PROGRESS',
  'A request with Idempotency-Key %s is still in progress: retry after the Retry-After seconds',
  409,
);
export const EventNotHostable = defineError(
  'PTN_EVENT_NOT_HOSTABLE',
  'Event %s cannot be hosted by this partner: choose an approved or published event of another organisation',
  409,
);
