import type { FormInstance } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../lib/api';
import { createEvent, updateEvent } from '../endpoints';
import type { ConsoleEvent, EventInput, EventPatch } from '../types';
import { rejectedFieldsOf, type RejectedFields } from './field-errors';
import {
  changedFields,
  emptyPayload,
  payloadFieldOf,
  payloadOfValues,
  valuesOfEvent,
  type FilingFormValues,
  type FilingPayload,
  type FormFieldName,
  type PayloadField,
} from './filing-values';

/** Time after the last edit before the changes are saved. */
export const AUTOSAVE_DELAY_MS = 1_500;

/** The state of the filing's autosave, as the save indicator shows it. */
export type SaveStatus =
  | { kind: 'not_started' }
  | { kind: 'idle' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date; skipped: PayloadField[] }
  | { kind: 'failed'; error: unknown };

interface AutosaveOptions {
  form: FormInstance<FilingFormValues>;
  /** The filing being edited; absent until the first save of a new one. */
  event?: ConsoleEvent;
  /** Whether the filing must name a contract before it can be created (contractors). */
  needsContract: boolean;
  onCreated: (event: ConsoleEvent) => void;
  onSaved: (event: ConsoleEvent) => void;
  /** Marks the fields that the server rejected. */
  onRejected: (rejected: RejectedFields) => void;
}

const CREATION_FIELDS: readonly PayloadField[] = ['name', 'level', 'section', 'contractId'];
// The API never clears these: a filing always has a name, a level and a section.
const NEVER_NULL: readonly PayloadField[] = ['name', 'level', 'section'];

/** Fields whose shown error means their value would be rejected, so saving skips them. */
function fieldsWithErrors(form: FormInstance<FilingFormValues>): Set<PayloadField> {
  const fields = form
    .getFieldsError()
    .filter((field) => field.errors.length > 0)
    .map((field) => payloadFieldOf(field.name[0] as FormFieldName));
  return new Set(fields);
}

function bodyOf(current: FilingPayload, fields: readonly PayloadField[]) {
  return Object.fromEntries(fields.map((field) => [field, current[field]]));
}

/**
 * Saves a filing while it is being typed. A new filing is created as soon as it has a name,
 * a level and a section (and a contract, for a contractor). After that, changed fields are
 * sent with PATCH `AUTOSAVE_DELAY_MS` after the last edit, a cleared field as null. Saves run
 * one at a time. A field that the form or the server marks as invalid is left out, so the rest
 * still saves. A failed save keeps the form as it is, and the next edit or `flush` retries.
 */
