import { QueryClient } from '@tanstack/react-query';
import { citizenQuery } from './citizen-api';
import { eventQuery, groupsQuery, shouldRetry } from './queries';

/** The citizens' app's one query cache, which route loaders fill before a page renders. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 30_000, retry: shouldRetry },
  },
});

/**
 * Starts the requests of the event page while its code downloads, so that the data does not
 * wait for the page's chunk. A failed request shows on the page, which queries it again.
 */
export function prefetchEventPage(id: string): void {
  void queryClient.prefetchQuery(eventQuery(id));
  void queryClient.prefetchQuery(groupsQuery(id));
  void queryClient.prefetchQuery(citizenQuery);
}
