/**
 * Returns the path of an event's page in the citizens' app, which is served from the same
 * origin as the console. The console shares this page as a link and a QR code.
 */
export function publicEventPath(eventId: string): string {
  return `/events/${encodeURIComponent(eventId)}`;
}

/** Returns the path of an event's public result page in the citizens' app. */
export function publicResultsPath(eventId: string): string {
  return `/events/${encodeURIComponent(eventId)}/results`;
}

/** Returns the path of the public page that confirms a certificate by its code. */
export function certificateVerificationPath(code: string): string {
  return `/certificates/${encodeURIComponent(code)}`;
}
