import { defineError } from '../http/problem.js';

export const InvalidPeriod = defineError(
  'DSH_INVALID_PERIOD',
  'A dashboard period is a year, a year and a quarter, or a year and a month',
  400,
);
