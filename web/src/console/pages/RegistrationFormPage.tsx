import { PlusOutlined } from '@ant-design/icons';
import type { FormField, IdNumberRule, RegistrationForm } from '@cityleague/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Input, Radio, Select, Skeleton, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { consoleErrorMessage } from '../../lib/messages';
import { EventLoadError } from '../components/EventLoadError';
import { FormFieldEditor } from '../components/FormFieldEditor';
import { PageTitle } from '../components/PageTitle';
import { fetchConsoleEvent } from '../endpoints';
import { queryKeys } from '../queries';
import {
  applyTemplate,
  conditionAgeProblems,
  fetchEventForm,
  fetchTemplates,
  FORM_PROBLEM_TEXT,
  formQueryKeys,
  LOCK_REASON_TEXT,
  newFieldKey,
  saveEventForm,
  saveTemplate,
  type ConsoleEventForm,
} from '../registration-forms';

const ID_RULE_OPTIONS: { value: IdNumberRule; label: string }[] = [
  { value: 'hidden', label: '不收集' },
  { value: 'optional', label: '选填' },
  { value: 'required', label: '必填' },
];

/** Turns FRM_INVALID_FORM's field errors into lines naming the field by its label. */
function problemLines(error: unknown, fields: FormField[]): string[] {
  if (!(error instanceof ApiError) || error.code !== 'FRM_INVALID_FORM') return [];
  return (error.problem.errors ?? []).map((item) => {
    const index = /fields\.(\d+)/.exec(item.field)?.[1];
    const field = index === undefined ? undefined : fields[Number(index)];
    const name = field ? `字段 ${Number(index) + 1}「${field.label || '未命名'}」` : '表单';
    return `${name}：${FORM_PROBLEM_TEXT[item.code] ?? item.message}`;
  });
}

