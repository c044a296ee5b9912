/** Files fetched with the bearer token and handed to the person through a Blob URL. */
import { staffFetch } from './auth.js';

/** The file name the server suggests (Content-Disposition), else the fallback. */
export function filenameFrom(response, fallback) {
  const header = response.headers.get('content-disposition') || '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  return match ? decodeURIComponent(match[1]) : fallback;
}

/** Save a blob as a download (an <a download> click on a Blob URL). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** Fetch `path` with `accept` and download it; resolves to the staffFetch result (+ filename). */
export async function downloadFile(path, { accept, fallbackName }) {
  const result = await staffFetch(path, { accept });
  if (!result.ok) return result;
  const filename = filenameFrom(result.response, fallbackName);
  const blob = await result.response.blob();
  saveBlob(blob, filename);
  return { ...result, filename, size: blob.size };
}
