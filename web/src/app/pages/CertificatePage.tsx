import { Button, ErrorBlock, Form, Input, Skeleton } from 'antd-mobile';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { isNotFound } from '../../lib/messages';
import { PageNavBar } from '../components/PageNavBar';
import { QueryError } from '../components/QueryError';
import { formatDateTime } from '../format';
import { shouldRetry } from '../queries';
import { verifyCertificate } from '../results-api';
import { useDocumentTitle } from '../use-document-title';

/** Normalises a typed code: upper case without spaces or hyphens. */
function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

/** Renders a form that takes a certificate's code, typed from a certificate on paper. */
function CodeForm({ initial }: { initial?: string }) {
  const navigate = useNavigate();
  return (
    <Form
      layout="vertical"
      className="certificate-form"
      initialValues={{ code: initial ?? '' }}
      onFinish={(values: { code: string }) =>
        navigate(`/certificates/${encodeURIComponent(normaliseCode(values.code))}`)
      }
      footer={
        <Button block type="submit" color="primary" size="large">
          验证
        </Button>
      }
    >
      <Form.Item
        name="code"
        label="证书验证码"
        description="证书右下角二维码下方的 12 位字母和数字"
        rules={[
          { required: true, message: '请输入验证码' },
          {
            validator: async (_rule, value: string) => {
              if (!/^[0-9A-Z]{12}$/.test(normaliseCode(value ?? ''))) {
                throw new Error('验证码为 12 位字母和数字');
              }
            },
          },
        ]}
      >
        <Input placeholder="如 7KQ2M9XR4TDA" autoComplete="off" clearable />
      </Form.Item>
    </Form>
  );
}

/** Confirms a certificate by its code, or shows the code form when the path has none. */
export function CertificatePage() {
  const { code = '' } = useParams();
  useDocumentTitle('证书验证');
  const certificate = useQuery({
    queryKey: ['certificates', code],
    queryFn: () => verifyCertificate(code),
    enabled: code !== '',
    retry: shouldRetry,
  });

  return (
    <div className="page">
      <PageNavBar title="证书验证" />
      <main className="page-body">
        {code === '' && (
          <section className="panel">
            <CodeForm />
          </section>
        )}
        {code !== '' && certificate.isPending && (
          <section className="panel" aria-busy="true" aria-label="正在验证证书">
            <Skeleton.Title animated />
            <Skeleton.Paragraph lineCount={5} animated />
          </section>
        )}
        {certificate.isError &&
          (isNotFound(certificate.error, ['CRT_NOT_FOUND']) ? (
            <>
              <ErrorBlock
                status="empty"
                title="未找到该证书"
                description={`验证码 ${code} 不对应任何有效证书，请核对后重新输入`}
              />
              <section className="panel">
                <CodeForm initial={code} />
              </section>
            </>
          ) : (
            <QueryError error={certificate.error} onRetry={() => void certificate.refetch()} />
          ))}
        {certificate.data && (
          <section className="panel certificate-verified" aria-label="证书信息">
            <p className="certificate-valid" role="status">
              <span aria-hidden="true">✓</span> 证书有效
            </p>
            <dl className="certificate-facts">
              <div>
                <dt>姓名</dt>
                <dd className="certificate-name">{certificate.data.name}</dd>
              </div>
              <div>
                <dt>赛事</dt>
                <dd>
                  <Link to={`/events/${encodeURIComponent(certificate.data.eventId)}`}>
                    {certificate.data.eventName}
                  </Link>
                </dd>
              </div>
              {certificate.data.groupName && (
                <div>
                  <dt>组别</dt>
                  <dd>{certificate.data.groupName}</dd>
                </div>
              )}
              <div>
                <dt>成绩</dt>
                <dd>{certificate.data.result}</dd>
              </div>
              <div>
                <dt>日期</dt>
                <dd>{certificate.data.date}</dd>
              </div>
              <div>
                <dt>验证码</dt>
                <dd className="certificate-code">{certificate.data.code}</dd>
              </div>
            </dl>
            <p className="certificate-issued">
              签发于 {formatDateTime(certificate.data.issuedAt)}。本页只显示证书上的信息。
            </p>
          </section>
        )}
      </main>
    </div>
  );
}
