import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { join } from 'node:path';
import { Type } from 'typebox';

import { DocumentStore } from '../documents/document-store.js';
import { receiveUpload } from '../documents/upload.js';
import { EventIdParams } from '../events/event.schemas.js';
import { addAttachment, ATTACHMENT_KINDS, ATTACHMENT_MAX_BYTES } from './attachment.service.js';

/** Folder under DOCUMENTS_DIR that holds registration attachments, one folder per event. */
export const ATTACHMENTS_FOLDER = 'registration-attachments';

/**
 * Uploads of files that answer a registration form's file fields. The multipart parser is
 * registered in this plugin only.
 */
export const attachmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(fastifyMultipart);
  const store = new DocumentStore(join(app.config.documentsDir, ATTACHMENTS_FOLDER));

  app.post(
    '/api/events/:id/registration-attachments',
    {
      schema: {
        tags: ['registrations'],
        summary: 'Upload a file that answers a file field of a published event',
        description:
          'multipart/form-data with a `fieldKey` field naming the form field and one file in ' +
          'the field `file`: PDF, JPEG or PNG, recognised by content, at most 5 MiB. The ' +
          "returned id is the field's answer in the registration, which claims the file. " +
          'Allowed only while registration is open.',
        consumes: ['multipart/form-data'],
        params: EventIdParams,
        response: {
          201: Type.Object({
            id: Type.String(),
            fieldKey: Type.String(),
            fileName: Type.String(),
            contentType: Type.String(),
            sizeBytes: Type.Integer(),
          }),
        },
      },
    },
    async (request, reply) => {
      const eventId = request.params.id;
      const upload = await receiveUpload(request, store, {
        maxBytes: ATTACHMENT_MAX_BYTES,
        kinds: ATTACHMENT_KINDS,
        fields: ['fieldKey'],
      });
      try {
        const row = await addAttachment(app.db, store, eventId, upload);
        request.log.info({ eventId, attachmentId: row.id }, 'registration attachment stored');
        return reply.status(201).send({
          id: row.id,
          fieldKey: row.field_key,
          fileName: row.file_name,
          contentType: row.content_type,
          sizeBytes: row.size_bytes,
        });
      } catch (error) {
        await store.discard(upload);
        throw error;
      }
    },
  );
};
