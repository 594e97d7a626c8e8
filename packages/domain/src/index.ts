export * from './catalogue.js';
export * from './identifiers.js';
export * from './lifecycle.js';
export * from './routing.js';
export * from './passwords.js';
export * from './audit-actions.js';