export function useFilingAutosave(options: AutosaveOptions) {
  const { form } = options;
  const [status, setStatus] = useState<SaveStatus>(
    options.event ? { kind: 'idle' } : { kind: 'not_started' },
  );
  const eventId = useRef<string | null>(options.event?.id ?? null);
  const saved = useRef<FilingPayload>(
    options.event ? payloadOfValues(valuesOfEvent(options.event)) : emptyPayload(),
  );
  const timer = useRef<number | undefined>(undefined);
  const running = useRef<Promise<boolean> | null>(null);
  const disabled = useRef(false);
  const callbacks = useRef(options);
  callbacks.current = options;

  const current = useCallback(() => payloadOfValues(form.getFieldsValue(true)), [form]);

  /** Lists the changed fields, and those of them that cannot be saved as they are. */
  const pendingFields = useCallback(() => {
    const changed = changedFields(current(), saved.current);
    const invalid = fieldsWithErrors(form);
    return {
      sendable: changed.filter((field) => !invalid.has(field)),
      skipped: changed.filter((field) => invalid.has(field)),
    };
  }, [current, form]);

  const send = useCallback(
    async (fields: PayloadField[], keepalive: boolean): Promise<ConsoleEvent> => {
      const values = current();
      if (eventId.current === null) {
        const created = await createEvent(bodyOf(values, fields) as EventInput);
        eventId.current = created.id;
        saved.current = { ...saved.current, ...bodyOf(values, fields) };
        callbacks.current.onCreated(created);
        return created;
      }
      const sendable = fields.filter(
        (field) => values[field] !== null || !NEVER_NULL.includes(field),
      );
      const updated = await updateEvent(eventId.current, bodyOf(values, sendable) as EventPatch, {
        keepalive,
      });
      saved.current = { ...saved.current, ...bodyOf(values, sendable) };
      return updated;
    },
    [current],
  );

  /** Tells whether a new filing has what the server needs to create it. */
  const canCreate = useCallback(
    (fields: readonly PayloadField[]) => {
      const values = current();
      const needed = options.needsContract ? CREATION_FIELDS : NEVER_NULL;
      return needed.every((field) => values[field] !== null && fields.includes(field));
    },
    [current, options.needsContract],
  );

  const saveOnce = useCallback(
    async (keepalive: boolean): Promise<boolean> => {
      if (disabled.current) return false;
      let { sendable, skipped } = pendingFields();
      if (sendable.length === 0) return skipped.length === 0;
      if (eventId.current === null && !canCreate(sendable)) {
        setStatus({ kind: 'not_started' });
        return false;
      }

      setStatus({ kind: 'saving' });
      let event: ConsoleEvent;
      try {
        event = await send(sendable, keepalive);
      } catch (error) {
        const rejected = rejectedFieldsOf(error);
        const retry = sendable.filter((field) => !rejected.byField.has(field));
        const creationBlocked = eventId.current === null && !canCreate(retry);
        // A retry helps only when it leaves out some, but not all, of the fields sent.
        const retryHelps = retry.length > 0 && retry.length < sendable.length;
        if (!retryHelps || creationBlocked) {
          if (rejected.byField.size > 0) callbacks.current.onRejected(rejected);
          if (error instanceof ApiError && error.code === 'EVT_NOT_EDITABLE') {
            disabled.current = true;
          }
          setStatus({ kind: 'failed', error });
          return false;
        }
        // Save the fields the server accepts, so that one wrong field does not hold back the rest.
        callbacks.current.onRejected(rejected);
        skipped = [...skipped, ...sendable.filter((field) => rejected.byField.has(field))];
        sendable = retry;
        try {
          event = await send(sendable, keepalive);
        } catch (retryError) {
          setStatus({ kind: 'failed', error: retryError });
          return false;
        }
      }
      callbacks.current.onSaved(event);
      setStatus({ kind: 'saved', at: new Date(), skipped });
      return skipped.length === 0;
    },
    [canCreate, pendingFields, send],
  );

  /**
   * Saves every pending change now, after any save already running. Resolves true when
   * nothing is left unsaved.
   */
  const flush = useCallback(
    async (flushOptions: { keepalive?: boolean } = {}): Promise<boolean> => {
      window.clearTimeout(timer.current);
      while (running.current) await running.current;
      const run = saveOnce(flushOptions.keepalive ?? false);
      running.current = run;
      try {
        return await run;
      } finally {
        running.current = null;
      }
    },
    [saveOnce],
  );

  /** Starts the delay after an edit; the save runs when no edit follows for the delay. */
  const schedule = useCallback(() => {
    if (disabled.current) return;
    window.clearTimeout(timer.current);
    setStatus((previous) => (previous.kind === 'saving' ? previous : { kind: 'pending' }));
    timer.current = window.setTimeout(() => void flush(), AUTOSAVE_DELAY_MS);
  }, [flush]);

  /** Tells whether leaving now would lose typed input. */
  const hasUnsavedChanges = useCallback(() => {
    if (running.current) return true;
    if (eventId.current === null) return form.isFieldsTouched();
    const { sendable, skipped } = pendingFields();
    return sendable.length > 0 || skipped.length > 0;
  }, [form, pendingFields]);

  // Save when the tab is hidden or closed: a phone may discard a background tab without
  // warning. keepalive lets the request finish after the page is gone.
  useEffect(() => {
    const onHidden = () => {
      if (document.visibilityState === 'hidden') void flush({ keepalive: true });
    };
    const onBeforeUnload = (unload: BeforeUnloadEvent) => {
      if (!hasUnsavedChanges()) return;
      void flush({ keepalive: true });
      unload.preventDefault();
    };
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [flush, hasUnsavedChanges]);

  // Save what is pending when the page is left inside the console.
  useEffect(
    () => () => {
      window.clearTimeout(timer.current);
      void flush();
    },
    [flush],
  );

  return {
    status,
    eventId: () => eventId.current,
    schedule,
    flush,
    hasUnsavedChanges,
  };
}
