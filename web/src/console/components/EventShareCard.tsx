import { DownloadOutlined } from '@ant-design/icons';
import { publicEventPath } from '@cityleague/domain';
import { Button, Card, Typography } from 'antd';
import { shareQrPath } from '../event-changes';
import type { ConsoleEvent } from '../types';

/**
 * Shows the event's public link in the citizens' app, with a copy button and its QR code for
 * posters and chat groups. Citizens can open it once the event is published.
 */
export function EventShareCard({ event }: { event: ConsoleEvent }) {
  const link = `${window.location.origin}${publicEventPath(event.id)}`;
  const published = event.state === 'published';
  return (
    <Card title="分享赛事" data-testid="event-share">
      {!published && (
        <Typography.Paragraph type="warning">赛事发布后，市民才能打开此链接。</Typography.Paragraph>
      )}
      <Typography.Paragraph
        copyable={{ text: link, tooltips: ['复制链接', '已复制'] }}
        className="console-share-link"
        data-testid="event-share-link"
      >
        {link}
      </Typography.Paragraph>
      <div className="console-share-qr">
        <img src={shareQrPath(event.id)} alt="赛事二维码" width={160} height={160} />
        <Button
          icon={<DownloadOutlined />}
          href={shareQrPath(event.id)}
          download={`${event.name}-二维码.svg`}
        >
          下载二维码
        </Button>
      </div>
    </Card>
  );
}
