import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { fetchOwnResults } from '../results-api';
import { CertificateDownload } from './CertificateDownload';

/**
 * Lists the signed-in citizen's published results with links to the certificates. Shows
 * nothing to a visitor who is not signed in or has no results yet.
 */
export function MyResults() {
  const results = useQuery({
    queryKey: ['citizen', 'results'],
    queryFn: fetchOwnResults,
    retry: false,
  });
  if (results.error instanceof ApiError && results.error.code === 'CIT_SESSION_REQUIRED') {
    return null;
  }
  const items = results.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="my-results" aria-labelledby="my-results-title">
      <h2 id="my-results-title" className="my-results-title">
        我的成绩
      </h2>
      <ul className="ticket-list">
        {items.map((item) => (
          <li key={item.registrationId} className="ticket-item">
            <Link
              to={`/events/${encodeURIComponent(item.eventId)}/results`}
              className="ticket-item-event"
            >
              {item.eventName}
            </Link>
            <span className="my-result-line">
              {item.groupName ? `${item.groupName} · ${item.text}` : item.text}
            </span>
            {item.certificateCode && (
              <span className="my-result-links">
                电子证书：
                <CertificateDownload code={item.certificateCode} format="png" />
                <CertificateDownload code={item.certificateCode} format="pdf" />
                <Link to={`/certificates/${encodeURIComponent(item.certificateCode)}`}>验证</Link>
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
