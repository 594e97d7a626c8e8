import { createHash } from 'node:crypto';

import { describeResult } from '@cityleague/domain';

import { recordAudit } from '../audit/audit.repository.js';
import { phoneHashOfCitizen } from '../citizens/citizen.service.js';
import type { Db } from '../db/database.js';
import { kindOfHead } from '../documents/file-kind.js';
import {
  CertificateBackgroundInvalid,
  CertificateNotFound,
  ResultEventNotPublished,
} from './result.errors.js';
import * as repository from './result.repository.js';
import { ownedEvent, type ResultActor } from './result.service.js';
import {
  certificatePdf,
  DEFAULT_DESIGN,
  renderCertificatePng,
  type CertificateColour,
  type CertificateContent,
  type CertificateDesign,
  type CertificateLayout,
} from './certificate-render.js';

/** Width of the console's preview in px, half the certificate's; enough for a page column. */
const PREVIEW_WIDTH = 800;

/** Largest background image accepted, in bytes. */
export const MAX_BACKGROUND_BYTES = 2 * 1024 * 1024;

/** Renderings that may run at once; resvg shares libuv's thread pool with the rest. */
const MAX_CONCURRENT_RENDERINGS = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withRenderingSlot<T>(work: () => Promise<T>): Promise<T> {
  while (running >= MAX_CONCURRENT_RENDERINGS) {
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

const dateFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});

/** Formats an instant as a date in Asia/Shanghai: 2027年5月1日. */
function shanghaiDate(instant: Date | string | null): string {
  return instant === null ? '' : dateFormat.format(new Date(instant));
}

/** Reads the event's certificate design, or the default one. */
export async function designOf(db: Db, eventId: string): Promise<CertificateDesign> {
  const row = await db
    .selectFrom('certificate_designs')
    .selectAll()
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  if (!row) return DEFAULT_DESIGN;
  return {
    layout: row.layout as CertificateLayout,
    colour: row.colour as CertificateColour,
    background:
      row.background && row.background_type
        ? { bytes: row.background, type: row.background_type as 'image/png' | 'image/jpeg' }
        : null,
  };
}

/** Returns the design of an organiser's event without the background's bytes. */
export async function getDesign(db: Db, actor: ResultActor, eventId: string) {
  await ownedEvent(db, actor.user, eventId);
  const design = await designOf(db, eventId);
  return {
    layout: design.layout,
    colour: design.colour,
    hasBackground: design.background !== null,
  };
}

/**
 * Sets the certificate design of an organiser's published event, audited. `background` is a
 * PNG or JPEG image recognised from its bytes; null removes it, undefined keeps it.
 */
export async function setDesign(
  db: Db,
  actor: ResultActor,
  eventId: string,
  input: { layout: CertificateLayout; colour: CertificateColour; background?: Buffer | null },
) {
  const event = await ownedEvent(db, actor.user, eventId);
  if (event.state !== 'published') throw new ResultEventNotPublished(eventId);
  let background: { bytes: Buffer; type: string } | null | undefined;
  if (input.background) {
    const kind = kindOfHead(input.background.subarray(0, 16));
    if (input.background.length > MAX_BACKGROUND_BYTES || (kind !== 'png' && kind !== 'jpeg')) {
      throw new CertificateBackgroundInvalid(MAX_BACKGROUND_BYTES);
    }
    background = { bytes: input.background, type: kind === 'png' ? 'image/png' : 'image/jpeg' };
  } else if (input.background === null) {
    background = null;
  }
  let backgroundChange = 'kept';
  if (background === null) backgroundChange = 'removed';
  else if (background) backgroundChange = background.type;
  await db.transaction().execute(async (trx) => {
    const values = {
      layout: input.layout,
      colour: input.colour,
      updated_by: actor.user.id,
      updated_at: new Date(),
      ...(background === undefined
        ? {}
        : { background: background?.bytes ?? null, background_type: background?.type ?? null }),
    };
    await trx
      .insertInto('certificate_designs')
      .values({ event_id: eventId, background: null, background_type: null, ...values })
      .onConflict((conflict) => conflict.column('event_id').doUpdateSet(values))
      .execute();
    await recordAudit(trx, {
      actorUserId: actor.user.id,
      actorIp: actor.ip,
      userAgent: actor.userAgent,
      action: 'certificate.design_set',
      entityType: 'event',
      entityId: eventId,
      detail: { layout: input.layout, colour: input.colour, background: backgroundChange },
    });
  });
  return getDesign(db, actor, eventId);
}

