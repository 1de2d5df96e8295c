// fwb's progress line, drawn from the backend's job events: the same events the
// app's status line shows, worded for a terminal by each command.
import type { BackendEvent } from '../../shared/domain';
import type { Client } from './client';
import { progressLine, type CliIo } from './io';

export type JobProgress = Extract<BackendEvent, { type: 'job-progress' }>;

/** Shows each job-progress event in `words` while a person watches; returns the stop that clears the line. */
export function showJobProgress(io: CliIo, client: Client, words: (event: JobProgress) => string): () => void {
  const show = progressLine(io);
  const stop = client.onEvent((event) => {
    if (event.type === 'job-progress') show(words(event));
    else if (event.type === 'job-finished') show('');
  });
  return () => {
    stop();
    show('');
  };
}
