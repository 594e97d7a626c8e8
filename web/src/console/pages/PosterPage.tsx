import {
  ArrowLeftOutlined,
  DownloadOutlined,
  MinusCircleOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import { fileNameTitle } from '@cityleague/domain';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Result, Skeleton, Spin, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { EventLoadError } from '../components/EventLoadError';
import { PageTitle } from '../components/PageTitle';
import { fetchConsoleEvent } from '../endpoints';
import {
  fetchPosterTemplates,
  POSTER_LIMITS,
  posterContentOf,
  renderPoster,
  type PosterContent,
  type PosterTemplate,
} from '../posters';
import { queryKeys, useMe } from '../queries';
import type { ConsoleEventDetail } from '../types';
import './PosterPage.css';

// Widths in px of the PNGs the page asks for. The preview shows at most 360 CSS px, so 720 px
// stays sharp on a high-density screen; the download is the full 1080 px.
const THUMBNAIL_WIDTH = 240;
const PREVIEW_WIDTH = 720;
// Typing pauses this long before the preview is drawn again.
const PREVIEW_DELAY_MS = 700;

interface PosterForm {
  title: string;
  organisers: string[];
  dateLine?: string;
  venueLine?: string;
}

const NOT_BLANK = { pattern: /\S/, message: '不能只填空格' };

/** Returns the form's content as the server takes it, or null while a required field is blank. */
function contentOf(values: Partial<PosterForm> | undefined): PosterContent | null {
  if (!values) return null;
  const title = values.title?.trim() ?? '';
  const organisers = (values.organisers ?? []).map((line) => line?.trim() ?? '');
  if (!title || organisers.length === 0 || organisers.some((line) => !line)) return null;
  const dateLine = values.dateLine?.trim();
  const venueLine = values.venueLine?.trim();
  return {
    title,
    organisers,
    ...(dateLine ? { dateLine } : {}),
    ...(venueLine ? { venueLine } : {}),
  };
}

/** Returns the value after it has stopped changing for `delay` ms. */
function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** Returns an object URL for a blob, revoked when the blob changes or the component unmounts. */
function useObjectUrl(blob: Blob | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!blob) {
      setUrl(undefined);
      return undefined;
    }
    const objectUrl = URL.createObjectURL(blob);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [blob]);
  return url;
}

function posterQuery(templateId: string, content: PosterContent | null, width: number) {
  return {
    queryKey: ['poster', templateId, content, width] as const,
    queryFn: () => renderPoster(templateId, content!, width),
    enabled: content !== null && templateId !== '',
    staleTime: Infinity,
    retry: false,
  };
}

/** Renders a template in the picker with a thumbnail that the server draws from the event's text. */
function TemplateOption(props: {
  template: PosterTemplate;
  content: PosterContent | null;
  selected: boolean;
  onSelect: () => void;
}) {
  const thumbnail = useQuery(posterQuery(props.template.id, props.content, THUMBNAIL_WIDTH));
  const url = useObjectUrl(thumbnail.data);
  return (
    <button
      type="button"
      className={`console-poster-option${props.selected ? ' console-poster-option-selected' : ''}`}
      aria-pressed={props.selected}
      title={props.template.description}
      onClick={props.onSelect}
      data-testid={`poster-template-${props.template.id}`}
    >
      <span className="console-poster-thumbnail">
        {url ? <img src={url} alt={`${props.template.name}模板缩略图`} /> : <Spin size="small" />}
      </span>
      <span className="console-poster-option-name">{props.template.name}</span>
    </button>
  );
}

/** Builds a file name for the download from the title, shortened outside any bracket. */
function fileNameOf(title: string): string {
  return `${fileNameTitle(title)}-主KV.png`;
}

