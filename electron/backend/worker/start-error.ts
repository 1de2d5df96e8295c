// The backend could not open its workbook: the ApiError saying why, for the host to word.
// A module of its own so that fwb, which runs the backend in its own thread, need not load the worker host.
import type { ApiError } from '../../../shared/domain';

export class BackendStartError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'BackendStartError';
  }
}
