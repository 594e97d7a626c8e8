import { SECTION_LABELS } from '@cityleague/domain';
import { Link } from 'react-router-dom';
import { addressLine, hasEnded, placesLeftText } from '../event-text';
import type { PublicEvent } from '../events-api';
import { formatDateTime } from '../format';
import { RegistrationStatusTag } from './RegistrationStatusTag';

/**
 * Greys the places line out when registration is over, shows it in plain text before it opens,
 * and highlights the last few places.
 */
function placesClassName(event: PublicEvent): string {
  const status = event.registrationStatus;
  if (hasEnded(event)) return 'event-card-places unavailable';
  if (status === 'closed' || status === 'full') return 'event-card-places unavailable';
  if (status === 'not_open') return 'event-card-places upcoming';
  const scarce = event.placesLeft <= Math.max(5, event.capacity * 0.1);
  return scarce ? 'event-card-places scarce' : 'event-card-places';
}

export function EventCard({ event }: { event: PublicEvent }) {
  const placesClass = placesClassName(event);
  return (
    <Link to={`/events/${event.id}`} className="event-card">
      <div className="event-card-head">
        <h2 className="event-card-name">{event.name}</h2>
        <RegistrationStatusTag status={event.registrationStatus} ended={hasEnded(event)} />
      </div>
      <div className="event-card-badges">
        <span className="badge badge-sport">{event.sportName}</span>
        <span className="badge">{SECTION_LABELS[event.section]}</span>
      </div>
      <dl className="event-card-facts">
        <div>
          <dt>时间</dt>
          <dd>{formatDateTime(event.startsAt)}</dd>
        </div>
        <div>
          <dt>地点</dt>
          <dd>{addressLine(event)}</dd>
        </div>
      </dl>
      <div className={placesClass}>{placesLeftText(event)}</div>
    </Link>
  );
}
