// Date cells from CSV/XLSX text → ISO 'YYYY-MM-DD'. Called once per imported line, so
// plain 'YYYY-MM-DD' is checked with char codes and returned as-is (no allocation), and
// the other accepted shapes are parsed by hand rather than with a regex per call (a
// file whose dates are all '2026-01-01 00:00:00' would otherwise pay it a million times).
// Validation is arithmetic (days in month), not Date, so 2026-02-30 is refused and a
// machine's time zone plays no part.

const C_0 = 48;
const C_DASH = 45;
const C_SLASH = 47;
const C_DOT = 46;
const C_COLON = 58;

/**
 * The ISO date in `text`, or null. Accepts 'YYYY-MM-DD', 'YYYY/MM/DD', the same followed by
 * a time ('T' or ' ' then HH:MM[:SS[.fff]], optional 'Z' or ±HH[:MM] offset; the time is
 * dropped: a period is a date), 'YYYY-MM' (first of the month) and 'DD.MM.YYYY' (day and
 * month may be one digit). 'MM/DD/YYYY' vs 'DD/MM/YYYY' is ambiguous, so a slashed date
 * with the year last is refused. Excel serial numbers are not dates here (see xlsx.ts).
 */
export function parseDateCell(text: string): string | null {
  if (text.length === 10 && text.charCodeAt(4) === C_DASH && text.charCodeAt(7) === C_DASH) {
    return ymdAt(text, 0, C_DASH) ? text : null;
  }
  const s = text.trim();
  const n = s.length;
  if (n === 0) return null;

  const sep = s.charCodeAt(4);
  if ((sep === C_DASH || sep === C_SLASH) && n >= 10 && s.charCodeAt(7) === sep) {
    if (!ymdAt(s, 0, sep) || (n > 10 && !isTimeAt(s, 10))) return null;
    return sep === C_DASH && n === 10 ? s : `${s.slice(0, 4)}-${s.slice(5, 7)}-${s.slice(8, 10)}`;
  }
  if (n === 7 && sep === C_DASH) {
    const y = digits(s, 0, 4);
    const m = digits(s, 5, 2);
    return y >= 1000 && m >= 1 && m <= 12 ? `${s.slice(0, 7)}-01` : null;
  }
  return dottedDate(s);
}

/** 'D.M.YYYY' / 'DD.MM.YYYY', optionally followed by ' HH:MM[:SS]'. */
function dottedDate(s: string): string | null {
  const d1 = s.indexOf('.');
  if (d1 < 1 || d1 > 2) return null;
  const d2 = s.indexOf('.', d1 + 1);
  if (d2 - d1 < 2 || d2 - d1 > 3) return null;
  const day = digits(s, 0, d1);
  const month = digits(s, d1 + 1, d2 - d1 - 1);
  const year = digits(s, d2 + 1, 4);
  const end = d2 + 5;
  if (day < 0 || month < 0 || year < 1000 || !validYmd(year, month, day)) return null;
  if (end < s.length && !isTimeAt(s, end)) return null;
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

function ymdAt(s: string, at: number, sep: number): boolean {
  if (s.charCodeAt(at + 4) !== sep || s.charCodeAt(at + 7) !== sep) return false;
  const y = digits(s, at, 4);
  const m = digits(s, at + 5, 2);
  const d = digits(s, at + 8, 2);
  return y >= 1000 && validYmd(y, m, d);
}

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  if (m === 2) return d <= (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28);
  return d <= (m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

/** The number written by exactly `len` digits at `at`, or -1. */
function digits(s: string, at: number, len: number): number {
  if (at + len > s.length) return -1;
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i) - C_0;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** `s` from `at` is 'T' or ' ', HH:MM[:SS[.fff]], then optional 'Z' or ±HH[[:]MM], and nothing else. */
function isTimeAt(s: string, at: number): boolean {
  const t = s.charCodeAt(at);
  if (t !== 84 /* T */ && t !== 32) return false;
  let i = at + 1;
  const hh = digits(s, i, 2);
  if (hh < 0 || hh > 23 || s.charCodeAt(i + 2) !== C_COLON) return false;
  const mm = digits(s, i + 3, 2);
  if (mm < 0 || mm > 59) return false;
  i += 5;
  if (s.charCodeAt(i) === C_COLON) {
    const ss = digits(s, i + 1, 2);
    if (ss < 0 || ss > 60) return false;
    i += 3;
    if (s.charCodeAt(i) === C_DOT || s.charCodeAt(i) === 44 /* , */) {
      const start = ++i;
      while (i < s.length && digits(s, i, 1) >= 0) i++;
      if (i === start) return false;
    }
  }
  if (i === s.length) return true;
  const z = s.charCodeAt(i);
  if (z === 90 /* Z */) return i + 1 === s.length;
  if (z !== 43 /* + */ && z !== C_DASH) return false;
  // Offsets are accepted and ignored: the period is the date as written.
  const rest = s.length - i - 1;
  if (digits(s, i + 1, 2) < 0) return false;
  if (rest === 2) return true;
  if (rest === 4) return digits(s, i + 3, 2) >= 0;
  return rest === 5 && s.charCodeAt(i + 3) === C_COLON && digits(s, i + 4, 2) >= 0;
}
