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
export type NeedsOf<Req> = readonly DerivedNeed[] | ((req: Req, db: ReadableDb) => readonly DerivedNeed[]);
export type Needs<M extends MethodName> = NeedsOf<ParsedRequestOf<M>>;

type EventType = BackendEvent['type'];
type EventBody<T extends EventType> = Omit<Extract<BackendEvent, { type: T }>, 'type'>;

/**
 * The events a write announces once it succeeded, by type: each makes the event
 * from the request and the answer, or null when this call changed nothing to
 * announce (an import refused as a whole, a bulk accept of no line).
 */
export type AnnouncesOf<Req, Out> = {
  [T in EventType]?: (db: ReadableDb, req: Req, out: Out) => EventBody<T> | null;
};
export type Announces<M extends MethodName> = AnnouncesOf<ParsedRequestOf<M>, ResponseOf<M>>;

export type JobDeclaration<M extends MethodName> = { kind: JobKind } & JobOptions<ResponseOf<M>>;

/**
 * What a write does besides answering, apart from the handler: shared where one
 * change has two ways in (the page's runImport and fwb's import of a path).
 */
export interface Effects<Req, Out> {
  current?: NeedsOf<Req>;
  job?: { kind: JobKind } & JobOptions<Out>;
  refreshes?: NeedsOf<Req>;
  announces: AnnouncesOf<Req, Out>;
}

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

const needsOf = <Req>(needs: NeedsOf<Req> | undefined, req: Req, db: ReadableDb): readonly DerivedNeed[] =>
  needs === undefined ? [] : typeof needs === 'function' ? needs(req, db) : needs;

/**
 * Runs one declared method with its side effects, in this order: the derived
 * data it reads brought current; the method itself (as a job when declared
 * one); the derived data it refreshes; its announcements. A failure announces
 * nothing.
 */
export function runDeclared<M extends MethodName>(ctx: BackendContext, declaration: MethodDeclaration<M>, req: ParsedRequestOf<M>): Promise<ResponseOf<M>> {
  const run = declaration.run as (c: WriteContext, r: ParsedRequestOf<M>) => Answer<M>;
  const effects: Effects<ParsedRequestOf<M>, ResponseOf<M>> = declaration.kind === 'write' ? declaration : { ...declaration, announces: {} };
  return carryOut(ctx, effects, run, req, declaration.kind === 'write');
}

/** The same, for a host's way in to a write the API also offers (host-api.ts): the effects the method declares. */
export async function carryOut<Req, Out>(ctx: BackendContext, effects: Effects<Req, Out>, run: (ctx: WriteContext, req: Req) => Out | Promise<Out>, req: Req, writes = true): Promise<Out> {
  const { emit, ...rest } = ctx;
  bringCurrent(ctx.db, needsOf(effects.current, req, ctx.db));
  const work = async (progress?: WriteContext['progress']): Promise<Out> => {
    const handlerCtx: WriteContext = progress ? { ...rest, progress } : rest;
    const out = await run(handlerCtx, req);
    if (writes) bringCurrent(ctx.db, needsOf(effects.refreshes, req, ctx.db));
    return out;
  };
  const { job } = effects;
  const out = job ? await runJob(emit, job.kind, work, job) : await work();
  if (writes) {
    for (const [type, make] of Object.entries(effects.announces) as [EventType, (db: ReadableDb, r: Req, o: Out) => object | null][]) {
      const body = make(ctx.db, req, out);
      if (body) emit({ type, ...body } as BackendEvent);
    }
  }
  return out;
}
