import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { publicEventPath, TICKET_TEXT_MAX_LENGTH } from '@cityleague/domain';
import QRCode from 'qrcode';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { EventIdParams, PageQuery } from '../events/event.schemas.js';
import { EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent } from '../events/event.service.js';
import { FormalText, StringEnum } from '../http/schemas.js';
import {
  listEventRegistrations,
  RegistrationItemSchema,
  RegistrationListItemSchema,
  toRegistrationItem,
} from '../registrations/console-registration.service.js';
import { checkInStats, offlineTicketList } from './check-in-stats.service.js';
import {
  MAX_BATCH_SCANS,
  scanOnline,
  syncOfflineScans,
  type ScanResult,
} from './check-in.service.js';

const Nonce = Type.String({ minLength: 8, maxLength: 64, pattern: '^[\\w:-]+$' });
const DeviceId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\w:-]+$' });
const Gate = FormalText({ minLength: 1, maxLength: 20 });
const ScanText = Type.String({ minLength: 1, maxLength: TICKET_TEXT_MAX_LENGTH });
const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const CheckInPlaceSchema = Type.Union([
  Type.Object({
    at: Type.String({ format: 'date-time' }),
    gate: Type.String(),
    deviceId: Type.String(),
  }),
  Type.Null(),
]);

const OUTCOMES = ['checked_in', 'repeat', 'superseded', 'rejected'] as const;

const ScanResultSchema = Type.Object({
  nonce: Type.String(),
  outcome: StringEnum(OUTCOMES),
  replayed: Type.Boolean(),
  error: Type.Union([Type.String(), Type.Null()]),
  conflict: Type.Boolean(),
  code: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
  checkIn: CheckInPlaceSchema,
});

function placeOf(result: ScanResult) {
  return result.checkIn
    ? {
        at: result.checkIn.at.toISOString(),
        gate: result.checkIn.gate,
        deviceId: result.checkIn.deviceId,
      }
    : null;
}

