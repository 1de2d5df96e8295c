// A toolbar's drop-down, written once: a <select> named for screen readers, its
// options from a list, an optional leading "any" option (value ''), and an
// optional caption beside it.
import type { ReactNode } from 'react';

export interface ChoiceOption {
  value: string | number;
  label: ReactNode;
  disabled?: boolean;
}

export function Choice({
  label,
  caption,
  value,
  options,
  any,
  disabled,
  onChange,
}: {
  /** The accessible name. */
  label: string;
  /** Shown before the select, inside its <label>: a word, or an element of its own (a dash between two periods). */
  caption?: ReactNode;
  value: string | number;
  options: readonly ChoiceOption[];
  /** The first option, meaning "no filter" (value ''): "All lags". */
  any?: string;
  disabled?: boolean;
  onChange: (value: string) => void;
}) {
  const select = (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
      {any !== undefined && <option value="">{any}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value} disabled={o.disabled}>
          {o.label}
        </option>
      ))}
    </select>
  );
  if (caption === undefined) return select;
  return (
    <label>
      {typeof caption === 'string' ? <span>{caption}</span> : caption}
      {select}
    </label>
  );
}

/** Options whose value is also their label: categories, model names. */
export const plainOptions = (values: readonly string[] | undefined): ChoiceOption[] => (values ?? []).map((v) => ({ value: v, label: v }));

/** "Lag 1", "Lag 2", …: the lags a filter offers. */
export const lagOptions = (lags: readonly number[] | undefined): ChoiceOption[] => (lags ?? []).map((l) => ({ value: l, label: `Lag ${l}` }));
