import {
  FIELD_TYPES,
  MAX_CHOICE_OPTIONS,
  MAX_FORM_FIELDS,
  MAX_HELP_LENGTH,
  MAX_LABEL_LENGTH,
} from '@cityleague/domain';
import { Type } from 'typebox';

import { Nullable, StringEnum } from '../http/schemas.js';

const ID_NUMBER_RULES = ['hidden', 'optional', 'required'] as const;

const ConditionSchema = Type.Union([
  Type.Object(
    { field: Type.String({ maxLength: 40 }), equals: Type.Union([Type.String(), Type.Number()]) },
    { additionalProperties: false },
  ),
  Type.Object(
    { field: Type.String({ maxLength: 40 }), includes: Type.String({ maxLength: 100 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      age: Type.Object(
        {
          min: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
          max: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);

export const FormFieldSchema = Type.Object(
  {
    key: Type.String({ maxLength: 40 }),
    // One character over the domain's limits, so the domain reports the problem by field.
    label: Type.String({ maxLength: MAX_LABEL_LENGTH * 2 }),
    type: StringEnum(FIELD_TYPES),
    required: Type.Boolean(),
    help: Type.Optional(Type.String({ maxLength: MAX_HELP_LENGTH * 2 })),
    sensitive: Type.Optional(
      Type.Boolean({
        description: 'Personal data: the console masks the answers and reveals them audited',
      }),
    ),
    options: Type.Optional(
      Type.Array(
        Type.Object(
          {
            value: Type.String({ maxLength: 100 }),
            label: Type.String({ maxLength: 100 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: MAX_CHOICE_OPTIONS + 1 },
      ),
    ),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    showWhen: Type.Optional(ConditionSchema),
  },
  { additionalProperties: false },
);

export const RegistrationFormSchema = Type.Object(
  {
    idNumber: StringEnum(ID_NUMBER_RULES),
    fields: Type.Array(FormFieldSchema, { maxItems: MAX_FORM_FIELDS + 1 }),
  },
  { additionalProperties: false },
);

export const SafetyNoticeSchema = Nullable(
  Type.Object({ version: Type.Integer(), body: Type.String() }),
);

export const EventFormSchema = Type.Object({
  form: RegistrationFormSchema,
  version: Type.Integer({ description: '0 for the built-in default form' }),
  safetyNotice: SafetyNoticeSchema,
});

export const FormTemplateSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  builtIn: Type.Boolean(),
  description: Nullable(Type.String()),
  form: RegistrationFormSchema,
  safetyNotice: Nullable(Type.String()),
});
