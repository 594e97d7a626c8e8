import { Button, Dialog, ErrorBlock } from 'antd-mobile';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { PageNavBar } from '../components/PageNavBar';
import { formatDateTime } from '../format';
import { forgetTickets, loadTickets } from '../ticket-store';
import { useDocumentTitle } from '../use-document-title';

/** Lists the tickets remembered on this device, newest first. */
export function MyTicketsPage() {
  useDocumentTitle('我的报名');
  const navigate = useNavigate();
  const [tickets, setTickets] = useState(loadTickets);

  const clear = async () => {
    const confirmed = await Dialog.confirm({
      title: '清除本机记录',
      content: '只清除本机保存的报名记录，已报名的赛事不受影响。',
      confirmText: '清除',
      cancelText: '取消',
    });
    if (!confirmed) return;
    forgetTickets();
    setTickets([]);
  };

  return (
    <div className="page">
      <PageNavBar title="我的报名" />
      <main className="page-body">
        {tickets.length === 0 ? (
          <ErrorBlock
            status="empty"
            title="还没有报名记录"
            description="在本机报名成功后，报名码会保存在这里"
          >
            <Button color="primary" size="large" onClick={() => navigate('/')}>
              去看看赛事
            </Button>
          </ErrorBlock>
        ) : (
          <>
            <p className="page-note">以下是在本机报名的最近 {tickets.length} 条记录</p>
            <ul className="ticket-list" aria-label="报名记录">
              {tickets.map((ticket) => (
                <li key={ticket.code}>
                  <Link to={`/tickets/${encodeURIComponent(ticket.code)}`} className="ticket-item">
                    <span className="ticket-item-event">{ticket.eventName}</span>
                    <span className="ticket-item-code">报名码 {ticket.code}</span>
                    <span className="ticket-item-meta">
                      {ticket.phoneMasked} · {formatDateTime(ticket.createdAt)} 报名
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
            <Link className="team-login-link" to="/teams">
              我作为队长报名的队伍
            </Link>
            <Button className="clear-tickets" fill="none" onClick={() => void clear()}>
              清除本机记录
            </Button>
          </>
        )}
      </main>
    </div>
  );
}
