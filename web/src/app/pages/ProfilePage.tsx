import {
  checkResidentId,
  earliestBirthDate,
  maskResidentId,
  residentIdProblem,
  toHalfWidth,
} from '@cityleague/domain';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Dialog, Form, Input, List, Radio, Skeleton, Toast } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { Link, Navigate } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { errorMessage, fieldProblemText } from '../../lib/messages';
import {
  citizenKey,
  GENDER_LABELS,
  savePreferences,
  saveProfile,
  signOut,
  useCitizen,
  type CitizenProfile,
  type Gender,
  type ProfileInput,
} from '../citizen-api';
import { PageNavBar } from '../components/PageNavBar';
import { shanghaiDate } from '../format';
import {
  PreferencesPanel,
  usePreferencesDraft,
  type PreferencesDraft,
} from '../components/PreferencesPanel';
import { QueryError } from '../components/QueryError';
import { NAME_MAX_LENGTH, nameProblem, normaliseName } from '../registration-rules';
import { useDocumentTitle } from '../use-document-title';

interface ProfileValues {
  realName: string;
  idNumber?: string;
  idConsent?: boolean;
  gender?: Gender;
  birthDate?: string;
}

/** Fate of a stored ID number on save: kept, replaced by a typed one, or removed. */
type IdAction = 'keep' | 'replace' | 'remove';

/** Reads gender and birth date from a typed ID number, or undefined while it is invalid. */
function identityOf(idNumber: string | undefined) {
  const checked = checkResidentId(idNumber ?? '');
  return checked.ok ? checked.value : undefined;
}

/** "我的": the signed-in citizen's masked number and profile, with sign-out. */
export function ProfilePage() {
  useDocumentTitle('我的');
  const citizen = useCitizen();

  if (citizen.isSuccess && citizen.data === null) return <Navigate to="/login?next=/me" replace />;
  return (
    <div className="page">
      <PageNavBar title="我的" />
      <main className="page-body">
        {citizen.isPending && (
          <section className="panel" aria-busy="true" aria-label="正在加载">
            <Skeleton.Paragraph lineCount={5} animated />
          </section>
        )}
        {citizen.isError && (
          <QueryError error={citizen.error} onRetry={() => void citizen.refetch()} />
        )}
        {citizen.data && <ProfileContent profile={citizen.data} />}
      </main>
    </div>
  );
}

function ProfileContent({ profile }: { profile: CitizenProfile }) {
  const queryClient = useQueryClient();
  const preferences = usePreferencesDraft(profile);

  const leave = async () => {
    const confirmed = await Dialog.confirm({
      title: '退出登录',
      content: '退出后需要重新用短信验证码登录。',
      confirmText: '退出',
      cancelText: '取消',
    });
    if (!confirmed) return;
    try {
      await signOut();
      queryClient.setQueryData(citizenKey, null);
      // The offline copy of the account's registration list leaves with the account.
      if ('caches' in window) await window.caches.delete('cityleague-data');
    } catch (error) {
      Toast.show({ content: errorMessage(error) });
    }
  };

  return (
    <>
      <section className="panel profile-head" aria-label="账号">
        <div className="profile-avatar" aria-hidden="true">
          {profile.realNameMasked?.[0] ?? '我'}
        </div>
        <div>
          <p className="profile-name">{profile.realNameMasked ?? '未填写姓名'}</p>
          <p className="profile-phone">手机号 {profile.phoneMasked}</p>
        </div>
      </section>
      <List className="profile-links">
        <List.Item>
          <Link to="/tickets" className="profile-link">
            我的报名
          </Link>
        </List.Item>
      </List>
      <PreferencesPanel draft={preferences} />
      <ProfileForm profile={profile} preferences={preferences} />
      <Button className="sign-out" block size="large" shape="rounded" onClick={() => void leave()}>
        退出登录
      </Button>
    </>
  );
}

/** Names of the form's fields, whose errors a change or a successful save clears. */
const PROFILE_FIELDS: (keyof ProfileValues)[] = [
  'realName',
  'idNumber',
  'idConsent',
  'gender',
  'birthDate',
];

/**
 * Shows the profile form. Its save button also saves the favourite sports and district when
 * the citizen changed them, so that pressing the big button keeps everything changed on the page.
 */
