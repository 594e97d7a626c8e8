import { defineError } from '../http/problem.js';

export const InvalidPeriod = defineError(
  'DSH_INVALID_PERIOD',
  'A dashboard period is a year up to next year, alone or with a quarter or a month',
  400,
);
