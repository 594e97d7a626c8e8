import type { DocumentCategory } from '@cityleague/domain';
import { api, ApiError, type Problem } from '../lib/api';

/** A document attached to an event's filing, as the console API lists it. */
export interface EventDocument {
  id: string;
  category: DocumentCategory;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
  downloadUrl: string;
}

/** A chat-group QR code of an event. */
export interface ChatGroup {
  id: string;
  label: string;
  contentType: string;
  sizeBytes: number;
  uploadedAt: string;
  imageUrl: string;
}

/** A list of an event's files with what the signed-in user may do with them. */
export interface FileList<T> {
  items: T[];
  canChange: boolean;
  maxCount: number;
  maxBytes: number;
}

export const documentQueryKeys = {
  documents: (eventId: string) => ['event-documents', eventId] as const,
  chatGroups: (eventId: string) => ['event-chat-groups', eventId] as const,
};

const eventPath = (eventId: string) => `/api/console/events/${encodeURIComponent(eventId)}`;

/** Time after which an upload is abandoned; larger than for JSON calls, as files take longer. */
const UPLOAD_TIMEOUT_MS = 120_000;

/**
 * Sends a multipart form and returns the parsed body, or throws ApiError as `api()` does.
 * The browser sets the multipart Content-Type with its boundary.
 */
async function postForm<T>(path: string, form: FormData): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      body: form,
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
  } catch {
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR' });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy in front of the server may reply to an oversized upload with an HTML page.
    body = undefined;
  }
  if (!response.ok) {
    const problem = (body ?? {}) as Partial<Problem>;
    const fallback = response.status === 413 ? 'DOC_TOO_LARGE' : 'UNKNOWN';
    throw new ApiError({ ...problem, status: response.status, code: problem.code ?? fallback });
  }
  return body as T;
}

export const fetchDocuments = (eventId: string) =>
  api<FileList<EventDocument>>(`${eventPath(eventId)}/documents`);

export function uploadDocument(eventId: string, category: DocumentCategory, file: File) {
  const form = new FormData();
  form.append('category', category);
  form.append('file', file, file.name);
  return postForm<EventDocument>(`${eventPath(eventId)}/documents`, form);
}

export const deleteDocument = (eventId: string, documentId: string) =>
  api<void>(`${eventPath(eventId)}/documents/${encodeURIComponent(documentId)}`, {
    method: 'DELETE',
  });

export const fetchChatGroups = (eventId: string) =>
  api<FileList<ChatGroup>>(`${eventPath(eventId)}/chat-groups`);

export function uploadChatGroup(eventId: string, label: string, file: File) {
  const form = new FormData();
  form.append('label', label);
  form.append('file', file, file.name);
  return postForm<ChatGroup>(`${eventPath(eventId)}/chat-groups`, form);
}

export const deleteChatGroup = (eventId: string, chatGroupId: string) =>
  api<void>(`${eventPath(eventId)}/chat-groups/${encodeURIComponent(chatGroupId)}`, {
    method: 'DELETE',
  });

/** Formats a size in bytes as 512 B, 12.3 KB or 20 MB (binary units, as the limits are). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}
