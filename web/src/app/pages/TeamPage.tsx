import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, Popup, Skeleton, Tag, Toast } from 'antd-mobile';
import { useState } from 'react';
import { Link, Navigate, useLocation, useParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { errorMessage, isNotFound } from '../../lib/messages';
import { useCitizen } from '../citizen-api';
import {
  EMPTY_MEMBER,
  GUARDIAN_DRAFT_FIELDS,
  MemberFields,
  memberBody,
  memberProblems,
  type MemberDraft,
  type MemberErrors,
} from '../components/MemberFields';
import { PageNavBar } from '../components/PageNavBar';
import { QueryError } from '../components/QueryError';
import { teamSizeText } from '../format';
import { queryKeys } from '../queries';
import { GUARDIAN_MESSAGES } from '../registration-rules';
import {
  cancelTeam,
  replaceMembers,
  TEAM_STATUS_LABELS,
  teamKeys,
  useCaptainTeam,
  type CaptainTeam,
  type TeamMember,
} from '../teams-api';
import { useDocumentTitle } from '../use-document-title';

const STATUS_COLORS: Record<CaptainTeam['status'], string> = {
  active: 'success',
  waiting: 'warning',
  cancelled: 'default',
};

/** Renders the captain's view of a team: its members, member replacement and cancellation. */
export function TeamPage() {
  const { id = '', teamId = '' } = useParams();
  const citizen = useCitizen();
  const team = useCaptainTeam(id, teamId);
  const location = useLocation();
  useDocumentTitle(team.data?.name ?? '我的队伍');

  if (citizen.isSuccess && citizen.data === null) {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname)}`} replace />;
  }
  return (
    <div className="page">
      <PageNavBar title="我的队伍" />
      {team.isPending && (
        <main className="page-body" aria-busy="true" aria-label="正在加载队伍">
          <section className="panel">
            <Skeleton.Paragraph lineCount={6} animated />
          </section>
        </main>
      )}
      {team.isError &&
        (isNotFound(team.error, ['TEAM_NOT_FOUND']) ? (
          <main className="page-body">
            <section className="panel" role="status">
              <p className="team-note">找不到该队伍，或您不是该队伍的队长。</p>
              <Link to="/teams">查看我的队伍</Link>
            </section>
          </main>
        ) : (
          <QueryError error={team.error} onRetry={() => void team.refetch()} />
        ))}
      {team.isSuccess && <TeamDetail team={team.data} />}
    </div>
  );
}

/** What the member popup is editing: a replacement for one member, or an added member. */
type Editing = { replace: TeamMember } | { add: true };

function TeamDetail({ team }: { team: CaptainTeam }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>();
  const canChange = team.membersChangeable;
  const ids = team.members.map((member) => ({ id: member.id }));

  const saveMembers = useMutation({
    mutationFn: (members: Parameters<typeof replaceMembers>[2]) =>
      replaceMembers(team.eventId, team.id, members),
    onSuccess: (updated) => {
      queryClient.setQueryData(teamKeys.team(team.eventId, team.id), updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.events });
      void queryClient.invalidateQueries({ queryKey: teamKeys.mine });
    },
  });

  const remove = async (member: TeamMember) => {
    const confirmed = await Dialog.confirm({
      title: `移出 ${member.name}？`,
      content: '移出后释放 1 个名额，该队员的报名码失效。',
      confirmText: '移出',
      cancelText: '取消',
    });
    if (!confirmed) return;
    try {
      await saveMembers.mutateAsync(ids.filter((entry) => entry.id !== member.id));
      Toast.show({ icon: 'success', content: '已移出' });
    } catch (error) {
      Toast.show({ icon: 'fail', content: errorMessage(error) });
    }
  };

  const cancel = async () => {
    const confirmed = await Dialog.confirm({
      title: '取消整队报名？',
      content: `全部 ${team.size} 名队员的报名都将取消，名额会让给候补队伍。`,
      confirmText: '取消报名',
      cancelText: '再想想',
    });
    if (!confirmed) return;
    try {
      await cancelTeam(team.eventId, team.id);
      await queryClient.invalidateQueries({ queryKey: teamKeys.team(team.eventId, team.id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.events });
      Toast.show({ icon: 'success', content: '已取消团队报名' });
    } catch (error) {
      Toast.show({ icon: 'fail', content: errorMessage(error) });
    }
  };

  return (
    <>
      <main className="page-body">
        <section className="panel team-head">
          <div className="team-head-line">
            <h1 className="team-name">{team.name}</h1>
            <Tag color={STATUS_COLORS[team.status]} fill="outline">
              {TEAM_STATUS_LABELS[team.status]}
            </Tag>
          </div>
          <p className="team-meta">
            <Link to={`/events/${team.eventId}`}>{team.eventName}</Link>
          </p>
          <p className="team-meta">
            {team.groupName} · {team.size} 人（{teamSizeText(team.teamMin, team.teamMax)}）
          </p>
          {team.queuePosition !== null && (
            <p className="team-meta">
              候补第 {team.queuePosition} 位，名额足够整队时自动转为报名成功
            </p>
          )}
        </section>

        <section className="panel" aria-label="队员名单">
          <h2 className="panel-title">队员名单</h2>
          <ul className="team-members">
            {team.members.map((member, index) => (
              <li key={member.id} className="team-member">
                <div className="team-member-main">
                  <span className="team-member-name">
                    {index + 1}. {member.name}
                  </span>
                  <span className="team-member-meta">
                    {member.phoneMasked}
                    {member.idMasked ? ` · ${member.idMasked}` : ''}
                  </span>
                  {member.code && (
                    <Link
                      className="team-member-code"
                      to={`/tickets/${encodeURIComponent(member.code)}`}
                    >
                      报名码 {member.code}
                    </Link>
                  )}
                </div>
                {canChange && (
                  <div className="team-member-actions">
                    <Button
                      size="small"
                      color="primary"
                      fill="outline"
                      onClick={() => setEditing({ replace: member })}
                    >
                      更换
                    </Button>
                    {team.size > team.teamMin && (
                      <Button
                        size="small"
                        color="danger"
                        fill="none"
                        onClick={() => void remove(member)}
                      >
                        移出
                      </Button>
                    )}
                  </div>
                )}
              </li>
            ))}
          </ul>
          {canChange && team.size < team.teamMax && (
            <Button block fill="outline" color="primary" onClick={() => setEditing({ add: true })}>
              添加队员
            </Button>
          )}
          <p className="team-note">
            {canChange
              ? '报名截止前，队长可以更换、添加或移出队员。'
              : team.status === 'cancelled'
                ? '该队伍的报名已取消。'
                : '报名已截止，队员名单不能再修改。'}
          </p>
        </section>
      </main>

      {team.cancellable && (
        <footer className="bottom-bar">
          <Button
            block
            size="large"
            shape="rounded"
            color="danger"
            fill="outline"
            onClick={() => void cancel()}
          >
            取消整队报名
          </Button>
        </footer>
      )}

      <Popup
        visible={editing !== undefined}
        onMaskClick={() => setEditing(undefined)}
        bodyClassName="member-popup"
        destroyOnClose
      >
        {editing && (
          <MemberEditor
            team={team}
            editing={editing}
            saving={saveMembers.isPending}
            onCancel={() => setEditing(undefined)}
            onSave={async (person) => {
              const members =
                'replace' in editing
                  ? team.members.map((member) =>
                      member.id === editing.replace.id ? person : { id: member.id },
                    )
                  : [...ids, person];
              await saveMembers.mutateAsync(members);
              setEditing(undefined);
              Toast.show({ icon: 'success', content: '队员名单已更新' });
            }}
          />
        )}
      </Popup>
    </>
  );
}

function MemberEditor({
  team,
  editing,
  saving,
  onCancel,
  onSave,
}: {
  team: CaptainTeam;
  editing: Editing;
  saving: boolean;
  onCancel: () => void;
  onSave: (person: ReturnType<typeof memberBody>) => Promise<void>;
}) {
  const [draft, setDraft] = useState<MemberDraft>({ ...EMPTY_MEMBER });
  const [errors, setErrors] = useState<MemberErrors>({});
  const [formError, setFormError] = useState<string>();
  const idRequired = team.idNumberRequired;
  const title = 'replace' in editing ? `更换队员：${editing.replace.name}` : '添加队员';

  const save = async () => {
    const problems = memberProblems(draft, idRequired, team.eventStartsAt);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setFormError(undefined);
    try {
      await onSave(memberBody(draft, team.eventStartsAt));
    } catch (error) {
      const fieldErrors: MemberErrors = {};
      if (error instanceof ApiError) {
        for (const fieldError of error.problem.errors ?? []) {
          const guardianField = /\.guardian\.(name|phone|consent)$/.exec(fieldError.field)?.[1];
          if (guardianField) {
            fieldErrors[GUARDIAN_DRAFT_FIELDS[guardianField]!] = GUARDIAN_MESSAGES[guardianField];
            continue;
          }
          const field = /\.(name|phone|idNumber|age|gender)$/.exec(fieldError.field)?.[1];
          if (field === 'name' || field === 'phone') fieldErrors[field] = errorMessage(error);
          else if (field) fieldErrors.idNumber = errorMessage(error);
        }
      }
      setErrors(fieldErrors);
      setFormError(errorMessage(error));
    }
  };

  return (
    <form
      className="member-editor"
      noValidate
      onSubmit={(formEvent) => {
        formEvent.preventDefault();
        void save();
      }}
    >
      <h2 className="panel-title">{title}</h2>
      <MemberFields
        label="新队员"
        value={draft}
        errors={errors}
        idRequired={idRequired}
        idHidden={team.idNumberHidden}
        startsAt={team.eventStartsAt}
        onChange={setDraft}
      />
      {formError && (
        <div className="form-alert" role="alert">
          {formError}
        </div>
      )}
      <div className="member-editor-actions">
        <Button block size="large" shape="rounded" onClick={onCancel}>
          取消
        </Button>
        <Button
          block
          type="submit"
          size="large"
          shape="rounded"
          color="primary"
          loading={saving}
          disabled={saving}
        >
          确认
        </Button>
      </div>
    </form>
  );
}
