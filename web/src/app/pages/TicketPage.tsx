import { Button, Result } from 'antd-mobile';
import { useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { PageNavBar } from '../components/PageNavBar';
import { ticketQrUrl } from '../events-api';
import { findTicket } from '../ticket-store';
import { useDocumentTitle } from '../use-document-title';
import type { TicketLocationState } from './RegisterPage';

function isTicketState(state: unknown): state is TicketLocationState {
  if (typeof state !== 'object' || state === null) return false;
  const registration = (state as { registration?: unknown }).registration;
  return typeof registration === 'object' && registration !== null;
}

/**
 * Shows the ticket of one registration. Right after registering, the router state carries the
 * server's response; otherwise the page uses the copy remembered on this device, or shows
 * the code alone.
 */
export function TicketPage() {
  const { code = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  useDocumentTitle('报名凭证');

  const fresh = isTicketState(location.state) ? location.state.registration : undefined;
  const ticket = fresh?.code === code ? fresh : findTicket(code);
  const qrUrl = fresh?.code === code && fresh.qrUrl ? fresh.qrUrl : ticketQrUrl(code);

  return (
    <div className="page">
      <PageNavBar title="报名凭证" />
      <main className="page-body">
        <section className="panel ticket">
          {ticket ? (
            <Result
              status="success"
              title={fresh ? '报名成功' : '已报名'}
              description={ticket.eventName}
            />
          ) : (
            <h1 className="ticket-title">报名凭证</h1>
          )}
          {ticket && (
            <p className="ticket-phone">
              报名手机号：<span>{ticket.phoneMasked}</span>
            </p>
          )}
          <div className="ticket-code-label">报名码</div>
          <div className="ticket-code" aria-label={`报名码 ${code}`}>
            {code}
          </div>
          <TicketQr code={code} url={qrUrl} />
        </section>
        <div className="ticket-actions">
          {ticket && (
            <Button
              block
              size="large"
              shape="rounded"
              onClick={() => navigate(`/events/${ticket.eventId}`)}
            >
              查看赛事详情
            </Button>
          )}
          <Button block size="large" shape="rounded" onClick={() => navigate('/tickets')}>
            我的报名
          </Button>
          <Button
            block
            size="large"
            shape="rounded"
            color="primary"
            fill="outline"
            onClick={() => navigate('/')}
          >
            返回首页
          </Button>
        </div>
      </main>
    </div>
  );
}

/** Shows the QR image, or a note when it cannot load (an unknown code, or no network). */
function TicketQr({ code, url }: { code: string; url: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) {
    return (
      <div className="ticket-qr ticket-qr-failed" role="img" aria-label="二维码加载失败">
        二维码加载失败
        <br />
        签到时可出示报名码
      </div>
    );
  }
  return (
    <>
      <img
        className="ticket-qr"
        src={url}
        alt={`报名码 ${code} 的签到二维码`}
        width={240}
        height={240}
        onError={() => setFailed(true)}
      />
      <p className="ticket-hint">签到时请出示此二维码</p>
    </>
  );
}
