import { defineError } from '../http/problem.js';

export const MultipartRequired = defineError(
  'DOC_MULTIPART_REQUIRED',
  'Send the upload as multipart/form-data with the file in a field named file',
  415,
);
export const FileMissing = defineError(
  'DOC_FILE_MISSING',
  'The upload has no file: send it in a multipart field named file',
  400,
);
export const TooManyParts = defineError(
  'DOC_TOO_MANY_PARTS',
  'Send one file and at most %s other fields, each at most %s bytes',
  413,
);
export const DocumentTooLarge = defineError(
  'DOC_TOO_LARGE',
  'The file is larger than the limit of %s bytes',
  413,
);
export const DocumentEmpty = defineError('DOC_EMPTY', 'The file is empty', 400);
export const DocumentTypeNotAllowed = defineError(
  'DOC_TYPE_NOT_ALLOWED',
  'The file content is not one of the allowed kinds (%s); the content is checked, not the name',
  415,
);
export const DocumentNotFound = defineError(
  'DOC_NOT_FOUND',
  'Document %s not found in event %s',
  404,
);
export const DocumentLimitReached = defineError(
  'DOC_LIMIT_REACHED',
  'Event %s already has %s documents: delete one before uploading another',
  409,
);
export const ChatGroupNotFound = defineError(
  'DOC_CHAT_GROUP_NOT_FOUND',
  'Chat group %s not found in event %s',
  404,
);
export const ChatGroupLimitReached = defineError(
  'DOC_CHAT_GROUP_LIMIT_REACHED',
  'Event %s already has %s chat-group QR codes: delete one before uploading another',
  409,
);
export const EventCancelled = defineError(
  'DOC_EVENT_CANCELLED',
  'Event %s is cancelled: its chat-group QR codes can no longer change',
  409,
);
export const NotRegistered = defineError(
  'DOC_NOT_REGISTERED',
  'The signed-in citizen has no active registration for event %s',
  404,
);
