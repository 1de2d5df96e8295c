// Calling the API the way every way in does (dispatch validates the payload):
// `ok` expects an answer, `refused` expects a refusal and returns its error.
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { ApiError } from '../../shared/domain';
import type { MethodName } from '../../shared/methods';

export async function ok<M extends MethodName>(ctx: BackendContext, method: M, payload: RequestOf<M>): Promise<ResponseOf<M>> {
  const r = await dispatch(ctx, method, payload);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.value as ResponseOf<M>;
}

export async function refused(ctx: BackendContext, method: MethodName, payload: unknown): Promise<ApiError> {
  const r = await dispatch(ctx, method, payload);
  if (r.ok) throw new Error(`${method} should have been refused`);
  return r.error;
}
