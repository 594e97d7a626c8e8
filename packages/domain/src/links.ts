/**
 * Returns the path of an event's page in the citizens' app, which is served from the same
 * origin as the console. The console shares this page as a link and a QR code.
 */
export function publicEventPath(eventId: string): string {
  return `/events/${encodeURIComponent(eventId)}`;
}
