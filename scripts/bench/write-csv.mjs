// A large CSV written in 1 MB chunks, waiting for the stream to drain: the bench's generated inputs.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Writes `header` and every line `rows()` yields to `path`. */
export async function writeCsv(path, header, rows) {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  let chunk = '';
  for (const line of rows()) {
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