/** Console routes for organisers on the day: entries, scans online and offline, live figures. */
export const checkInRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);

  const actorOf = (request: Parameters<typeof principal>[0]) => ({
    user: principal(request),
    ip: request.ip,
    userAgent: userAgentOf(request),
  });

  app.get(
    '/api/console/events/:id/registrations',
    {
      schema: {
        tags: ['console'],
        summary: "An event's registrations with their answers, personal data masked",
        description:
          "Answers to the form's custom fields come as text under their labels. Answers the " +
          'organiser marked as personal data, and ID-like answers, are masked as the mobile ' +
          'number is and come in full only from the audited reveal route.',
        params: EventIdParams,
        querystring: Type.Object(PageQuery),
        response: {
          200: Type.Object({
            items: Type.Array(RegistrationListItemSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            total: Type.Integer({ description: 'Entries holding a place' }),
            checkedIn: Type.Integer(),
            waiting: Type.Integer({
              description: 'Entries on the waiting list, those offered a place included',
            }),
            offered: Type.Integer({ description: 'Waiting entries offered a freed place' }),
          }),
        },
      },
    },
    async (request) =>
      listEventRegistrations(app.db, principal(request), request.params.id, request.query),
  );

  app.post(
    '/api/console/events/:id/check-ins',
    {
      schema: {
        tags: ['console'],
        summary: 'Check a person in by a scanned ticket or a typed registration code',
        description:
          'code is the text of the ticket QR code (CL1:<code>:<signature>) or the registration ' +
          'code. Send a nonce per scan: the same nonce again returns the first answer with ' +
          'replayed true. A second scan of a checked-in ticket answers outcome repeat with the ' +
          'time and gate of the check-in. Rejected tickets answer 4xx with a CHK_ code.',
        params: EventIdParams,
        body: Type.Object({
          code: ScanText,
          nonce: Type.Optional(Nonce),
          deviceId: Type.Optional(DeviceId),
          gate: Type.Optional(Gate),
        }),
        response: {
          200: Type.Object({
            outcome: StringEnum(['checked_in', 'repeat', 'superseded'] as const),
            alreadyCheckedIn: Type.Boolean(),
            replayed: Type.Boolean(),
            registration: RegistrationItemSchema,
            checkIn: CheckInPlaceSchema,
          }),
        },
      },
    },
    async (request) => {
      const { code, nonce, deviceId, gate } = request.body;
      const result = await scanOnline(app.db, app.tickets, actorOf(request), request.params.id, {
        text: code,
        nonce,
        deviceId: deviceId ?? 'console',
        gate: gate?.trim() || '未命名入口',
      });
      const registration = result.registration;
      if (!registration) throw new Error(`Scan ${result.nonce} has no registration`);
      return {
        outcome: result.outcome as 'checked_in' | 'repeat' | 'superseded',
        alreadyCheckedIn: result.outcome !== 'checked_in',
        replayed: result.replayed,
        registration: toRegistrationItem(registration),
        checkIn: placeOf(result),
      };
    },
  );

  app.post(
    '/api/console/events/:id/check-ins/batch',
    {
      schema: {
        tags: ['console'],
        summary: 'Sync the scans an offline check-in device stored',
        description:
          `At most ${MAX_BATCH_SCANS} scans. scannedAt is the device's clock at the scan. Each ` +
          'scan is recorded once by its nonce, so a batch may be sent again. When two devices ' +
          'scanned one ticket the earliest scan counts; results name the check-in that counts ' +
          'and set conflict. Rejected scans carry their error code; the request still answers 200.',
        params: EventIdParams,
        body: Type.Object({
          deviceId: DeviceId,
          scans: Type.Array(
            Type.Object({
              code: ScanText,
              nonce: Nonce,
              gate: Gate,
              scannedAt: Type.String({ maxLength: 40 }),
            }),
            { minItems: 1, maxItems: MAX_BATCH_SCANS },
          ),
        }),
        response: {
          200: Type.Object({
            results: Type.Array(ScanResultSchema),
            conflicts: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { deviceId, scans } = request.body;
      const results = await syncOfflineScans(
        app.db,
        app.tickets,
        actorOf(request),
        request.params.id,
        deviceId,
        scans.map((scan) => ({ ...scan, text: scan.code, gate: scan.gate.trim() || '未命名入口' })),
      );
      return {
        results: results.map((result) => ({
          nonce: result.nonce,
          outcome: result.outcome,
          replayed: result.replayed,
          error: result.rejection,
          conflict: result.conflict,
          code: result.registration?.code ?? null,
          name: result.registration?.name ?? null,
          checkIn: placeOf(result),
        })),
        conflicts: results.filter((result) => result.conflict).length,
      };
    },
  );

  app.get(
    '/api/console/events/:id/check-in-list',
    {
      schema: {
        tags: ['console'],
        summary: "An event's tickets for offline check-in: code hashes and masked names only",
        params: EventIdParams,
        response: {
          200: Type.Object({
            eventId: Type.String(),
            eventName: Type.String(),
            generatedAt: Type.String({ format: 'date-time' }),
            groups: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
            tickets: Type.Array(
              Type.Object({
                hash: Type.String(),
                nameMasked: Type.String(),
                groupId: Type.String(),
                status: Type.String(),
                checkedInAt: NullableTime,
                gate: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return offlineTicketList(app.db, principal(request), request.params.id);
    },
  );

  app.get(
    '/api/console/events/:id/check-in-stats',
    {
      schema: {
        tags: ['console'],
        summary: 'Live check-in figures of an event: per group, per gate, conflicts',
        params: EventIdParams,
        response: {
          200: Type.Object({
            total: Type.Integer(),
            checkedIn: Type.Integer(),
            rate: Type.Number(),
            onSite: Type.Integer(),
            rejectedScans: Type.Integer(),
            conflicts: Type.Integer(),
            lastScanAt: NullableTime,
            byGroup: Type.Array(
              Type.Object({
                groupId: Type.String(),
                name: Type.String(),
                total: Type.Integer(),
                checkedIn: Type.Integer(),
                rate: Type.Number(),
              }),
            ),
            byGate: Type.Array(Type.Object({ gate: Type.String(), checkedIn: Type.Integer() })),
          }),
        },
      },
    },
    async (request) => checkInStats(app.db, principal(request), request.params.id),
  );

  app.get(
    '/api/console/events/:id/on-site-link',
    {
      schema: {
        tags: ['console'],
        summary: "The event's signed on-site registration link and its QR code (SVG)",
        params: EventIdParams,
        response: { 200: Type.Object({ url: Type.String(), qrSvg: Type.String() }) },
      },
    },
    async (request) => {
      const user = principal(request);
      const event = await getVisibleEvent(app.db, user, request.params.id);
      if (event.organisation_id !== user.organisationId) throw new EventNotOwned(event.id);
      const signature = app.tickets.onSiteSignature(event.id);
      const path = `${publicEventPath(event.id)}/on-site?s=${signature}`;
      const url = `${request.protocol}://${request.host}${path}`;
      const qrSvg = await QRCode.toString(url, {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: 2,
      });
      return { url, qrSvg };
    },
  );
};
