import { SECTION_LABELS } from '@cityleague/domain';
import { Link } from 'react-router-dom';
import type { PublicEvent } from '../events-api';
import { formatDateTime } from '../format';
import { RegistrationStatusTag } from './RegistrationStatusTag';

/** Returns "徐汇区 · 徐家汇街道" for a street event and "徐汇区" for a district event. */
export function placeName(event: PublicEvent): string {
  if (!event.divisionName || event.divisionName === event.districtName) return event.districtName;
  return `${event.districtName} · ${event.divisionName}`;
}

/** Returns "剩余 12 个名额", or why no place is left. */
export function placesLeftText(event: PublicEvent): string {
  if (event.placesLeft <= 0) return '名额已满';
  return `剩余 ${event.placesLeft} 个名额`;
}

/** Greys the places line out when registration is over, and highlights the last few places. */
function placesClassName(event: PublicEvent): string {
  const status = event.registrationStatus;
  if (status === 'closed' || status === 'full') return 'event-card-places unavailable';
  const scarce = event.placesLeft <= Math.max(5, event.capacity * 0.1);
  return scarce ? 'event-card-places scarce' : 'event-card-places';
}

export function EventCard({ event }: { event: PublicEvent }) {
  const placesClass = placesClassName(event);
  return (
    <Link to={`/events/${event.id}`} className="event-card">
      <div className="event-card-head">
        <h2 className="event-card-name">{event.name}</h2>
        <RegistrationStatusTag status={event.registrationStatus} />
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
          <dt>地区</dt>
          <dd>{placeName(event)}</dd>
        </div>
        <div>
          <dt>场地</dt>
          <dd>{event.venue}</dd>
        </div>
      </dl>
      <div className={placesClass}>{placesLeftText(event)}</div>
    </Link>
  );
}
