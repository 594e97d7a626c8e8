import type { FastifyRequest } from 'fastify';

/** Replacement for a personal data value in a logged URL. */
export const REDACTED = '[redacted]';

// Query parameters whose values are personal data, whatever they look like.
const PERSONAL_PARAMETER =
  /phone|mobile|tel|name|idnumber|id_number|idcard|resident|email|contact/i;
// Mainland mobile numbers and 18-character ID numbers anywhere in a path or query value.
const MOBILE = /(?<!\d)(?:0086|86)?1[3-9]\d{9}(?!\d)/g;
const RESIDENT_ID = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g;

function redactNumbers(text: string): string {
  return text.replace(MOBILE, REDACTED).replace(RESIDENT_ID, REDACTED);
}

/**
 * Removes personal data from a request URL before it is logged: the values of query
 * parameters named like personal data (phone, name, idNumber, …) and anything that looks like
 * a mobile or ID number in the path or another parameter. Registration codes and ids stay.
 */
export function redactUrl(url: string): string {
  const separator = url.indexOf('?');
  if (separator < 0) return redactNumbers(url);
  const path = redactNumbers(url.slice(0, separator));
  const query = url
    .slice(separator + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return redactNumbers(pair);
      const name = pair.slice(0, equals);
      let decodedName = name;
      try {
        decodedName = decodeURIComponent(name);
      } catch {
        // A name with a malformed escape is matched as sent.
      }
      if (PERSONAL_PARAMETER.test(decodedName)) return `${name}=${REDACTED}`;
      return `${name}=${redactNumbers(pair.slice(equals + 1))}`;
    })
    .join('&');
  return `${path}?${query}`;
}

/** Serialises a request for the log: method, redacted URL and the caller's address. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
