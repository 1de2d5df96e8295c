// Whose turn it is to use the worker's one connection to the workbook. Calls take
// turns in arrival order and keep theirs to the end, awaits included (an export
// streaming rows holds a statement open; the demo seeding holds a transaction),
// except where a call says it waits on something else: an import reading its
// file gives its turn up (yieldWhile) and queues again for the next one. So the
// app's reads and decisions are answered while an import runs, each waiting at
// most for one of the import's short write transactions, and no call ever runs
// inside a transaction another holds open (yieldWhile refuses with one open).
import type { Db } from '../db/open';

export class ConnectionTurns {
  private tail: Promise<void> = Promise.resolve();
  private readonly calls = new Set<Promise<unknown>>();

  constructor(private readonly db: Db) {}

  /** Waits for the turn; resolves with the function that ends it. */
  take(): Promise<() => void> {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const turn = this.tail.then(() => end);
    this.tail = this.tail.then(() => ended);
    return turn;
  }

  /** Runs `call` in a turn of its own; `yieldWhile` lets the call give its turn up while it awaits other work. */
  run<T>(call: (yieldWhile: <W>(work: () => Promise<W>) => Promise<W>) => Promise<T>): Promise<T> {
    const running = this.runInTurn(call);
    this.calls.add(running);
    void running.then(
      () => this.calls.delete(running),
      () => this.calls.delete(running),
    );
    return running;
  }

  private async runInTurn<T>(call: (yieldWhile: <W>(work: () => Promise<W>) => Promise<W>) => Promise<T>): Promise<T> {
    let end = await this.take();
    const yieldWhile = async <W>(work: () => Promise<W>): Promise<W> => {
      if (this.db.inTransaction) throw new Error('a call cannot give its turn up with a transaction open');
      end();
      try {
        return await work();
      } finally {
        end = await this.take();
      }
    };
    try {
      return await call(yieldWhile);
    } finally {
      end();
    }
  }

  /** Resolves once every call has ended (those that gave their turn up included). */
  async idle(): Promise<void> {
    while (this.calls.size > 0) await Promise.allSettled([...this.calls]);
  }
}
