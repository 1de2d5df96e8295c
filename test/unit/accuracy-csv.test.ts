// The Accuracy screen's CSV: RFC 4180 quoting, CRLF records, formula-looking
// text neutralised, numbers (negative ones too) left as numbers.
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../renderer/screens/accuracy/csv';

describe('accuracy table CSV', () => {
  const csv = toCsv({
    name: 'accuracy-reason-wape',
    header: ['reason', 'n', 'fva_pts'],
    rows: [
      ['=HYPERLINK("http://x","click")', 12, -3.5],
      ['+SUM(A1)', 3, 0],
      ['-2 is text here', 4, null],
      ['@cmd', 5, 1.25],
      ['Say "hi", then\nleave', 6, Number.NaN],
      ['Promotion', 7, -0.001],
    ],
  });

  it('quotes per RFC 4180 and ends records with CRLF', () => {
    expect(csv.split('\r\n')[0]).toBe('reason,n,fva_pts');
    expect(csv).toContain('"Say ""hi"", then\nleave",6,\r\n'); // quote doubled, field quoted, NaN left empty
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('keeps text starting with = + - @ as text, and numbers as numbers', () => {
    const rows = Papa.parse<string[]>(csv.trimEnd(), { newline: '\r\n' }).data.slice(1);
    expect(rows.map((r) => r[0])).toEqual(["'=HYPERLINK(\"http://x\",\"click\")", "'+SUM(A1)", "'-2 is text here", "'@cmd", 'Say "hi", then\nleave', 'Promotion']);
    expect(rows.map((r) => r[1])).toEqual(['12', '3', '4', '5', '6', '7']);
    expect(rows.map((r) => r[2])).toEqual(['-3.5', '0', '', '1.25', '', '-0.001']);
  });
});
