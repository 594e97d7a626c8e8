import { ApiError, type Problem } from '../../lib/api';
import { fileNameOf } from '../download';

/** Saves a URL (a data URL or an object URL) under a file name through a temporary link. */
export function saveUrl(url: string, name: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/** Downloads a file from the API with the session cookie; throws ApiError when it is rejected. */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR' });
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Partial<Problem>;
    throw new ApiError({ ...problem, status: response.status, code: problem.code ?? 'UNKNOWN' });
  }
  const name = fileNameOf(response.headers.get('content-disposition') ?? '', fallbackName);
  const url = URL.createObjectURL(await response.blob());
  saveUrl(url, name);
  // The click has started the download; the URL can go once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
