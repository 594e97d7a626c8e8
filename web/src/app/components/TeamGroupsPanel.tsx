import { Button } from 'antd-mobile';
import { useNavigate } from 'react-router-dom';
import { teamSizeText } from '../format';
import type { EventGroup } from '../teams-api';

/** Lists an event's team groups, each with its size rule and a link to team registration. */
export function TeamGroupsPanel({
  eventId,
  groups,
  open,
}: {
  eventId: string;
  groups: EventGroup[];
  open: boolean;
}) {
  const navigate = useNavigate();
  const teamGroups = groups.filter((group) => group.entryType === 'team');
  if (teamGroups.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="team-groups-title">
      <h2 className="panel-title" id="team-groups-title">
        团体报名
      </h2>
      <ul className="team-groups">
        {teamGroups.map((group) => (
          <li key={group.id} className="team-group">
            <div>
              <span className="team-group-name">{group.name}</span>
              <span className="team-group-meta">
                {teamSizeText(group.teamMin, group.teamMax) || '团体'} · 剩余{' '}
                {Math.max(0, group.placesLeft)} 个名额
              </span>
            </div>
            {open && (
              <Button
                size="small"
                color="primary"
                fill="outline"
                onClick={() =>
                  navigate(`/events/${eventId}/team?group=${encodeURIComponent(group.id)}`)
                }
              >
                组队报名
              </Button>
            )}
          </li>
        ))}
      </ul>
      <p className="team-note">由队长登录后填写全部队员，每名队员占 1 个名额。</p>
    </section>
  );
}
