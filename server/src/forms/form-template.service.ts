import { BUILT_IN_FORM_TEMPLATES, type RegistrationForm } from '@cityleague/domain';

import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import { isUniqueViolation, type Db } from '../db/database.js';
import type { Actor } from '../events/event.service.js';
import { uuidv7 } from '../shared/ids.js';
import { TemplateNameTaken, TemplateNotFound } from './form.errors.js';
import * as repository from './form.repository.js';
import {
  builtInTemplate,
  loadRegistrationForm,
  requireOwnedEvent,
  requireValidForm,
  saveEventForm,
} from './form.service.js';

/** A form template as the console lists it; built-in templates have ids `builtin:…`. */
export interface FormTemplateItem {
  id: string;
  name: string;
  builtIn: boolean;
  description: string | null;
  form: RegistrationForm;
  safetyNotice: string | null;
}

/** Lists the built-in templates, then the organisation's own by name. */
export async function listFormTemplates(db: Db, actor: Actor): Promise<FormTemplateItem[]> {
  const own = await repository.listTemplates(db, actor.user.organisationId);
  return [
    ...BUILT_IN_FORM_TEMPLATES.map((template) => ({
      id: template.id,
      name: template.name,
      builtIn: true,
      description: template.description,
      form: template.form,
      safetyNotice: template.safetyNotice,
    })),
    ...own.map((row) => ({
      id: row.id,
      name: row.name,
      builtIn: false,
      description: null,
      form: row.definition,
      safetyNotice: row.safety_notice,
    })),
  ];
}

/** Saves an event's current form and safety notice as a template of the event's organisation. */
export async function saveTemplateFromEvent(
  db: Db,
  actor: Actor,
  input: { eventId: string; name: string },
): Promise<FormTemplateItem> {
  await requireOwnedEvent(db, actor, input.eventId);
  const loaded = await loadRegistrationForm(db, input.eventId);
  requireValidForm(loaded.form);
  const name = input.name.trim();
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await repository.insertTemplate(trx, {
        id: uuidv7(),
        organisation_id: actor.user.organisationId,
        name,
        definition: JSON.stringify(loaded.form),
        safety_notice: loaded.safetyNotice?.body ?? null,
        created_by: actor.user.id,
      });
      await recordAudit(trx, {
        ...auditActorOf(actor),
        action: 'form_template.saved',
        entityType: 'form_template',
        entityId: row.id,
        detail: { name, eventId: input.eventId, fieldCount: loaded.form.fields.length },
      });
      return {
        id: row.id,
        name: row.name,
        builtIn: false,
        description: null,
        form: row.definition,
        safetyNotice: row.safety_notice,
      };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'form_templates_name_unique')) throw new TemplateNameTaken(name);
    throw error;
  }
}

/** Deletes one of the organisation's templates; events that used it keep their forms. */
export async function deleteFormTemplate(db: Db, actor: Actor, templateId: string) {
  await db.transaction().execute(async (trx) => {
    const deleted = await repository.deleteTemplate(trx, actor.user.organisationId, templateId);
    if (!deleted) throw new TemplateNotFound(templateId);
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'form_template.deleted',
      entityType: 'form_template',
      entityId: templateId,
    });
  });
}

/**
 * Applies a template to an event: the template's form replaces the event's under the form's
 * change rule, and its notice, when it has one, becomes the event's current notice.
 */
export async function applyFormTemplate(db: Db, actor: Actor, eventId: string, templateId: string) {
  const builtIn = builtInTemplate(templateId);
  let template: { form: RegistrationForm; safetyNotice: string | null } | undefined;
  if (builtIn) template = { form: builtIn.form, safetyNotice: builtIn.safetyNotice };
  else if (/^[0-9a-f-]{36}$/i.test(templateId)) {
    const row = await repository.findTemplate(db, actor.user.organisationId, templateId);
    if (row) template = { form: row.definition, safetyNotice: row.safety_notice };
  }
  if (!template) throw new TemplateNotFound(templateId);
  return saveEventForm(db, actor, eventId, {
    form: template.form,
    safetyNotice: template.safetyNotice,
  });
}