/** Renders the builder of an event's registration form, its safety notice and templates. */
export function RegistrationFormPage() {
  const { id = '' } = useParams();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const event = useQuery({
    queryKey: queryKeys.consoleEvent(id),
    queryFn: () => fetchConsoleEvent(id),
  });
  const stored = useQuery({ queryKey: formQueryKeys.form(id), queryFn: () => fetchEventForm(id) });
  const templates = useQuery({ queryKey: formQueryKeys.templates, queryFn: fetchTemplates });

  const [form, setForm] = useState<RegistrationForm>({ idNumber: 'optional', fields: [] });
  const [notice, setNotice] = useState('');
  const [templateId, setTemplateId] = useState<string>();
  const [templateName, setTemplateName] = useState('');
  const [problems, setProblems] = useState<string[]>([]);

  const load = (loaded: ConsoleEventForm) => {
    setForm(loaded.form);
    setNotice(loaded.safetyNotice?.body ?? '');
    setProblems([]);
  };
  useEffect(() => {
    if (stored.data) load(stored.data);
  }, [stored.data]);

  const refresh = (loaded: ConsoleEventForm) => {
    void queryClient.invalidateQueries({ queryKey: formQueryKeys.form(id) });
    load(loaded);
  };

  const save = useMutation({
    mutationFn: () => saveEventForm(id, { form, safetyNotice: notice.trim() || null }),
    onSuccess: (loaded) => {
      refresh(loaded);
      message.success('报名表单已保存');
    },
    onError: (error) => {
      const lines = problemLines(error, form.fields);
      setProblems(lines);
      message.error(consoleErrorMessage(error));
    },
  });
  function saveForm() {
    const ageProblems = conditionAgeProblems(form.fields);
    setProblems(ageProblems);
    if (ageProblems.length > 0) {
      message.error('报名表单设置有误，请修改标红的项目');
      return;
    }
    save.mutate();
  }
  const apply = useMutation({
    mutationFn: (chosen: string) => applyTemplate(id, chosen),
    onSuccess: (loaded) => {
      refresh(loaded);
      message.success('已应用模板');
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  const saveAs = useMutation({
    mutationFn: () => saveTemplate(id, templateName.trim()),
    onSuccess: async () => {
      setTemplateName('');
      await queryClient.invalidateQueries({ queryKey: formQueryKeys.templates });
      message.success('已保存为模板');
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  if (event.isPending || stored.isPending) return <Skeleton active />;
  if (event.isError || stored.isError) {
    return (
      <EventLoadError
        error={event.error ?? stored.error}
        onRetry={() => {
          void event.refetch();
          void stored.refetch();
        }}
      />
    );
  }

  const { canChangeForm, canChangeNotice, lockReason } = stored.data;
  const locked = !canChangeForm;
  const setFields = (fields: FormField[]) => setForm({ ...form, fields });
  const updateField = (index: number, field: FormField) =>
    setFields(form.fields.map((item, at) => (at === index ? field : item)));
  const moveField = (index: number, offset: -1 | 1) => {
    const fields = [...form.fields];
    const [moved] = fields.splice(index, 1);
    if (moved) fields.splice(index + offset, 0, moved);
    setFields(fields);
  };
  const addField = () =>
    setFields([
      ...form.fields,
      { key: newFieldKey(form.fields), label: '', type: 'text', required: false },
    ]);

  return (
    <>
      <PageTitle
        title={`报名表单 · ${event.data.name}`}
        extra={<Link to={`/events/${id}`}>返回赛事详情</Link>}
      />
      <div className="console-stack registration-form-builder">
        {lockReason && <Alert type="warning" showIcon title={LOCK_REASON_TEXT[lockReason]} />}
        {!lockReason && !canChangeForm && (
          <Alert type="info" showIcon title="只有办赛单位可以修改报名表单" />
        )}
        <Card title="表单模板" size="small">
          <Space wrap>
            <Select
              aria-label="选择模板"
              style={{ minWidth: 220 }}
              placeholder="选择模板"
              value={templateId}
              onChange={setTemplateId}
              loading={templates.isPending}
              options={(templates.data ?? []).map((template) => ({
                value: template.id,
                label: template.builtIn ? `${template.name}（内置）` : template.name,
              }))}
            />
            <Button
              disabled={!templateId || locked}
              loading={apply.isPending}
              onClick={() => templateId && apply.mutate(templateId)}
            >
              应用模板
            </Button>
            <Input
              aria-label="模板名称"
              style={{ width: 180 }}
              placeholder="模板名称"
              maxLength={30}
              value={templateName}
              onChange={(change) => setTemplateName(change.target.value)}
            />
            <Button
              disabled={
                !templateName.trim() ||
                (stored.data.safetyNotice === null && stored.data.version === 0)
              }
              loading={saveAs.isPending}
              onClick={() => saveAs.mutate()}
            >
              保存为模板
            </Button>
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            保存为模板会保存已保存的表单和安全和保险提示；内置的青少年报名表要求填写身份证号，未满18周岁须填写监护人信息。
          </Typography.Paragraph>
        </Card>
        <Card title="报名人信息" size="small">
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text>姓名、手机号码：必填</Typography.Text>
            <Space wrap>
              <Typography.Text>身份证号：</Typography.Text>
              <Radio.Group
                aria-label="身份证号"
                value={form.idNumber}
                disabled={locked}
                options={ID_RULE_OPTIONS}
                optionType="button"
                onChange={(change) =>
                  setForm({ ...form, idNumber: change.target.value as IdNumberRule })
                }
              />
            </Space>
            <Typography.Text type="secondary">
              身份证号仅在报名人勾选同意后收集；报名人比赛当天未满14周岁时须由监护人同意。
            </Typography.Text>
          </Space>
        </Card>
        <Card
          title="自定义字段"
          size="small"
          extra={
            <Button icon={<PlusOutlined />} disabled={locked} onClick={addField}>
              添加字段
            </Button>
          }
        >
          <Space direction="vertical" style={{ width: '100%' }}>
            {form.fields.length === 0 && (
              <Typography.Text type="secondary">暂无自定义字段</Typography.Text>
            )}
            {form.fields.map((field, index) => (
              <FormFieldEditor
                key={field.key}
                field={field}
                index={index}
                earlier={form.fields.slice(0, index)}
                disabled={locked}
                isLast={index === form.fields.length - 1}
                onChange={(next) => updateField(index, next)}
                onMove={(offset) => moveField(index, offset)}
                onRemove={() => setFields(form.fields.filter((_, at) => at !== index))}
              />
            ))}
          </Space>
        </Card>
        <Card
          title="安全和保险提示"
          size="small"
          extra={
            stored.data.safetyNotice && (
              <Typography.Text type="secondary">
                第 {stored.data.safetyNotice.version} 版
              </Typography.Text>
            )
          }
        >
          <Input.TextArea
            aria-label="安全和保险提示"
            rows={4}
            maxLength={2000}
            showCount
            disabled={!canChangeNotice}
            value={notice}
            placeholder="报名人须阅读并同意的安全和保险提示"
            onChange={(change) => setNotice(change.target.value)}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            修改后生成新版本，之后的报名人须同意新版本；已报名的记录保留其同意的版本。
          </Typography.Paragraph>
        </Card>
        {problems.length > 0 && (
          <Alert
            type="error"
            showIcon
            title="报名表单设置有误"
            description={
              <ul className="form-problem-list">
                {problems.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            }
          />
        )}
        <div>
          <Button
            type="primary"
            loading={save.isPending}
            disabled={!canChangeNotice}
            onClick={saveForm}
          >
            保存报名表单
          </Button>
        </div>
      </div>
    </>
  );
}
