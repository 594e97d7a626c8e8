import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DOCUMENT_CATEGORIES,
  MAX_CHAT_GROUP_IMAGE_BYTES,
  MAX_CHAT_GROUP_LABEL_LENGTH,
} from '@cityleague/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { citizenId, requireCitizen } from '../citizens/authenticate-citizen.js';
import { StringEnum } from '../http/schemas.js';
import * as chatGroups from './chat-group.service.js';
import { DocumentStore } from './document-store.js';
import * as documents from './document.service.js';
import { DOCUMENT_KINDS, IMAGE_KINDS } from './file-kind.js';
import { attachmentDisposition } from './file-name.js';
import { receiveUpload } from './upload.js';

const DocumentSchema = Type.Object({
  id: Type.String(),
  category: StringEnum(DOCUMENT_CATEGORIES),
  fileName: Type.String(),
  contentType: Type.String({ description: 'Derived from the file content' }),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  uploadedAt: Type.String({ format: 'date-time' }),
  downloadUrl: Type.String(),
});

const ChatGroupSchema = Type.Object({
  id: Type.String(),
  label: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  uploadedAt: Type.String({ format: 'date-time' }),
  imageUrl: Type.String(),
});

const listOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    canChange: Type.Boolean({ description: 'Whether this user may upload and delete now' }),
    maxCount: Type.Integer({ description: 'Maximum number of files of the event' }),
    maxBytes: Type.Integer({ description: 'Maximum size of one file, in bytes' }),
  });

const EventParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const DocumentParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  documentId: Type.String({ format: 'uuid' }),
});
const ChatGroupParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  chatGroupId: Type.String({ format: 'uuid' }),
});

// A stored file is served with the type its content was checked to be, never sniffed, and
// without the right to run scripts should a browser render it anyway.
function sendStoredFile(
  reply: FastifyReply,
  file: Awaited<ReturnType<DocumentStore['open']>>,
  row: { id: string; content_type: string; size_bytes: number },
  disposition: string,
) {
  if (!file) throw new Error(`Stored file of ${row.id} is missing`);
  return reply
    .type(row.content_type)
    .header('content-length', String(row.size_bytes))
    .header('content-disposition', disposition)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(file.createReadStream());
}

/**
 * Console routes for the documents of an event's filing and its chat-group QR codes. Uploads
 * are multipart/form-data; the multipart parser is registered in this plugin only, so every
 * other route still accepts JSON alone.
 */
