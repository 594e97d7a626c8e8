import { defineError } from '../http/problem.js';

export const InvalidForm = defineError(
  'FRM_INVALID_FORM',
  'The registration form is invalid: see errors for each field',
  400,
);
export const FormLocked = defineError(
  'FRM_FORM_LOCKED',
  'The registration form of event %s can no longer change: %s',
  409,
);
export const TemplateNotFound = defineError(
  'FRM_TEMPLATE_NOT_FOUND',
  'Form template %s not found',
  404,
);
export const TemplateNameTaken = defineError(
  'FRM_TEMPLATE_NAME_TAKEN',
  'A form template named %s already exists in the organisation',
  409,
);
export const NoFileField = defineError(
  'FRM_NO_FILE_FIELD',
  'Event %s has no file field named %s, or it takes no registrations now',
  409,
);
