export * from './catalogue.js';
export * from './identifiers.js';
export * from './lifecycle.js';
export * from './routing.js';
export * from './passwords.js';
export * from './forms.js';
export * from './check-in.js';
export * from './spreadsheet.js';
