import { Typography } from 'antd';
import type { ReactNode } from 'react';

/** Renders a page heading with optional actions on the right, which wrap below it on phones. */
export function PageTitle(props: { title: ReactNode; extra?: ReactNode }) {
  return (
    <div className="console-page-title">
      <Typography.Title level={4}>{props.title}</Typography.Title>
      {props.extra}
    </div>
  );
}
