import { UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Row,
  Select,
  Space,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import {
  certificatePreviewPath,
  COLOUR_LABELS,
  fetchCertificateDesign,
  LAYOUT_LABELS,
  saveCertificateDesign,
  type CertificateColour,
  type CertificateLayout,
} from '../results';
import { readAsBase64 } from '../files';

/** Largest background image the server accepts. */
const MAX_BACKGROUND_BYTES = 2 * 1024 * 1024;

/** Chooses the certificate's layout and colour or a background image, with a live preview. */
export function CertificateDesignCard(props: { eventId: string; editable: boolean }) {
  const { eventId } = props;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const design = useQuery({
    queryKey: ['certificate-design', eventId],
    queryFn: () => fetchCertificateDesign(eventId),
  });
  const [layout, setLayout] = useState<CertificateLayout>('classic');
  const [colour, setColour] = useState<CertificateColour>('red');
  const [background, setBackground] = useState<File | null>(null);
  const [removeBackground, setRemoveBackground] = useState(false);
  const [saving, setSaving] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!design.data) return;
    setLayout(design.data.layout);
    setColour(design.data.colour);
  }, [design.data]);

  async function save() {
    setSaving(true);
    try {
      let backgroundValue: string | null | undefined;
      if (background) backgroundValue = await readAsBase64(background);
      else if (removeBackground) backgroundValue = null;
      await saveCertificateDesign(eventId, { layout, colour, background: backgroundValue });
      setBackground(null);
      setRemoveBackground(false);
      setVersion((value) => value + 1);
      await queryClient.invalidateQueries({ queryKey: ['certificate-design', eventId] });
      message.success('证书样式已保存');
    } catch (error) {
      message.error(consoleErrorMessage(error));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card title="电子证书样式">
      <Row gutter={[24, 16]}>
        <Col xs={24} lg={10}>
          <Form layout="vertical" disabled={!props.editable}>
            <Form.Item label="版式">
              <Select
                value={layout}
                onChange={setLayout}
                options={Object.entries(LAYOUT_LABELS).map(([value, label]) => ({ value, label }))}
                aria-label="证书版式"
              />
            </Form.Item>
            <Form.Item label="主色">
              <Select
                value={colour}
                onChange={setColour}
                options={Object.entries(COLOUR_LABELS).map(([value, label]) => ({ value, label }))}
                aria-label="证书主色"
              />
            </Form.Item>
            <Form.Item
              label="背景图（可选）"
              extra="PNG 或 JPEG，不超过 2 MB，建议 1600×1131 像素；上传后替代版式的边框和色块"
            >
              <Space direction="vertical">
                <Upload
                  accept="image/png,image/jpeg"
                  showUploadList={false}
                  beforeUpload={(file) => {
                    if (file.size > MAX_BACKGROUND_BYTES) message.error('背景图超过 2 MB');
                    else setBackground(file);
                    return false;
                  }}
                >
                  <Button icon={<UploadOutlined />}>
                    {background ? background.name : '选择图片'}
                  </Button>
                </Upload>
                {design.data?.hasBackground && !background && (
                  <Checkbox
                    checked={removeBackground}
                    onChange={(event) => setRemoveBackground(event.target.checked)}
                  >
                    删除已上传的背景图
                  </Checkbox>
                )}
              </Space>
            </Form.Item>
            <Button type="primary" loading={saving} onClick={() => void save()}>
              保存证书样式
            </Button>
          </Form>
          {!props.editable && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
              赛事发布后才能设置证书样式。
            </Typography.Paragraph>
          )}
        </Col>
        <Col xs={24} lg={14}>
          <Typography.Text type="secondary">预览（示例姓名和成绩）</Typography.Text>
          <img
            className="certificate-preview"
            src={`${certificatePreviewPath(eventId)}?v=${version}`}
            alt="证书预览"
          />
        </Col>
      </Row>
    </Card>
  );
}
