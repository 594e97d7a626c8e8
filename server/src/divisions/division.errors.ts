import { defineError } from '../http/problem.js';

export const DivisionNotFound = defineError('DIV_NOT_FOUND', 'Division %s not found', 404);
export const DivisionUnknownInInput = defineError('DIV_UNKNOWN', 'Division %s does not exist', 400);
export const StreetOutsideDistrict = defineError(
  'DIV_OUTSIDE_DISTRICT',
  'Street %s is not in district %s',
  400,
);
export const DivisionInvalidLevel = defineError(
  'DIV_INVALID_LEVEL',
  'Division %s is a %s, expected %s',
  400,
);
