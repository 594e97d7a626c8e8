import { Alert, Button } from 'antd';
import { useEffect, useRef, useState } from 'react';

/** The browser's BarcodeDetector (Chromium on Android and desktop), not in TypeScript's DOM types. */
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type BarcodeDetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike;

/** Time between two decoding attempts; a phone camera gives about 30 frames a second. */
const SCAN_INTERVAL_MS = 250;
/** The same text read again within this time is the same scan held in front of the camera. */
const SAME_CODE_PAUSE_MS = 3000;

async function createDecoder(): Promise<(video: HTMLVideoElement) => Promise<string | null>> {
  const Detector = (window as unknown as { BarcodeDetector?: BarcodeDetectorConstructor })
    .BarcodeDetector;
  if (Detector) {
    const detector = new Detector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  // Browsers without BarcodeDetector (Safari, Firefox) decode frames with jsQR.
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    if (!context || video.videoWidth === 0) return null;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(image.data, image.width, image.height)?.data ?? null;
  };
}

/**
 * Reads ticket QR codes with the device's rear camera and calls `onScan` with each new text.
 * It needs a secure context (HTTPS or localhost) and the user's permission.
 */
export function CameraScanner({ onScan }: { onScan: (text: string) => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [active, setActive] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const onScanRef = useRef(onScan);
  onScanRef.current = onScan;

  useEffect(() => {
    if (!active) return undefined;
    let stopped = false;
    let stream: MediaStream | undefined;
    let timer: number | undefined;
    let last = { text: '', at: 0 };

    const start = async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setProblem('此浏览器无法使用摄像头，请手动输入报名码');
        setActive(false);
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: 'environment' },
          audio: false,
        });
      } catch {
        setProblem('无法打开摄像头，请允许使用摄像头或手动输入报名码');
        setActive(false);
        return;
      }
      const video = videoRef.current;
      if (stopped || !video) return;
      video.srcObject = stream;
      await video.play().catch(() => undefined);
      const decode = await createDecoder();
      const tick = async () => {
        if (stopped) return;
        const text = await decode(video).catch(() => null);
        const now = Date.now();
        if (text && (text !== last.text || now - last.at > SAME_CODE_PAUSE_MS)) {
          last = { text, at: now };
          onScanRef.current(text);
        }
        timer = window.setTimeout(() => void tick(), SCAN_INTERVAL_MS);
      };
      void tick();
    };
    void start();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [active]);

  return (
    <div className="console-camera">
      {problem && <Alert type="warning" showIcon title={problem} style={{ marginBottom: 8 }} />}
      {active && (
        <video
          ref={videoRef}
          className="console-camera-video"
          muted
          playsInline
          aria-label="扫码画面"
        />
      )}
      <Button
        block
        onClick={() => {
          setProblem(null);
          setActive((on) => !on);
        }}
      >
        {active ? '关闭摄像头' : '摄像头扫码'}
      </Button>
    </div>
  );
}