export const consoleDocumentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);
  await app.register(fastifyMultipart);
  const store = new DocumentStore(app.config.documentsDir);
  const actor = (request: FastifyRequest) => ({
    user: principal(request),
    ip: request.ip,
    userAgent: userAgentOf(request),
  });
  const logFileError = (request: FastifyRequest, error: unknown, fileId: string) => {
    if (error) request.log.error({ err: error, fileId }, 'stored file not removed');
  };

  app.get(
    '/api/console/events/:id/documents',
    {
      schema: {
        tags: ['console'],
        summary: "The documents of an event's filing, oldest first",
        params: EventParams,
        response: { 200: listOf(DocumentSchema) },
      },
    },
    async (request) =>
      documents.listDocuments(
        app.db,
        principal(request),
        request.params.id,
        app.config.documentMaxBytes,
      ),
  );

  app.post(
    '/api/console/events/:id/documents',
    {
      schema: {
        tags: ['console'],
        summary: 'Upload a document to a draft or returned filing',
        description:
          'multipart/form-data with a `category` field (safety_plan, competition_rules, ' +
          'medical_cover, insurance or other) and one file in the field `file`: PDF, Word ' +
          '(.doc, .docx), JPEG, PNG or WebP, recognised by content. At most DOCUMENT_MAX_BYTES ' +
          '(20 MiB by default) and 20 documents per event. Only the owning organisation uploads.',
        consumes: ['multipart/form-data'],
        params: EventParams,
        response: { 201: DocumentSchema },
      },
    },
    async (request, reply) => {
      await documents.checkDocumentUpload(app.db, principal(request), request.params.id);
      const upload = await receiveUpload(request, store, {
        maxBytes: app.config.documentMaxBytes,
        kinds: DOCUMENT_KINDS,
        fields: ['category'],
      });
      const item = await documents.addDocument(
        app.db,
        store,
        actor(request),
        request.params.id,
        upload,
      );
      return reply.status(201).send(item);
    },
  );

  app.get(
    '/api/console/events/:id/documents/:documentId',
    {
      schema: {
        tags: ['console'],
        summary: 'Download a document, as an attachment with its stored content type',
        params: DocumentParams,
      },
    },
    async (request, reply) => {
      const { id, documentId } = request.params;
      const row = await documents.getDocument(app.db, principal(request), id, documentId);
      const file = await store.open(row.event_id, row.id);
      return sendStoredFile(reply, file, row, attachmentDisposition(row.file_name));
    },
  );

  app.delete(
    '/api/console/events/:id/documents/:documentId',
    {
      schema: {
        tags: ['console'],
        summary: 'Delete a document of a draft or returned filing',
        params: DocumentParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { id, documentId } = request.params;
      const result = await documents.deleteDocument(app.db, store, actor(request), id, documentId);
      logFileError(request, result.fileError, documentId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/console/events/:id/chat-groups',
    {
      schema: {
        tags: ['console'],
        summary: "The event's chat-group QR codes, oldest first",
        params: EventParams,
        response: { 200: listOf(ChatGroupSchema) },
      },
    },
    async (request) => chatGroups.listChatGroups(app.db, principal(request), request.params.id),
  );

  app.post(
    '/api/console/events/:id/chat-groups',
    {
      schema: {
        tags: ['console'],
        summary: 'Upload a chat-group QR image, shown to registered citizens',
        description:
          `multipart/form-data with a \`label\` field (1 to ${MAX_CHAT_GROUP_LABEL_LENGTH} ` +
          'characters, such as 1群) and one JPEG, PNG or WebP image in the field `file`, at ' +
          `most ${MAX_CHAT_GROUP_IMAGE_BYTES} bytes; at most 5 per event, in any state but ` +
          'cancelled. Only the owning organisation uploads.',
        consumes: ['multipart/form-data'],
        params: EventParams,
        response: { 201: ChatGroupSchema },
      },
    },
    async (request, reply) => {
      await chatGroups.checkChatGroupUpload(app.db, principal(request), request.params.id);
      const upload = await receiveUpload(request, store, {
        maxBytes: MAX_CHAT_GROUP_IMAGE_BYTES,
        kinds: IMAGE_KINDS,
        fields: ['label'],
      });
      const item = await chatGroups.addChatGroup(
        app.db,
        store,
        actor(request),
        request.params.id,
        upload,
      );
      return reply.status(201).send(item);
    },
  );

  app.get(
    '/api/console/events/:id/chat-groups/:chatGroupId/image',
    {
      schema: {
        tags: ['console'],
        summary: 'The QR image of a chat group',
        params: ChatGroupParams,
      },
    },
    async (request, reply) => {
      const { id, chatGroupId } = request.params;
      const row = await chatGroups.getChatGroup(app.db, principal(request), id, chatGroupId);
      return sendStoredFile(reply, await store.open(row.event_id, row.id), row, 'inline');
    },
  );

  app.delete(
    '/api/console/events/:id/chat-groups/:chatGroupId',
    {
      schema: {
        tags: ['console'],
        summary: 'Delete a chat-group QR code of an event that is not cancelled',
        params: ChatGroupParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { id, chatGroupId } = request.params;
      const result = await chatGroups.deleteChatGroup(
        app.db,
        store,
        actor(request),
        id,
        chatGroupId,
      );
      logFileError(request, result.fileError, chatGroupId);
      return reply.status(204).send(null);
    },
  );
};

/** The chat-group QR codes of an event, for a signed-in citizen registered for it. */
export const citizenChatGroupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireCitizen);
  const store = new DocumentStore(app.config.documentsDir);

  app.get(
    '/api/citizen/events/:id/chat-groups',
    {
      schema: {
        tags: ['citizens'],
        summary: "An event's chat-group QR codes, for a citizen registered for it",
        description:
          'A registration counts when it was made with the signed-in mobile number and is ' +
          'active; without one the answer is 404 DOC_NOT_REGISTERED.',
        params: EventParams,
        response: { 200: Type.Object({ items: Type.Array(ChatGroupSchema) }) },
      },
    },
    async (request, reply) => {
      const list = await chatGroups.listChatGroupsForCitizen(
        app.db,
        citizenId(request),
        request.params.id,
      );
      return reply.header('cache-control', 'private, no-store').send(list);
    },
  );

  app.get(
    '/api/citizen/events/:id/chat-groups/:chatGroupId/image',
    {
      schema: {
        tags: ['citizens'],
        summary: 'The QR image of a chat group, for a citizen registered for the event',
        params: ChatGroupParams,
      },
    },
    async (request, reply) => {
      const { id, chatGroupId } = request.params;
      const row = await chatGroups.getChatGroupForCitizen(
        app.db,
        citizenId(request),
        id,
        chatGroupId,
      );
      return sendStoredFile(reply, await store.open(row.event_id, row.id), row, 'inline');
    },
  );
};