function PosterEditor(props: { event: ConsoleEventDetail }) {
  const { event } = props;
  const { message } = App.useApp();
  const [form] = Form.useForm<PosterForm>();
  const initial = useMemo(() => posterContentOf(event), [event]);
  const templates = useQuery({
    queryKey: ['poster-templates'],
    queryFn: fetchPosterTemplates,
    staleTime: Infinity,
  });
  const [templateId, setTemplateId] = useState('');
  const selectedId = templateId || templates.data?.items[0]?.id || '';

  // The form's values are a new object on every render, so compare them as JSON text.
  const values = Form.useWatch([], form);
  const contentJson = useDebounced(JSON.stringify(contentOf(values ?? initial)), PREVIEW_DELAY_MS);
  const content = useMemo(() => JSON.parse(contentJson) as PosterContent | null, [contentJson]);
  const preview = useQuery(posterQuery(selectedId, content, PREVIEW_WIDTH));
  const previewUrl = useObjectUrl(preview.data);

  const download = useMutation({
    mutationFn: async () => {
      const values = await form.validateFields();
      const finalContent = contentOf(values);
      if (!finalContent) throw new Error('The form passed validation with a blank field');
      return { blob: await renderPoster(selectedId, finalContent), title: finalContent.title };
    },
    onSuccess: ({ blob, title }) => {
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = fileNameOf(title);
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    onError: (error) => {
      // A form that fails validation shows its own messages under the fields.
      if (error && typeof error === 'object' && 'errorFields' in error) return;
      message.error(consoleErrorMessage(error));
    },
  });

  const picker = (
    <Card title="选择模板">
      {templates.isError ? (
        <Alert type="error" showIcon title={consoleErrorMessage(templates.error)} />
      ) : (
        <div className="console-poster-options">
          {(templates.data?.items ?? []).map((template) => (
            <TemplateOption
              key={template.id}
              template={template}
              content={initial}
              selected={template.id === selectedId}
              onSelect={() => setTemplateId(template.id)}
            />
          ))}
          {templates.isPending && <Skeleton.Image active />}
        </div>
      )}
    </Card>
  );

  const fields = (
    <Card title="海报文字">
      <Form<PosterForm>
        form={form}
        layout="vertical"
        initialValues={initial}
        requiredMark={false}
        onFinish={() => download.mutate()}
      >
        <Form.Item
          name="title"
          label="赛事名称"
          tooltip="标题过长时自动换行、缩小字号，最多显示五行"
          rules={[{ required: true, message: '请填写赛事名称' }, NOT_BLANK]}
        >
          <Input.TextArea maxLength={POSTER_LIMITS.title} showCount autoSize={{ minRows: 2 }} />
        </Form.Item>
        <Form.List name="organisers">
          {(rows, { add, remove }) => (
            <Form.Item label="主办、承办单位" required>
              {rows.map((row, index) => (
                <div key={row.key} className="console-poster-organiser">
                  <Form.Item
                    name={row.name}
                    rules={[{ required: true, message: '请填写单位，或删除这一行' }, NOT_BLANK]}
                    className="console-poster-organiser-field"
                  >
                    <Input
                      maxLength={POSTER_LIMITS.organiser}
                      placeholder="如：承办单位：徐家汇街道办事处"
                      aria-label={`第 ${index + 1} 行单位`}
                    />
                  </Form.Item>
                  {rows.length > 1 && (
                    <Button
                      type="text"
                      icon={<MinusCircleOutlined />}
                      aria-label={`删除第 ${index + 1} 行单位`}
                      onClick={() => remove(row.name)}
                    />
                  )}
                </div>
              ))}
              {rows.length < POSTER_LIMITS.organisers && (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')} block>
                  添加一行（最多 {POSTER_LIMITS.organisers} 行）
                </Button>
              )}
            </Form.Item>
          )}
        </Form.List>
        <Form.Item name="dateLine" label="时间" rules={[NOT_BLANK]}>
          <Input maxLength={POSTER_LIMITS.dateLine} showCount allowClear />
        </Form.Item>
        <Form.Item name="venueLine" label="地点" rules={[NOT_BLANK]}>
          <Input maxLength={POSTER_LIMITS.venueLine} showCount allowClear />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          icon={<DownloadOutlined />}
          loading={download.isPending}
          disabled={!selectedId}
          block
        >
          下载海报（PNG，1080×1920）
        </Button>
      </Form>
    </Card>
  );

  const previewCard = (
    <Card title="预览">
      <div className="console-poster-preview" aria-busy={preview.isFetching}>
        {preview.isError ? (
          <Alert type="error" showIcon title={consoleErrorMessage(preview.error)} />
        ) : previewUrl ? (
          <img src={previewUrl} alt="主KV海报预览" data-testid="poster-preview" />
        ) : content === null ? (
          <Typography.Text type="secondary">填写赛事名称和单位后显示预览</Typography.Text>
        ) : (
          <Spin />
        )}
        {preview.isFetching && previewUrl && <Spin className="console-poster-preview-spinner" />}
      </div>
    </Card>
  );

  // The stylesheet places the cards: two columns on wide screens, and on a phone one column
  // with the preview right after the templates, so a choice shows its result.
  return (
    <div className="console-poster-layout">
      <div className="console-poster-picker">{picker}</div>
      <div className="console-poster-fields">{fields}</div>
      <div className="console-poster-preview-card">{previewCard}</div>
    </div>
  );
}

/**
 * Generates the key-visual poster (主KV) of an event from a template. Only the organisation
 * that runs the event may do so; the server renders thumbnails, preview and download alike.
 */
export function PosterPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const navigate = useNavigate();
  const eventQuery = useQuery({
    queryKey: queryKeys.consoleEvent(id),
    queryFn: () => fetchConsoleEvent(id),
  });
  const event = eventQuery.data;

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(`/events/${id}`)}>
      返回赛事详情
    </Button>
  );

  if (eventQuery.isPending) return <Skeleton active />;
  if (eventQuery.isError || !event) {
    return <EventLoadError error={eventQuery.error} onRetry={() => void eventQuery.refetch()} />;
  }
  if (event.organisationId !== me.user.organisation.id) {
    return (
      <Result
        status="403"
        title="无法生成主KV海报"
        subTitle="只有办赛单位可以为本赛事生成主KV海报。"
        extra={back}
      />
    );
  }

  return (
    <>
      <PageTitle title={`主KV海报 · ${event.name}`} extra={back} />
      <PosterEditor event={event} />
    </>
  );
}
