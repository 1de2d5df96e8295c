// fwb's one way into the backend: the host entry's backend, in this thread, on one
// workbook for one command. The contract's methods go through the same dispatcher
// the app's calls do; what only a trusted host may do (a file by its path, backup,
// restore, check, demo) through the host's own methods. Progress comes as the
// backend's job events, the ones the app shows.
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { ApiError, BackendEvent, Result } from '../../shared/domain';
import type { MethodName } from '../../shared/methods';
import type { Backend, InProcessOptions } from '../backend/in-process';

/** The backend said no: its ApiError, for fwb to word and give an exit code. */
export class BackendRefusal extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'BackendRefusal';
  }
}

export class Client {
  private constructor(private readonly backend: Backend) {}

  /** Opens the workbook (see InProcessOptions for `access`); a refusal to open is a BackendRefusal. */
  static async open(options: InProcessOptions): Promise<Client> {
    // Loaded here: `fwb --help` and usage errors never load the backend. The in-process
    // entry, not host-entry.ts: none of the worker host and the hosts' file helpers.
    const { openInProcess, BackendStartError } = await import('../backend/in-process');
    try {
      return new Client(await openInProcess({ program: 'fwb', ...options }));
    } catch (err) {
      throw err instanceof BackendStartError ? new BackendRefusal(err.error) : err;
    }
  }

  /** A contract method's answer, or its refusal as a value. */
  result<M extends MethodName>(method: M, payload: RequestOf<M>): Promise<Result<ResponseOf<M>>> {
    return this.backend.call(method, payload) as Promise<Result<ResponseOf<M>>>;
  }

  /** A contract method's answer; its refusal is thrown as a BackendRefusal. */
  async call<M extends MethodName>(method: M, payload: RequestOf<M>): Promise<ResponseOf<M>> {
    return valueOf(await this.result(method, payload));
  }

  /** A host-only method's answer, or its refusal as a value. */
  hostResult<T>(method: string, payload: unknown): Promise<Result<T>> {
    return this.backend.hostCall(method, payload) as Promise<Result<T>>;
  }

  /** A host-only method's answer (backend/host-api.ts); its refusal is thrown as a BackendRefusal. */
  async host<T>(method: string, payload: unknown): Promise<T> {
    return valueOf(await this.hostResult<T>(method, payload));
  }

  onEvent(listener: (event: BackendEvent) => void): () => void {
    return this.backend.onEvent(listener);
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

function valueOf<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new BackendRefusal(r.error);
}

/** Runs `work` with a client on the workbook, closing it after, whatever happens. */
export async function withClient<T>(options: InProcessOptions, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await Client.open(options);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}
