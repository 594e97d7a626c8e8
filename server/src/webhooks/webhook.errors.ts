import { defineError } from '../http/problem.js';

export const EndpointNotFound = defineError(
  'WHK_ENDPOINT_NOT_FOUND',
  'Webhook endpoint %s of this partner not found',
  404,
);
export const DeliveryNotFound = defineError(
  'WHK_DELIVERY_NOT_FOUND',
  'Webhook delivery %s of this partner not found',
  404,
);
export const InvalidEndpointUrl = defineError(
  'WHK_INVALID_URL',
  'Webhook URL must be an absolute http(s) URL without credentials to an allowed host (not link-local; production: https to a public host)',
  400,
);
