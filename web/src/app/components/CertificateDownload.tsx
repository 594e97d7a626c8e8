import { Dialog, Toast } from 'antd-mobile';
import { useState, type MouseEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { certificateFilePath } from '../results-api';

const FORMAT_LABELS = { png: '图片', pdf: 'PDF' } as const;

/**
 * A link that downloads a certificate file of the signed-in citizen. The file is fetched
 * first, so that a failed download shows why: an expired sign-in offers to sign in again, and
 * any other failure shows a message, where a plain download link would fail silently.
 */
export function CertificateDownload({ code, format }: { code: string; format: 'png' | 'pdf' }) {
  const navigate = useNavigate();
  const [loading, setLoading] = useState(false);
  const path = certificateFilePath(code, format);

  const download = async (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    if (loading) return;
    setLoading(true);
    try {
      let response: Response;
      try {
        response = await fetch(path, { credentials: 'same-origin' });
      } catch {
        Toast.show({ content: '网络连接失败，请联网后再下载电子证书' });
        return;
      }
      if (response.status === 401) {
        const signIn = await Dialog.confirm({
          title: '登录已过期',
          content: '请重新登录后再下载电子证书。',
          confirmText: '重新登录',
          cancelText: '取消',
        });
        if (signIn) navigate(`/login?next=${encodeURIComponent('/tickets')}`);
        return;
      }
      if (!response.ok) {
        Toast.show({ content: '电子证书下载失败，请稍后再试' });
        return;
      }
      const fileName = fileNameOf(response.headers.get('content-disposition'));
      saveFile(await response.blob(), fileName ?? `完赛证书.${format}`);
    } finally {
      setLoading(false);
    }
  };

  return (
    <a href={path} download onClick={(event) => void download(event)} aria-busy={loading}>
      {FORMAT_LABELS[format]}
    </a>
  );
}

/** Returns the UTF-8 file name of a Content-Disposition header (RFC 6266), if it has one. */
function fileNameOf(header: string | null): string | undefined {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  try {
    return decodeURIComponent(encoded.trim());
  } catch {
    return undefined;
  }
}

/** Hands a downloaded file to the browser's download handling under `fileName`. */
function saveFile(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the object URL when the click starts the download, so it can go after.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