/** Renders a sample certificate of an organiser's event with its current design. */
export async function renderPreview(
  db: Db,
  actor: ResultActor,
  eventId: string,
  verificationUrl: (code: string) => string,
) {
  const event = await ownedEvent(db, actor.user, eventId);
  const code = 'ABCDEFGH2345';
  const content: CertificateContent = {
    name: '示例姓名',
    eventName: event.name,
    groupName: '示例组别',
    result: describeResult({ status: 'finished', rank: 1, timeMs: 3_723_456, score: null }),
    date: shanghaiDate(event.starts_at),
    issuer: event.host,
    code,
    verificationUrl: verificationUrl(code),
  };
  const design = await designOf(db, eventId);
  return withRenderingSlot(() => renderCertificatePng(design, content, PREVIEW_WIDTH));
}

/** Normalises a typed code: upper case, without spaces or hyphens. */
function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * Confirms a certificate by its code for anyone: the name, event, group, result and date, and
 * nothing else about the holder. Unknown and revoked codes get CRT_NOT_FOUND.
 */
export async function verifyCertificate(db: Db, code: string) {
  const row = await repository.findValidCertificate(db, normaliseCode(code));
  if (!row) throw new CertificateNotFound(code);
  return {
    code: row.code,
    name: row.name,
    eventId: row.event_id,
    eventName: row.event_name,
    groupName: row.group_name,
    result: describeResult({
      status: row.status,
      rank: row.rank,
      timeMs: row.time_ms,
      score: row.score === null ? null : String(Number(row.score)),
    }),
    date: shanghaiDate(row.starts_at),
    issuedAt: new Date(row.issued_at).toISOString(),
  };
}

/**
 * Version of the certificate drawing. Raise it when certificate-render.ts changes what it
 * draws, so that files stored by the previous version are rendered again.
 */
const CERTIFICATE_DRAWING_VERSION = 1;

let renderCount = 0;

/** Number of certificate files rendered by this process, stored files excluded. */
export function certificateRenderCount(): number {
  return renderCount;
}

/** Returns the SHA-256 (hex) of everything a certificate file is drawn from. */
function certificateFingerprint(
  content: CertificateContent,
  design: CertificateDesign,
  format: 'png' | 'pdf',
): string {
  const background = design.background
    ? createHash('sha256').update(design.background.bytes).digest('hex')
    : null;
  return createHash('sha256')
    .update(
      JSON.stringify([
        CERTIFICATE_DRAWING_VERSION,
        format,
        content,
        design.layout,
        design.colour,
        design.background?.type ?? null,
        background,
      ]),
    )
    .digest('hex');
}

/**
 * Returns a certificate of the signed-in citizen as PNG or PDF with its fingerprint, which
 * serves as the ETag. The file is rendered once and stored in certificate_files, under an
 * advisory lock so that simultaneous first requests render it once. A request renders it
 * again only when the name, result, event, design or verification address has
 * changed since. A certificate of an entry made with another mobile number gets
 * CRT_NOT_FOUND, as an unknown code does.
 */
export async function renderOwnCertificate(
  db: Db,
  citizenId: string,
  code: string,
  format: 'png' | 'pdf',
  verificationUrl: (code: string) => string,
): Promise<{ bytes: Buffer; fingerprint: string }> {
  const phoneHash = await phoneHashOfCitizen(db, citizenId);
  const row = await repository.findValidCertificate(db, normaliseCode(code));
  if (!row || row.phone_hash !== phoneHash) throw new CertificateNotFound(code);
  const verified = await verifyCertificate(db, row.code);
  const content: CertificateContent = {
    name: verified.name,
    eventName: verified.eventName,
    groupName: verified.groupName,
    result: verified.result,
    date: verified.date,
    issuer: row.host,
    code: row.code,
    verificationUrl: verificationUrl(row.code),
  };
  const design = await designOf(db, row.event_id);
  const fingerprint = certificateFingerprint(content, design, format);

  const stored = await repository.findCertificateFile(db, row.id, format);
  if (stored?.fingerprint === fingerprint) return { bytes: stored.bytes, fingerprint };

  // Concurrent first requests on any instance queue on this lock, and the later ones find the
  // file that the first one stored. The slot comes first, so that at most
  // MAX_CONCURRENT_RENDERINGS transactions keep a connection while a file renders.
  return withRenderingSlot(() =>
    db.transaction().execute(async (trx) => {
      await repository.lockCertificateFile(trx, row.id, format);
      const current = await repository.findCertificateFile(trx, row.id, format);
      if (current?.fingerprint === fingerprint) return { bytes: current.bytes, fingerprint };

      renderCount += 1;
      const png = await renderCertificatePng(design, content);
      const bytes =
        format === 'png' ? png : await certificatePdf(png, `${verified.eventName} 完赛证书`);
      await repository.saveCertificateFile(trx, {
        certificateId: row.id,
        format,
        fingerprint,
        bytes,
      });
      return { bytes, fingerprint };
    }),
  );
}
