// What a method of the API does besides answering, declared beside it in the
// table (api.ts) and carried out once, by dispatch, never by habit inside the
// method: the derived data it needs current (brought up to date before it runs,
// in a write context), whether it writes (a read is handed the workbook to read
// only), the events it announces after it succeeded, and whether it is a job
// (an id, job-progress while it runs, job-finished when it ends).
import type { ParsedRequestOf, ResponseOf } from '../../shared/contract';
import type { BackendEvent } from '../../shared/domain';
import type { MethodName } from '../../shared/methods';
import type { BackendContext, ReadContext, WriteContext } from './context';
import type { ReadableDb } from './db/handles';
import { bringCurrent, type DerivedNeed } from './derived/registry';
import { runJob, type JobKind, type JobOptions } from './jobs';

type Answer<M extends MethodName> = ResponseOf<M> | Promise<ResponseOf<M>>;

/** Derived data wanted current: always the same, or depending on the request. */
export type Needs<M extends MethodName> = readonly DerivedNeed[] | ((req: ParsedRequestOf<M>, db: ReadableDb) => readonly DerivedNeed[]);

type EventType = BackendEvent['type'];
type EventBody<T extends EventType> = Omit<Extract<BackendEvent, { type: T }>, 'type'>;

/**
 * The events a write announces once it succeeded, by type: each makes the event
 * from the request and the answer, or null when this call changed nothing to
 * announce (an import refused as a whole, a bulk accept of no line).
 */
export type Announces<M extends MethodName> = {
  [T in EventType]?: (db: ReadableDb, req: ParsedRequestOf<M>, out: ResponseOf<M>) => EventBody<T> | null;
};

export type JobDeclaration<M extends MethodName> = { kind: JobKind } & JobOptions<ResponseOf<M>>;

interface Common<M extends MethodName> {
  /** Derived data the method reads, brought current by dispatch before it runs. */
  current?: Needs<M>;
  job?: JobDeclaration<M>;
}

export interface ReadMethod<M extends MethodName> extends Common<M> {
  kind: 'read';
  // A property, not a method, so its parameter is checked strictly: a handler that wants the writable workbook does not fit.
  run: (ctx: ReadContext, req: ParsedRequestOf<M>) => Answer<M>;
}

export interface WriteMethod<M extends MethodName> extends Common<M> {
  kind: 'write';
  run: (ctx: WriteContext, req: ParsedRequestOf<M>) => Answer<M>;
  /** What it changes, as events to every window and program listening; `{}` when it changes nothing anyone shows. */
  announces: Announces<M>;
  /** Derived data brought current right after the write, so the next read does not pay for it. */
  refreshes?: Needs<M>;
}

export type MethodDeclaration<M extends MethodName> = ReadMethod<M> | WriteMethod<M>;

export type MethodTable = { [M in MethodName]: MethodDeclaration<M> };

const needsOf = <M extends MethodName>(needs: Needs<M> | undefined, req: ParsedRequestOf<M>, db: ReadableDb): readonly DerivedNeed[] =>
  needs === undefined ? [] : typeof needs === 'function' ? needs(req, db) : needs;

/**
 * Runs one declared method with its side effects, in this order: the derived
 * data it reads brought current; the method itself (as a job when declared
 * one); the derived data it refreshes; its announcements. A failure announces
 * nothing.
 */
export async function runDeclared<M extends MethodName>(ctx: BackendContext, declaration: MethodDeclaration<M>, req: ParsedRequestOf<M>): Promise<ResponseOf<M>> {
  const { emit, ...rest } = ctx;
  bringCurrent(ctx.db, needsOf(declaration.current, req, ctx.db));
  const work = async (progress?: WriteContext['progress']): Promise<ResponseOf<M>> => {
    const handlerCtx: WriteContext = progress ? { ...rest, progress } : rest;
    const out = await (declaration.run as (c: WriteContext, r: ParsedRequestOf<M>) => Answer<M>)(handlerCtx, req);
    if (declaration.kind === 'write') bringCurrent(ctx.db, needsOf(declaration.refreshes, req, ctx.db));
    return out;
  };
  const { job } = declaration;
  const out = job ? await runJob(emit, job.kind, work, job) : await work();
  if (declaration.kind === 'write') {
    for (const [type, make] of Object.entries(declaration.announces) as [EventType, (db: ReadableDb, r: unknown, o: unknown) => object | null][]) {
      const body = make(ctx.db, req, out);
      if (body) emit({ type, ...body } as BackendEvent);
    }
  }
  return out;
}
