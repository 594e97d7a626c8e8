import { useEffect, useState } from 'react';

/**
 * Draws a QR code of `text` in the browser, so that tickets and share codes show without a
 * network. The encoder is loaded on first use to keep it out of the first screen's script.
 */
export function QrCode({
  text,
  label,
  size = 240,
}: {
  text: string;
  label: string;
  size?: number;
}) {
  const [svg, setSvg] = useState<string>();
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cancelled = false;
    import('qrcode')
      .then((qrcode) =>
        qrcode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
      )
      .then((markup) => {
        if (!cancelled) setSvg(markup);
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [text]);

  if (failed) {
    return (
      <div
        className="qr-failed"
        role="img"
        aria-label={`${label}加载失败`}
        style={{ width: size, height: size }}
      >
        二维码加载失败
      </div>
    );
  }
  if (!svg)
    return (
      <div className="qr-placeholder" style={{ width: size, height: size }} aria-hidden="true" />
    );
  return (
    <img
      className="qr-image"
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
      alt={label}
      width={size}
      height={size}
    />
  );
}
