import { defineError } from '../http/problem.js';

export const AlertNotFound = defineError('ALR_NOT_FOUND', 'Alert %s not found', 404);
export const AlertInvalidTransition = defineError(
  'ALR_INVALID_TRANSITION',
  'Alert %s is %s and cannot be %s',
  409,
);
export const AlertRuleNotFound = defineError('ALR_RULE_NOT_FOUND', 'Alert rule %s not found', 404);
