import { defineError } from '../http/problem.js';

export const PosterTemplateUnknown = defineError(
  'POSTER_TEMPLATE_UNKNOWN',
  'Poster template %s does not exist: use an id from GET /api/console/poster-templates',
  400,
);
export const PosterTextUnsupported = defineError(
  'POSTER_TEXT_UNSUPPORTED',
  'Poster text contains characters that the poster font cannot draw: remove or replace them',
  400,
);
