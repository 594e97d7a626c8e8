import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Button,
  Checkbox,
  ErrorBlock,
  Form,
  Input,
  Radio,
  Result,
  Skeleton,
  Space,
} from 'antd-mobile';
import { useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../../lib/api';
import { ERROR_MESSAGES, errorMessage } from '../../lib/messages';
import { PageNavBar } from '../components/PageNavBar';
import { newIdempotencyKey } from '../idempotency-key';
import { useEvent } from '../queries';
import {
  checkPhone,
  NAME_MAX_LENGTH,
  NAME_RULE_TEXT,
  nameProblem,
  normaliseName,
  SAFETY_NOTICE,
} from '../registration-rules';
import { rememberTicket } from '../ticket-store';
import { useDocumentTitle } from '../use-document-title';

interface OnSiteReceipt {
  id: string;
  code: string;
  eventId: string;
  eventName: string;
  name: string;
  phoneMasked: string;
  createdAt: string;
  checkedInAt: string;
}

interface Group {
  id: string;
  name: string;
}

/**
 * Codes meaning that the link itself is wrong: a missing or malformed signature or event id
 * (VALIDATION_FAILED), a signature that does not match, or an event that does not exist.
 */
const BROKEN_LINK_CODES = ['VALIDATION_FAILED', 'CHK_ONSITE_LINK_INVALID', 'EVT_NOT_FOUND'];

/** Returns why the page cannot open the form, saying to rescan the code for a broken link. */
function loadProblem(error: unknown): string {
  if (error instanceof ApiError && BROKEN_LINK_CODES.includes(error.code)) {
    return ERROR_MESSAGES.CHK_ONSITE_LINK_INVALID ?? errorMessage(error);
  }
  return errorMessage(error);
}

interface OnSiteValues {
  name: string;
  phone: string;
  groupId?: string;
  accepted: boolean;
}

/**
 * On-site registration, opened by scanning the code shown at the venue: a short form whose
 * entry is checked in at once. The link's `s` parameter is the signature the server checks.
 */
export function OnSitePage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const signature = searchParams.get('s') ?? '';
  useDocumentTitle('现场报名');
  const event = useEvent(id);
  const status = useQuery({
    queryKey: ['on-site', id, signature],
    queryFn: () =>
      api<{ open: boolean }>(
        `/api/events/${encodeURIComponent(id)}/on-site?s=${encodeURIComponent(signature)}`,
      ),
    retry: false,
  });
  const groups = useQuery({
    queryKey: ['groups', id],
    queryFn: () => api<{ items: Group[] }>(`/api/events/${encodeURIComponent(id)}/groups`),
  });
  const [receipt, setReceipt] = useState<OnSiteReceipt | null>(null);

  let body;
  if (receipt) {
    body = (
      <section className="panel ticket" data-testid="on-site-done">
        <Result status="success" title="报名成功，已完成签到" description={receipt.eventName} />
        <div className="ticket-code-label">报名码</div>
        <div className="ticket-code">{receipt.code}</div>
        <p className="ticket-hint">请向工作人员出示此页面</p>
        <Link to={`/tickets/${encodeURIComponent(receipt.code)}`}>查看报名凭证</Link>
      </section>
    );
  } else if (event.isPending || status.isPending) {
    body = (
      <section className="panel" aria-busy="true">
        <Skeleton.Paragraph lineCount={5} animated />
      </section>
    );
  } else if (event.isError || status.isError) {
    body = (
      <ErrorBlock
        status="default"
        title="无法现场报名"
        description={loadProblem(status.error ?? event.error)}
      >
        <Space direction="vertical" block className="on-site-exits">
          {event.isSuccess && (
            <Button
              block
              color="primary"
              size="large"
              shape="rounded"
              onClick={() => navigate(`/events/${encodeURIComponent(id)}`)}
            >
              查看赛事详情
            </Button>
          )}
          <Button block size="large" shape="rounded" onClick={() => navigate('/')}>
            返回首页
          </Button>
        </Space>
      </ErrorBlock>
    );
  } else if (!status.data.open) {
    body = (
      <ErrorBlock status="default" title="现场报名未开放" description="现场报名仅在比赛当天开放" />
    );
  } else {
    body = (
      <section className="panel">
        <h2 className="on-site-title">{event.data.name}</h2>
        <OnSiteForm
          eventId={id}
          signature={signature}
          groups={groups.data?.items ?? []}
          onDone={setReceipt}
        />
      </section>
    );
  }

  return (
    <div className="page">
      <PageNavBar title="现场报名" />
      <main className="page-body">{body}</main>
    </div>
  );
}

function OnSiteForm(props: {
  eventId: string;
  signature: string;
  groups: Group[];
  onDone: (receipt: OnSiteReceipt) => void;
}) {
  const [form] = Form.useForm<OnSiteValues>();
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [formError, setFormError] = useState<string>();
  const sending = useRef(false);
  const mutation = useMutation({
    mutationFn: (input: { name: string; phone: string; groupId?: string }) =>
      api<OnSiteReceipt>(`/api/events/${encodeURIComponent(props.eventId)}/on-site-registrations`, {
        method: 'POST',
        body: { ...input, signature: props.signature },
        headers: { 'idempotency-key': idempotencyKey },
      }),
  });

  const submit = async (values: OnSiteValues) => {
    const phone = checkPhone(values.phone);
    if (sending.current || !('phone' in phone)) return;
    sending.current = true;
    setFormError(undefined);
    try {
      const receipt = await mutation.mutateAsync({
        name: normaliseName(values.name),
        phone: phone.phone,
        ...(values.groupId ? { groupId: values.groupId } : {}),
      });
      rememberTicket({ ...receipt, qrUrl: '' });
      props.onDone(receipt);
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        setIdempotencyKey(newIdempotencyKey());
      }
      setFormError(errorMessage(error));
    } finally {
      sending.current = false;
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      requiredMarkStyle="asterisk"
      onFinish={submit}
      footer={
        <>
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
          >
            报名并签到
          </Button>
        </>
      }
    >
      <Form.Item
        name="name"
        label="姓名"
        rules={[
          {
            validator: async (_, value: string | undefined) => {
              if (nameProblem(value ?? '')) throw new Error(NAME_RULE_TEXT);
            },
          },
        ]}
      >
        <Input placeholder="请输入真实姓名" maxLength={NAME_MAX_LENGTH} autoComplete="name" />
      </Form.Item>
      <Form.Item
        name="phone"
        label="手机号"
        rules={[
          {
            validator: async (_, value: string | undefined) => {
              const checked = checkPhone(value ?? '');
              if (!('phone' in checked)) throw new Error(checked.problem);
            },
          },
        ]}
      >
        <Input placeholder="请输入11位手机号" type="tel" inputMode="tel" autoComplete="tel" />
      </Form.Item>
      {props.groups.length > 1 && (
        <Form.Item name="groupId" label="组别" rules={[{ required: true, message: '请选择组别' }]}>
          <Radio.Group>
            <Space direction="vertical">
              {props.groups.map((group) => (
                <Radio key={group.id} value={group.id}>
                  {group.name}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
      )}
      <Form.Item
        name="accepted"
        valuePropName="checked"
        rules={[
          {
            validator: async (_, value: boolean | undefined) => {
              if (!value) throw new Error('请阅读并同意安全和保险提示');
            },
          },
        ]}
      >
        <Checkbox className="safety-checkbox">我已阅读并同意：{SAFETY_NOTICE}</Checkbox>
      </Form.Item>
    </Form>
  );
}
