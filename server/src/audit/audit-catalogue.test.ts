import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '@cityleague/domain';
import { describe, expect, it } from 'vitest';

const SOURCE = fileURLToPath(new URL('..', import.meta.url));

/** Lists the server's non-test TypeScript files. */
function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Collects the string literals written as `key: '...'` or in `key: a ? '...' : '...'`, except
 * in calls of emitWebhookEvent.
 */
function literalsOf(key: string): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = new RegExp(`${key}: ([^,\\n]*)`, 'g');
  for (const file of sourceFiles(SOURCE)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(pattern)) {
      // Webhook events have action codes of their own, which are not audit actions.
      const before = text.slice(0, match.index);
      if (before.lastIndexOf('emitWebhookEvent(') > before.lastIndexOf('recordAudit(')) continue;
      for (const literal of (match[1] ?? '').matchAll(/'([a-z_.]+)'/g)) {
        found.set(literal[1]!, file.slice(SOURCE.length));
      }
    }
  }
  return found;
}

describe('audit catalogue', () => {
  it('labels every action code that the server writes', () => {
    const actions = literalsOf('action');
    const written = [...actions].filter(([code]) => code.includes('.'));
    expect(written.length).toBeGreaterThan(40);
    const unlabelled = written.filter(([code]) => !(code in AUDIT_ACTIONS));
    expect(unlabelled.map(([code, file]) => `${code} in ${file}`)).toEqual([]);
  });

  it('labels every object type that the server writes', () => {
    const types = [...literalsOf('entityType')];
    expect(types.length).toBeGreaterThan(8);
    const unlabelled = types.filter(([type]) => !(type in AUDIT_ENTITY_TYPES));
    expect(unlabelled.map(([type, file]) => `${type} in ${file}`)).toEqual([]);
  });
});
