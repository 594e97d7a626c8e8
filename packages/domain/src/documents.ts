/** Purposes of a document attached to an event's filing. */
export const DOCUMENT_CATEGORIES = [
  'safety_plan',
  'competition_rules',
  'medical_cover',
  'insurance',
  'other',
] as const;
export type DocumentCategory = (typeof DOCUMENT_CATEGORIES)[number];

export const DOCUMENT_CATEGORY_LABELS: Record<DocumentCategory, string> = {
  safety_plan: '安全预案',
  competition_rules: '竞赛规程',
  medical_cover: '医疗保障方案',
  insurance: '保险凭证',
  other: '其他材料',
};

/** Maximum number of documents attached to one event. */
export const MAX_DOCUMENTS_PER_EVENT = 20;

/** Maximum number of chat-group QR codes of one event. */
export const MAX_CHAT_GROUPS_PER_EVENT = 5;

/** Maximum size of one chat-group QR image, in bytes (2 MiB). */
export const MAX_CHAT_GROUP_IMAGE_BYTES = 2 * 1024 * 1024;

/** Maximum length of a chat group's label, in characters. */
export const MAX_CHAT_GROUP_LABEL_LENGTH = 20;
