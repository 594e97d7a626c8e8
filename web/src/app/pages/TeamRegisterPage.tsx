import { containsEmoji } from '@cityleague/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Input, Selector, Skeleton } from 'antd-mobile';
import { useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { EMOJI_MESSAGE, errorMessage } from '../../lib/messages';
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
import { formatRange, teamSizeText } from '../format';
import { newIdempotencyKey } from '../idempotency-key';
import { queryKeys, useEvent } from '../queries';
import { useEventForm } from '../registration-form-api';
import { GUARDIAN_MESSAGES, SAFETY_NOTICE } from '../registration-rules';
import {
  createTeam,
  groupNeedsIdNumber,
  teamKeys,
  teamPath,
  useEventGroups,
  type EventGroup,
} from '../teams-api';
import { useDocumentTitle } from '../use-document-title';
import { EventLoadError } from './EventDetailPage';

const TEAM_NAME_MAX_LENGTH = 30;

/** Team registration: the signed-in captain enters the team name and every member. */
export function TeamRegisterPage() {
  const { id = '' } = useParams();
  const event = useEvent(id);
  const groups = useEventGroups(id);
  const citizen = useCitizen();
  const location = useLocation();
  useDocumentTitle('组队报名');

  const teamGroups = (groups.data ?? []).filter((group) => group.entryType === 'team');
  const loading = event.isPending || groups.isPending || citizen.isPending;
  const next = encodeURIComponent(location.pathname + location.search);

  return (
    <div className="page">
      <PageNavBar title="组队报名" />
      {loading && (
        <main className="page-body" aria-busy="true" aria-label="正在加载赛事">
          <section className="panel">
            <Skeleton.Paragraph lineCount={5} animated />
          </section>
        </main>
      )}
      {event.isError && <EventLoadError error={event.error} onRetry={() => void event.refetch()} />}
      {!loading && event.isSuccess && (
        <main className="page-body">
          <section className="panel register-summary" aria-label="报名赛事">
            <h1 className="register-event-name">{event.data.name}</h1>
            <p className="register-summary-line">
              {formatRange(event.data.startsAt, event.data.endsAt)}
            </p>
          </section>
          {event.data.registrationStatus !== 'open' || teamGroups.length === 0 ? (
            <section className="panel" role="status">
              <p className="team-note">
                {teamGroups.length === 0 ? '该赛事没有团体组别' : '当前不在报名时间内'}
              </p>
              <Link to={`/events/${id}`}>查看赛事详情</Link>
            </section>
          ) : citizen.data ? (
            <TeamForm eventId={id} startsAt={event.data.startsAt} groups={teamGroups} />
          ) : (
            <section className="panel" role="status">
              <p className="team-note">组队报名由队长登录后提交，报名后队长可在截止前更换队员。</p>
              <Link className="team-login-link" to={`/login?next=${next}`}>
                登录后组队报名
              </Link>
            </section>
          )}
        </main>
      )}
    </div>
  );
}

function sizeText(group: EventGroup): string {
  return teamSizeText(group.teamMin, group.teamMax);
}

/**
 * Reads `members.<index>.<field>` or `members.<index>.guardian.<field>` of a server field error,
 * with the Chinese text of a guardian's field.
 */
function memberFieldOf(
  path: string,
): { index: number; field: keyof MemberDraft; text?: string } | undefined {
  const guardian = /^members\.(\d+)\.guardian\.(name|phone|consent)$/.exec(path);
  if (guardian) {
    const [, index, field] = guardian as unknown as [string, string, string];
    return {
      index: Number(index),
      field: GUARDIAN_DRAFT_FIELDS[field]!,
      text: GUARDIAN_MESSAGES[field],
    };
  }
  const match = /^members\.(\d+)\.(name|phone|idNumber|gender|age)$/.exec(path);
  if (!match) return undefined;
  const field = match[2] === 'gender' || match[2] === 'age' ? 'idNumber' : match[2];
  return { index: Number(match[1]), field: field as keyof MemberDraft };
}

const SERVER_FIELD_TEXT: Record<string, string> = {
  already_registered: '此人已报名本赛事',
  duplicate: '与前面的队员是同一人',
  required: '请填写身份证号码',
  gender: '性别不符合该组别要求',
  too_young: '年龄低于该组别要求',
  too_old: '年龄高于该组别要求',
};

function TeamForm({
  eventId,
  startsAt,
  groups,
}: {
  eventId: string;
  startsAt: string | null;
  groups: EventGroup[];
}) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const initialGroup = groups.find((group) => group.id === params.get('group')) ?? groups[0]!;
  const [groupId, setGroupId] = useState(initialGroup.id);
  const group = groups.find((candidate) => candidate.id === groupId) ?? initialGroup;
  const min = group.teamMin ?? 1;
  const max = group.teamMax ?? min;
  const eventForm = useEventForm(eventId).data;
  const formIdRule = eventForm?.form.idNumber ?? 'optional';
  const notice = eventForm?.safetyNotice ?? null;
  const idHidden = formIdRule === 'hidden';
  const idRequired = !idHidden && (formIdRule === 'required' || groupNeedsIdNumber(group));

  const [teamName, setTeamName] = useState('');
  const [members, setMembers] = useState<MemberDraft[]>(() =>
    Array.from({ length: min }, () => ({ ...EMPTY_MEMBER })),
  );
  const [memberErrors, setMemberErrors] = useState<MemberErrors[]>([]);
  const [nameError, setNameError] = useState<string>();
  const [accepted, setAccepted] = useState(false);
  const [idConsent, setIdConsent] = useState(false);
  const [consentError, setConsentError] = useState<{ notice?: string; id?: string }>({});
  const [formError, setFormError] = useState<string>();
  // One key for the life of the form, so that a repeated tap or a retry after a lost response
  // registers one team. A definite rejection gets a new key, because the next try differs.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const sending = useRef(false);

  const idsGiven = !idHidden && members.some((member) => member.idNumber.trim() !== '');

  const mutation = useMutation({
    mutationFn: () =>
      createTeam(
        eventId,
        {
          name: teamName.trim(),
          groupId,
          members: members.map((member) => memberBody(member, startsAt)),
          ...(idsGiven ? { idConsent } : {}),
          ...(notice ? { safetyNoticeVersion: notice.version } : {}),
        },
        idempotencyKey,
      ),
  });

  const selectGroup = (next: string) => {
    const chosen = groups.find((candidate) => candidate.id === next);
    if (!chosen) return;
    setGroupId(next);
    const nextMin = chosen.teamMin ?? 1;
    const nextMax = chosen.teamMax ?? nextMin;
    setMembers((current) => {
      const resized = current.slice(0, nextMax);
      while (resized.length < nextMin) resized.push({ ...EMPTY_MEMBER });
      return resized;
    });
  };

  const showServerError = (error: unknown) => {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
      setIdempotencyKey(newIdempotencyKey());
    }
    if (!(error instanceof ApiError)) {
      setFormError(errorMessage(error));
      return;
    }
    if (error.code === 'REG_ID_CONSENT_REQUIRED') {
      setConsentError({ id: errorMessage(error) });
    } else if (error.code.startsWith('REG_SAFETY_NOTICE')) {
      // The notice changed since the page loaded: show the current one and ask again.
      setAccepted(false);
      setConsentError({ notice: errorMessage(error) });
      void queryClient.invalidateQueries({ queryKey: ['events', eventId, 'registration-form'] });
    }
    const perMember: MemberErrors[] = members.map(() => ({}));
    for (const fieldError of error.problem.errors ?? []) {
      if (fieldError.field === 'name') {
        setNameError(fieldError.code === 'noEmoji' ? EMOJI_MESSAGE : errorMessage(error));
        continue;
      }
      const target = memberFieldOf(fieldError.field);
      if (target && perMember[target.index]) {
        perMember[target.index]![target.field] =
          target.text ?? SERVER_FIELD_TEXT[fieldError.code] ?? errorMessage(error);
      }
    }
    setMemberErrors(perMember);
    setFormError(errorMessage(error, ['name']));
    if (error.code === 'REG_EVENT_FULL' || error.code === 'REG_WINDOW_CLOSED') {
      void queryClient.invalidateQueries({ queryKey: queryKeys.events });
    }
  };

  const submit = async () => {
    if (sending.current) return;
    const problems = members.map((member) => memberProblems(member, idRequired, startsAt));
    let badName: string | undefined;
    if (teamName.trim() === '') badName = '请填写队名';
    else if (containsEmoji(teamName)) badName = EMOJI_MESSAGE;
    setNameError(badName);
    setMemberErrors(problems);
    if (badName || problems.some((problem) => Object.keys(problem).length > 0)) {
      setFormError('请检查标红的项目');
      return;
    }
    const consentProblems = {
      ...(accepted ? {} : { notice: '请阅读并勾选同意安全和保险提示' }),
      ...(idsGiven && !idConsent ? { id: '提供身份证号须勾选同意' } : {}),
    };
    setConsentError(consentProblems);
    if (consentProblems.notice || consentProblems.id) {
      setFormError(consentProblems.notice ?? consentProblems.id);
      return;
    }
    sending.current = true;
    setFormError(undefined);
    try {
      const team = await mutation.mutateAsync();
      void queryClient.invalidateQueries({ queryKey: queryKeys.events });
      void queryClient.invalidateQueries({ queryKey: teamKeys.mine });
      navigate(teamPath(eventId, team.id), { replace: true });
    } catch (error) {
      showServerError(error);
    } finally {
      sending.current = false;
    }
  };

  const groupOptions = useMemo(
    () => groups.map((candidate) => ({ label: candidate.name, value: candidate.id })),
    [groups],
  );

  return (
    <form
      className="team-form"
      noValidate
      onSubmit={(formEvent) => {
        formEvent.preventDefault();
        void submit();
      }}
    >
      <section className="panel">
        <h2 className="panel-title">队伍信息</h2>
        {groups.length > 1 && (
          <div className="member-field">
            <span className="member-field-label">组别</span>
            <Selector
              options={groupOptions}
              value={[groupId]}
              onChange={(value) => value[0] && selectGroup(value[0])}
            />
          </div>
        )}
        <p className="team-note">
          {group.name}：{sizeText(group)}，剩余 {Math.max(0, group.placesLeft)} 个名额， 每名队员占
          1 个名额。
          {group.waitingList === 'off'
            ? '名额不足以容纳整队时不能报名。'
            : '名额不足以容纳整队时，整队进入候补。'}
        </p>
        <label className={nameError ? 'member-field invalid' : 'member-field'}>
          <span className="member-field-label">
            队名<span className="member-required"> *</span>
          </span>
          <Input
            value={teamName}
            onChange={setTeamName}
            placeholder="1-30 个字"
            maxLength={TEAM_NAME_MAX_LENGTH}
            aria-label="队名"
            clearable
          />
          {nameError && (
            <span className="member-field-error" role="alert">
              {nameError}
            </span>
          )}
        </label>
      </section>

      <section className="panel" aria-label="队员">
        <h2 className="panel-title">队员（{members.length} 人）</h2>
        {members.map((member, index) => (
          <MemberFields
            key={index}
            label={`队员 ${index + 1}`}
            value={member}
            errors={memberErrors[index] ?? {}}
            idRequired={idRequired}
            idHidden={idHidden}
            startsAt={startsAt}
            onChange={(value) =>
              setMembers((current) => current.map((old, at) => (at === index ? value : old)))
            }
            action={
              members.length > min ? (
                <Button
                  size="mini"
                  fill="none"
                  color="danger"
                  onClick={() => {
                    setMembers((current) => current.filter((_, at) => at !== index));
                    setMemberErrors((current) => current.filter((_, at) => at !== index));
                  }}
                >
                  移除
                </Button>
              ) : undefined
            }
          />
        ))}
        {members.length < max && (
          <Button
            block
            fill="outline"
            color="primary"
            onClick={() => setMembers((current) => [...current, { ...EMPTY_MEMBER }])}
          >
            添加队员
          </Button>
        )}
      </section>

      <section className="panel team-consents" aria-label="同意事项">
        <h2 className="panel-title">安全和保险提示</h2>
        {notice && <p className="safety-notice-body">{notice.body}</p>}
        <Checkbox className="safety-checkbox" checked={accepted} onChange={setAccepted}>
          {notice
            ? '全体队员已阅读并同意以上安全和保险提示'
            : `全体队员已阅读并同意：${SAFETY_NOTICE}`}
        </Checkbox>
        {consentError.notice && (
          <span className="member-field-error" role="alert">
            {consentError.notice}
          </span>
        )}
        {idsGiven && (
          <>
            <Checkbox className="safety-checkbox" checked={idConsent} onChange={setIdConsent}>
              填写了身份证号的队员同意提供身份证号，仅用于本次赛事的报名核验和保险
            </Checkbox>
            {consentError.id && (
              <span className="member-field-error" role="alert">
                {consentError.id}
              </span>
            )}
          </>
        )}
      </section>

      <div className="register-footer team-footer">
        {formError && (
          <div className="form-alert" role="alert">
            {formError}
          </div>
        )}
        <Button
          block
          type="submit"
          color="primary"
          size="large"
          shape="rounded"
          loading={mutation.isPending}
          loadingText="正在提交"
          disabled={mutation.isPending}
        >
          提交团队报名
        </Button>
        <p className="form-hint">队员信息仅用于本次赛事的报名、通知和签到</p>
      </div>
    </form>
  );
}