function ProfileForm({
  profile,
  preferences,
}: {
  profile: CitizenProfile;
  preferences: PreferencesDraft;
}) {
  const [form] = Form.useForm<ProfileValues>();
  const queryClient = useQueryClient();
  const [idAction, setIdAction] = useState<IdAction>(profile.idNumberMasked ? 'keep' : 'replace');
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string>();
  const typedId = Form.useWatch('idNumber', form);

  const typedIdentity = idAction === 'replace' ? identityOf(typedId) : undefined;
  const keepsStoredId = idAction === 'keep' && profile.idNumberMasked !== null;
  const derived = typedIdentity
    ? { gender: typedIdentity.sex, birthDate: typedIdentity.birthDate }
    : keepsStoredId
      ? { gender: profile.gender, birthDate: profile.birthDate }
      : undefined;

  // The form fields on screen now, by the request field that each one sends.
  const visibleFields = [
    'realName',
    ...(idAction === 'replace' ? ['idNumber', 'idConsent'] : []),
    ...(derived ? [] : ['gender', 'birthDate']),
  ];

  const showServerError = (error: unknown) => {
    if (!(error instanceof ApiError)) {
      setFormError(errorMessage(error));
      return;
    }
    if (error.code === 'VALIDATION_FAILED') {
      const attached = (error.problem.errors ?? []).filter((fieldError) =>
        visibleFields.includes(fieldError.field),
      );
      form.setFields(
        attached.map((fieldError) => ({
          name: fieldError.field,
          errors: [fieldProblemText(fieldError)],
        })),
      );
      setFormError(
        errorMessage(
          error,
          attached.map((fieldError) => fieldError.field),
        ),
      );
    } else if (error.code === 'CIT_INVALID_NAME') {
      form.setFields([{ name: 'realName', errors: [errorMessage(error)] }]);
    } else if (error.code === 'CIT_INVALID_ID_NUMBER') {
      form.setFields([{ name: 'idNumber', errors: [errorMessage(error)] }]);
    } else if (error.code === 'CIT_ID_CONSENT_REQUIRED') {
      form.setFields([{ name: 'idConsent', errors: [errorMessage(error)] }]);
    } else {
      setFormError(errorMessage(error));
    }
  };

  const submit = async (values: ProfileValues) => {
    if (saving) return;
    const input: ProfileInput = { realName: normaliseName(values.realName) };
    if (idAction === 'remove') input.idNumber = null;
    const typed = toHalfWidth(values.idNumber ?? '').replace(/\s/g, '');
    if (idAction === 'replace' && typed !== '') {
      input.idNumber = typed;
      input.idConsent = values.idConsent === true;
    }
    if (!derived) {
      input.gender = values.gender ?? null;
      input.birthDate = values.birthDate || null;
    }

    setFormError(undefined);
    setSaving(true);
    try {
      let saved = await saveProfile(input);
      queryClient.setQueryData(citizenKey, saved);
      if (preferences.changed) {
        saved = await savePreferences(preferences.input);
        queryClient.setQueryData(citizenKey, saved);
      }
      form.setFields(PROFILE_FIELDS.map((name) => ({ name, errors: [] })));
      form.setFieldsValue({ idNumber: '', idConsent: false });
      setIdAction(saved.idNumberMasked ? 'keep' : 'replace');
      Toast.show({ icon: 'success', content: '已保存' });
    } catch (error) {
      showServerError(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      className="register-form profile-form"
      requiredMarkStyle="asterisk"
      initialValues={{
        realName: profile.realName ?? '',
        gender: profile.gender ?? undefined,
        birthDate: profile.birthDate ?? '',
      }}
      onFinish={submit}
      // A server error on a field is stale once the citizen edits the field.
      onValuesChange={(changed: Partial<ProfileValues>) => {
        const names = Object.keys(changed) as (keyof ProfileValues)[];
        form.setFields(names.map((name) => ({ name, errors: [] })));
      }}
      footer={
        <div className="register-footer">
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
            loading={saving}
            loadingText="正在保存"
          >
            保存资料
          </Button>
          <p className="form-hint">身份证号码加密保存，页面上只显示部分号码</p>
        </div>
      }
    >
      <Form.Header>个人资料</Form.Header>
      <Form.Item
        name="realName"
        label="真实姓名"
        required
        validateTrigger="onBlur"
        rules={[
          {
            validator: async (_, value: string | undefined) => {
              const problem = nameProblem(value ?? '');
              if (problem) throw new Error(problem);
            },
          },
        ]}
      >
        <Input
          placeholder="请输入真实姓名"
          autoComplete="name"
          maxLength={NAME_MAX_LENGTH}
          clearable
        />
      </Form.Item>

      {idAction === 'replace' ? (
        <>
          <Form.Item
            name="idNumber"
            label="身份证号码（选填）"
            validateTrigger="onBlur"
            rules={[
              {
                validator: async (_, value: string | undefined) => {
                  if (!value || value.trim() === '') return;
                  const problem = residentIdProblem(value);
                  if (problem) throw new Error(problem);
                },
              },
            ]}
            extra={
              profile.idNumberMasked ? (
                <Button size="small" fill="none" onClick={() => setIdAction('keep')}>
                  取消更换
                </Button>
              ) : undefined
            }
          >
            <Input placeholder="填写后可自动计算性别和出生日期" maxLength={22} clearable />
          </Form.Item>
          {typedIdentity && (
            <p className="profile-id-preview" aria-live="polite">
              将保存为 {maskResidentId(typedIdentity.id)}
            </p>
          )}
          <Form.Item
            name="idConsent"
            valuePropName="checked"
            rules={[
              {
                validator: async (_, value: boolean | undefined) => {
                  const typed = (form.getFieldValue('idNumber') ?? '').trim();
                  if (typed !== '' && !value) throw new Error('保存身份证号码前，请先勾选同意');
                },
              },
            ]}
          >
            <Checkbox className="safety-checkbox">
              我同意平台加密保存我的身份证号码，仅用于核验报名年龄和赛事保险
            </Checkbox>
          </Form.Item>
        </>
      ) : (
        <Form.Item label="身份证号码">
          <div className="profile-id-row">
            <span className="profile-id">
              {idAction === 'remove' ? '保存后删除' : profile.idNumberMasked}
            </span>
            {idAction === 'keep' ? (
              <>
                <Button size="small" fill="outline" onClick={() => setIdAction('replace')}>
                  更换
                </Button>
                <Button
                  size="small"
                  fill="outline"
                  color="danger"
                  onClick={() => setIdAction('remove')}
                >
                  删除
                </Button>
              </>
            ) : (
              <Button size="small" fill="outline" onClick={() => setIdAction('keep')}>
                撤销
              </Button>
            )}
          </div>
        </Form.Item>
      )}

      {derived ? (
        <Form.Item label="性别和出生日期" description="由身份证号码自动得出">
          <p className="profile-derived">
            {derived.gender ? GENDER_LABELS[derived.gender] : '—'} · {derived.birthDate ?? '—'}
          </p>
        </Form.Item>
      ) : (
        <>
          <Form.Item name="gender" label="性别（选填）">
            <Radio.Group>
              <div className="profile-gender">
                <Radio value="male">男</Radio>
                <Radio value="female">女</Radio>
              </div>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="birthDate" label="出生日期（选填）">
            <BirthDateInput />
          </Form.Item>
        </>
      )}
    </Form>
  );
}

/**
 * A native date input whose picker offers the dates from 120 years ago through today in
 * Shanghai, the range the server accepts. antd-mobile's Input types `min` and `max` as numbers, so it cannot set them.
 */
function BirthDateInput({
  value,
  onChange,
}: {
  value?: string;
  onChange?: (value: string) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // The browser's own range check would stop the save with a bubble in the browser's
    // language. The server checks the range, and its message shows on this field instead.
    if (input.current?.form) input.current.form.noValidate = true;
  }, []);
  return (
    <div className="adm-input">
      <input
        ref={input}
        type="date"
        className="adm-input-element"
        aria-label="出生日期"
        min={earliestBirthDate(shanghaiDate())}
        max={shanghaiDate()}
        value={value ?? ''}
        onChange={(event) => onChange?.(event.target.value)}
      />
    </div>
  );
}
