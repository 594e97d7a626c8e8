import type { PosterTemplate } from '../poster-template.js';
import { communityTemplate } from './community.js';
import { festiveTemplate } from './festive.js';
import { sportsTemplate } from './sports.js';

/** The templates an organiser may choose, in the order the console shows them. */
export const POSTER_TEMPLATES: readonly PosterTemplate[] = [
  sportsTemplate,
  communityTemplate,
  festiveTemplate,
];

/** Returns the template with this id, or undefined when there is none. */
export function findPosterTemplate(id: string): PosterTemplate | undefined {
  return POSTER_TEMPLATES.find((template) => template.id === id);
}
