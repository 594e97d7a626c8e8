import type { FastifyRequest } from 'fastify';

import { RequestInvalid, throwIfFieldErrors, type FieldError } from '../http/problem.js';
import { FileTooLarge, type DocumentStore, type ReceivedFile } from './document-store.js';
import {
  DocumentEmpty,
  DocumentTooLarge,
  DocumentTypeNotAllowed,
  FileMissing,
  MultipartRequired,
  TooManyParts,
} from './document.errors.js';
import type { FileKind } from './file-kind.js';

/** A file uploaded in a multipart request, checked and waiting in the store's temporary folder. */
export interface Upload extends ReceivedFile {
  kind: FileKind;
  /** The file name the client sent, unchecked. */
  fileName: string | undefined;
  /** The text fields the upload declared, by name. */
  fields: Record<string, string>;
}

export interface UploadRules {
  maxBytes: number;
  kinds: readonly FileKind[];
  /** Names of the text fields read; other fields are ignored. */
  fields: readonly string[];
}

const FILE_FIELD = 'file';
const MAX_FIELDS = 4;
const MAX_FIELD_BYTES = 1024;

/** Busboy limits of one upload: one file, a few short fields, nothing else. */
function limitsOf(rules: UploadRules) {
  return {
    // One byte over the limit, so that the store receives an oversized file and rejects it.
    fileSize: rules.maxBytes + 1,
    files: 1,
    fields: MAX_FIELDS,
    parts: MAX_FIELDS + 1,
    fieldNameSize: 100,
    fieldSize: MAX_FIELD_BYTES,
    headerPairs: 100,
  };
}

/** Turns the multipart plugin's errors into the catalogue's codes. */
function translate(error: unknown, rules: UploadRules): unknown {
  if (error instanceof FileTooLarge) return new DocumentTooLarge(rules.maxBytes);
  switch ((error as { code?: string }).code) {
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new TooManyParts(MAX_FIELDS, MAX_FIELD_BYTES);
    case 'FST_REQ_FILE_TOO_LARGE':
      return new DocumentTooLarge(rules.maxBytes);
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new MultipartRequired();
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
    case 'FST_MP_PREMATURE_CLOSE':
      return new RequestInvalid((error as Error).message);
  }
  // Busboy reports malformed bodies as plain errors ("Unexpected end of multipart data").
  if (error instanceof Error && !('statusCode' in error)) {
    return new RequestInvalid(`The multipart body is malformed: ${error.message}`);
  }
  return error;
}

/**
 * Reads a multipart upload: streams its one file into the store's temporary folder while
 * hashing and counting it, collects the named text fields, and checks the content's kind.
 * Rejects an oversized, empty or disallowed file, a second file and extra parts, and removes
 * the temporary file whenever it rejects.
 */
export async function receiveUpload(
  request: FastifyRequest,
  store: DocumentStore,
  rules: UploadRules,
): Promise<Upload> {
  if (!request.isMultipart()) throw new MultipartRequired();
  const fields: Record<string, string> = {};
  const errors: FieldError[] = [];
  let received: ReceivedFile | undefined;
  let fileName: string | undefined;

  try {
    for await (const part of request.parts({ limits: limitsOf(rules) })) {
      if (part.type === 'field') {
        if (!rules.fields.includes(part.fieldname)) continue;
        if (part.valueTruncated) {
          errors.push({ field: part.fieldname, code: 'maxLength', message: 'is too long' });
        }
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== FILE_FIELD || received) {
        part.file.resume();
        continue;
      }
      received = await store.receive(part.file, rules.maxBytes);
      fileName = part.filename;
    }
  } catch (error) {
    if (received) await store.discard(received);
    throw translate(error, rules);
  }

  try {
    throwIfFieldErrors(errors);
    if (!received) throw new FileMissing();
    if (received.sizeBytes === 0) throw new DocumentEmpty();
    const kind = await store.kindOf(received);
    if (!kind || !rules.kinds.includes(kind)) {
      throw new DocumentTypeNotAllowed(rules.kinds.join(', '));
    }
    return { ...received, kind, fileName, fields };
  } catch (error) {
    if (received) await store.discard(received);
    throw error;
  }
}
