// Number cells from CSV/XLSX text. Called about three times per imported line, so the
// common case (plain digits, optional sign, dot and exponent) is a single char-code scan
// followed by Number(); the grouping rules (1,234.5 / 1.234,5) run only when a
// separator that Number() does not understand is present. No regex on any path.

const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const C_COMMA = 44;
const C_PLUS = 43;
const C_MINUS = 45;
const C_E = 101;
const C_UPPER_E = 69;

/**
 * The finite number written in `text`, or null.
 *
 * decimalComma=false: '1234.5', '-3', '+1e3', ' 12 ', and thousands commas when the grouping
 * is valid ('1,234.5'; not '1,23' or '1,2,3').
 * decimalComma=true (files with ';' delimiter): '1234,5', '1.234,5', '1.234' (= 1234, the
 * file's own convention) and, tolerated because unambiguous, dot decimals such as '12.5'.
 * Never accepts 'NaN', 'Infinity', hex, '' or trailing garbage.
 */
export function parseNumber(text: string, decimalComma: boolean): number | null {
  const fast = plainDecimal(text, decimalComma ? C_COMMA : C_DOT);
  if (fast === fast) return fast; // not NaN
  return general(text, decimalComma);
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * '[-+]digits[<decimal>digits]' with at most 15 digits, converted without Number():
 * the digits form an exact integer (< 2^53) and 10^k is exact, so one IEEE division is
 * correctly rounded — the same double Number() would give (Clinger's fast path), at a
 * fraction of the cost. NaN means "not this shape", left to the general path.
 */
function plainDecimal(s: string, decimal: number): number {
  const n = s.length;
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === C_MINUS) {
    neg = true;
    i = 1;
  } else if (c0 === C_PLUS) {
    i = 1;
  }
  let m = 0;
  let digits = 0;
  let frac = -1; // digits after the decimal separator, -1 before it
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= C_0 && c <= C_9) {
      m = m * 10 + (c - C_0);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === decimal && frac < 0) {
      frac = 0;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac > 0 ? m / POW10[frac]! : m;
  return neg && v !== 0 ? -v : v;
}

function general(text: string, decimalComma: boolean): number | null {
  let s = text;
  let n = s.length;
  if (n === 0) return null;
  // Cells are normally trimmed already; only pay for trim() when there is something to trim.
  if (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(n - 1))) {
    s = s.trim();
    n = s.length;
    if (n === 0) return null;
  }

  let dots = 0;
  let commas = 0;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= C_0 && c <= C_9) digits++;
    else if (c === C_DOT) dots++;
    else if (c === C_COMMA) commas++;
    else if (c !== C_PLUS && c !== C_MINUS && c !== C_E && c !== C_UPPER_E) return null;
  }
  // Also excludes 'e', '+', '.' and friends that Number() would turn into NaN anyway.
  if (digits === 0) return null;

  if (commas === 0 && (dots === 0 || !decimalComma)) {
    // Only [0-9+-.eE] remain, so Number() cannot see hex, 'Infinity' or whitespace tricks;
    // it does the structural checks ('1.2.3', '1e', '--1' → NaN).
    return finite(Number(s));
  }

  if (!decimalComma) {
    // Thousands commas, dot decimal.
    const plain = ungroup(s, C_COMMA, C_DOT);
    return plain === null ? null : finite(Number(plain));
  }

  if (commas === 1 && dots === 0) {
    // '1234,5': the decimal-comma hot path.
    const i = s.indexOf(',');
    return finite(Number(s.slice(0, i) + '.' + s.slice(i + 1)));
  }
  if (commas === 0) {
    // Only dots: valid grouping ('1.234', '1.234.567') means thousands in this file's
    // convention; a single dot that cannot be grouping ('12.5') is a decimal point.
    const plain = ungroup(s, C_DOT, C_COMMA);
    if (plain !== null) return finite(Number(plain));
    return dots === 1 ? finite(Number(s)) : null;
  }
  const plain = ungroup(s, C_DOT, C_COMMA);
  return plain === null ? null : finite(Number(plain));
}

function isSpace(c: number): boolean {
  return c <= 32 || c === 160 || c === 0x2007 || c === 0x202f || c === 0xfeff;
}

function finite(v: number): number | null {
  if (v !== v || v === Infinity || v === -Infinity) return null;
  return v === 0 ? 0 : v; // no -0 in the data
}

/**
 * Rewrites `s` with its grouping characters removed and its decimal character turned into
 * '.', or null when the grouping is not 1–3 digits followed by groups of exactly 3.
 * Anything after the integer part (fraction, exponent, stray characters) is left for
 * Number() to accept or reject.
 */
function ungroup(s: string, group: number, decimal: number): string | null {
  const n = s.length;
  let i = 0;
  let out = '';
  const c0 = s.charCodeAt(0);
  if (c0 === C_PLUS || c0 === C_MINUS) {
    out = c0 === C_MINUS ? '-' : '';
    i = 1;
  }
  let run = 0; // digits in the current group
  let groups = 0;
  let from = i;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= C_0 && c <= C_9) {
      run++;
    } else if (c === group) {
      // '0,123' / '0.125' is not thousands grouping: the first group has no leading zero.
      if (groups === 0 ? run < 1 || run > 3 || s.charCodeAt(from) === C_0 : run !== 3) return null;
      out += s.slice(from, i);
      from = i + 1;
      groups++;
      run = 0;
    } else {
      break;
    }
  }
  if (groups > 0 && run !== 3) return null;
  out += s.slice(from, i);
  if (i < n && s.charCodeAt(i) === decimal) {
    out += '.';
    i++;
  }
  // A second group or decimal character lands here and makes Number() return NaN.
  return out + s.slice(i);
}
