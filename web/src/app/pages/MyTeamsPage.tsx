import { Button, ErrorBlock, Skeleton, Tag } from 'antd-mobile';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { useCitizen } from '../citizen-api';
import { PageNavBar } from '../components/PageNavBar';
import { QueryError } from '../components/QueryError';
import { formatDateTime } from '../format';
import { TEAM_STATUS_LABELS, teamPath, useMyTeams } from '../teams-api';
import { useDocumentTitle } from '../use-document-title';

/** Lists the teams that the signed-in citizen registered as captain, newest first. */
export function MyTeamsPage() {
  useDocumentTitle('我的队伍');
  const citizen = useCitizen();
  const teams = useMyTeams();
  const navigate = useNavigate();

  if (citizen.isSuccess && citizen.data === null) {
    return <Navigate to="/login?next=/teams" replace />;
  }
  return (
    <div className="page">
      <PageNavBar title="我的队伍" />
      <main className="page-body">
        {teams.isPending && (
          <section className="panel" aria-busy="true">
            <Skeleton.Paragraph lineCount={4} animated />
          </section>
        )}
        {teams.isError && <QueryError error={teams.error} onRetry={() => void teams.refetch()} />}
        {teams.isSuccess && teams.data.length === 0 && (
          <ErrorBlock
            status="empty"
            title="还没有队伍"
            description="在团体组别的赛事页面可以组队报名"
          >
            <Button color="primary" size="large" onClick={() => navigate('/')}>
              去看看赛事
            </Button>
          </ErrorBlock>
        )}
        {teams.isSuccess && teams.data.length > 0 && (
          <ul className="ticket-list" aria-label="队伍">
            {teams.data.map((team) => (
              <li key={team.id}>
                <Link to={teamPath(team.eventId, team.id)} className="ticket-item">
                  <span className="ticket-item-event">{team.eventName}</span>
                  <span className="ticket-item-code">
                    {team.name} · {team.size} 人{' '}
                    <Tag fill="outline">{TEAM_STATUS_LABELS[team.status]}</Tag>
                  </span>
                  <span className="ticket-item-meta">{formatDateTime(team.createdAt)} 报名</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}
