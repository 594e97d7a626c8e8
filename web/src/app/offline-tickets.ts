import type { QueryClient } from '@tanstack/react-query';

import type { CitizenEntry } from './citizen-api';
import { fetchTicket } from './events-api';
import { queryKeys } from './queries';
import { rememberTicketDetails } from './ticket-store';

/** Most tickets saved from one list load, equal to what the device store keeps. */
const MAX_SAVED_TICKETS = 20;

/**
 * Loads the ticket of every listed entry that is not cancelled and stores it on this device,
 * so that each ticket opens offline and not only the ones the citizen opened before. The
 * service worker also keeps each ticket response. Loads run one after another, newest entry
 * first, and a ticket that fails to load is skipped: it is saved when it is opened.
 */
export async function saveTicketsForOffline(
  queryClient: QueryClient,
  entries: readonly CitizenEntry[],
): Promise<void> {
  const codes = [...entries]
    .filter((entry) => entry.code !== null && entry.status !== 'cancelled')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, MAX_SAVED_TICKETS)
    .map((entry) => entry.code!);
  for (const code of codes) {
    try {
      const ticket = await queryClient.fetchQuery({
        queryKey: queryKeys.ticket(code),
        queryFn: () => fetchTicket(code),
      });
      if (!ticket.offlineCopy) rememberTicketDetails(ticket);
    } catch {
      // Skipped on purpose: the list shows the entry anyway, and opening it retries the load.
    }
  }
}
