import type { AuditEntry } from './types';

/** Names who acted: a console user, a partner platform through the open API, or no signed-in user. */
export function actorName(entry: AuditEntry): string {
  if (entry.actor) return `${entry.actor.displayName}（${entry.actor.username}）`;
  if (entry.partner) return `合作平台：${entry.partner.name}`;
  return '未登录';
}
