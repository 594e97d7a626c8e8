import { api } from '../lib/api';

/** A sport whose filings need its federation's pre-review before approval. */
export interface PreReview {
  sport: string;
  sportName: string;
  federation: string;
  updatedAt: string;
  updatedByName: string | null;
}

const preReviewPath = (sport: string) => `/api/operator/pre-reviews/${encodeURIComponent(sport)}`;

export const fetchPreReviews = () => api<{ items: PreReview[] }>('/api/operator/pre-reviews');

export const setPreReview = (sport: string, federation: string) =>
  api<void>(preReviewPath(sport), { method: 'PUT', body: { federation } });

export const removePreReview = (sport: string) =>
  api<void>(preReviewPath(sport), { method: 'DELETE' });
