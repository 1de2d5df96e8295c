// A finished export handed to the browser's download (browser host only: the
// desktop app has the file on disk already and refuses page downloads).
import type { ApiError } from '../shared/domain';
import { api } from './api';

/** Browser host only: fetches a finished export by name and hands it to the browser's download. */
export async function downloadExport(fileName: string): Promise<ApiError | null> {
  const result = await api.fetchExport(fileName);
  if (!result.ok) return result.error;
  // A link to the blob with a file name: the browser saves it where the person wants.
  const url = URL.createObjectURL(result.value);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return null;
}
