// A quote-aware record scanner for the two places that cannot hand text to papaparse:
// sniffing the delimiter (not known yet) and skipping past an over-long record (it must
// not be buffered). It follows papaparse's quoting rules so both agree on where a
// record ends: a quote opens a field only at the field's start; inside, '""' is a
// literal quote, and a quote closes the field only when followed by optional spaces and
// then a delimiter, a line break or the end; otherwise it is literal and the field goes on.

const QUOTE = 34;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const AFTER_QUOTE = 3; // saw a quote inside a quoted field: closing, escaped or literal
const AFTER_QUOTE_SPACE = 4; // closing quote followed by spaces so far

export class RecordScanner {
  /** Line breaks seen since the record started, including the one that ends it. */
  newlines = 0;
  /** Per delimiter candidate (same order as given), occurrences outside quotes. */
  readonly counts: number[];
  private state = FIELD_START;
  private readonly delims: number[];

  constructor(delimiters: readonly string[], private readonly newline: number) {
    this.delims = delimiters.map((d) => d.charCodeAt(0));
    this.counts = this.delims.map(() => 0);
  }

  /** Starts a new record. */
  reset(): void {
    this.state = FIELD_START;
    this.newlines = 0;
    this.counts.fill(0);
  }

  /**
   * Consumes `text` from `from`; returns the index just past the line break that ends the
   * current record, or -1 when the record goes on past the end of `text` (call again with
   * the next piece: the state carries over).
   */
  scan(text: string, from = 0): number {
    const nl = this.newline;
    const n = text.length;
    let state = this.state;
    for (let i = from; i < n; i++) {
      const c = text.charCodeAt(i);
      if (state === QUOTED) {
        if (c === QUOTE) state = AFTER_QUOTE;
        else if (c === nl) this.newlines++;
        continue;
      }
      if (c === nl) {
        // Outside quotes (or just after a closing quote): the record ends here.
        this.newlines++;
        this.state = FIELD_START;
        return i + 1;
      }
      const d = this.delims.indexOf(c);
      if (d >= 0) {
        this.counts[d]!++;
        state = FIELD_START;
      } else if (state === FIELD_START) {
        state = c === QUOTE ? QUOTED : UNQUOTED;
      } else if (state === AFTER_QUOTE) {
        if (c === QUOTE || c > 32) state = QUOTED; // '""' escape, or a literal quote
        else state = AFTER_QUOTE_SPACE;
      } else if (state === AFTER_QUOTE_SPACE) {
        if (c === QUOTE) state = AFTER_QUOTE;
        else if (c > 32) state = QUOTED;
      }
    }
    this.state = state;
    return -1;
  }
}
