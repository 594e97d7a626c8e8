import { Button, ErrorBlock } from 'antd-mobile';
import { useNavigate } from 'react-router-dom';
import { PageNavBar } from '../components/PageNavBar';
import { useDocumentTitle } from '../use-document-title';

export function NotFoundPage() {
  useDocumentTitle('页面不存在');
  const navigate = useNavigate();
  return (
    <div className="page">
      <PageNavBar title="页面不存在" />
      <ErrorBlock
        status="empty"
        title="页面不存在"
        description="链接可能已失效，请返回首页查看赛事"
      >
        <Button color="primary" size="large" onClick={() => navigate('/')}>
          返回首页
        </Button>
      </ErrorBlock>
    </div>
  );
}
