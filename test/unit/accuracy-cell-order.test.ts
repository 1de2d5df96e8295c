// The cube writes its cells in the order SQLite's GROUP BY wrote them
// (cell-sums.ts cellsInKeyOrder): NULL, then numbers, then text by its UTF-8
// bytes. Keys without a surrogate pair take a quicker comparison than those
// with one (UTF-16 and UTF-8 order differ only there); both must order the
// cells as SQLite's ORDER BY does.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CellSums, cellsInKeyOrder } from '../../electron/backend/accuracy/cell-sums';

/** The cells' key columns in the order SQLite sorts the same rows. */
function sqliteOrder(keys: unknown[][]): unknown[][] {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE k (i INTEGER, a, b, c)');
  const insert = db.prepare('INSERT INTO k VALUES (?, ?, ?, ?)');
  keys.forEach((k, i) => insert.run(i, ...k));
  const order = db.prepare('SELECT i FROM k ORDER BY a, b, c').pluck().all() as number[];
  db.close();
  return order.map((i) => keys[i]!);
}

function ourOrder(keys: unknown[][]): unknown[][] {
  const sums = new CellSums<number>(1);
  keys.forEach((k, i) => sums.make(i, k));
  return cellsInKeyOrder(sums as CellSums<unknown>).map((i) => sums.keys[i]!);
}

/** A deterministic spread of keys: NULLs, whole and fractional numbers, text in several scripts. */
function keysFrom(texts: string[], n: number): unknown[][] {
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647);
  const value = (): unknown => {
    const r = next() % 10;
    if (r === 0) return null;
    if (r < 3) return (next() % 7) - 3;
    if (r === 3) return (next() % 1000) / 7;
    return texts[next() % texts.length]!;
  };
  return Array.from({ length: n }, () => [value(), value(), value()]);
}

describe('the order the cube writes its cells in', () => {
  it('is SQLite’s ORDER BY for keys without surrogate pairs', () => {
    const keys = keysFrom(['A', 'a', 'b', 'B-2', 'Ärger', 'zz', 'ｚ', '東京', '', 'null', '10', '9'], 400);
    expect(ourOrder(keys)).toEqual(sqliteOrder(keys));
  });

  it('is SQLite’s ORDER BY when some text has a surrogate pair, which sorts after ｚ by its bytes though not by UTF-16', () => {
    const keys = keysFrom(['A', 'b', 'ｚ', '😀', 'x😀', 'x', '東京', '𝔸'], 400);
    expect(ourOrder(keys)).toEqual(sqliteOrder(keys));
  });
});
