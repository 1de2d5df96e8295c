// The words planners and the manager type: override comments per reason code and
// approval notes. Chosen by the seeded streams, so they are as deterministic as
// the numbers.
import { monthLabel } from './calendar';
import { ACCOUNTS } from './catalogue-data';
import type { Rng } from './random';

export interface CommentContext {
  /** The account behind the shock, if the override is about one. */
  account: string | null;
  /** The month the override is about (its period), or the month of the history problem. */
  month: number;
  /** Change relative to the model, e.g. -0.3. */
  change: number;
  salesSource: string | null;
}

const TEMPLATES: Record<string, readonly ((c: CommentContext & { acct: string; mon: string }) => string)[]> = {
  promotion: [
    (c) => `Feature ad with ${c.acct} in ${c.mon}`,
    (c) => `Display promo agreed with ${c.acct}`,
    (c) => `Buy-one-get-one at ${c.acct}, ${c.mon}`,
    (c) => `Promo calendar: ${c.acct} price cut in ${c.mon}`,
  ],
  new_customer: [
    (c) => `New listing at ${c.acct} from ${c.mon}`,
    (c) => `Contract won with ${c.acct}; first orders in ${c.mon}`,
    (c) => `Distribution gain at ${c.acct}`,
  ],
  lost_business: [
    (c) => `Delisted at ${c.acct} from ${c.mon}`,
    (c) => `Lost the ${c.acct} tender`,
    (c) => `${c.acct} switched to private label`,
  ],
  supply_constraint: [
    (c) => `Co-packer capacity issue, allocation through ${c.mon}`,
    () => 'Packaging shortage: supplier confirmed reduced volumes',
    () => 'Line maintenance at the plant, output capped',
  ],
  price_change: [
    (c) => `List price increase from ${c.mon}; expect volume loss`,
    (c) => `Competitor price cut at ${c.acct}`,
  ],
  event_seasonality: [
    () => 'World Cup 2026 uplift',
    () => 'Heatwave expected',
    () => 'Easter falls early this year',
    () => 'Holiday season build',
  ],
  data_error: [
    (c) => `${c.mon} history includes a one-off bulk order; not repeating`,
    (c) => `${c.mon} spike was a pipeline fill at ${c.acct}`,
    (c) => `Shipment booked twice in ${c.mon}; model inflated`,
    (c) => `${c.mon} promo volume is in the baseline; model too high`,
  ],
  data_error_up: [
    (c) => `${c.mon} orders missing after the ERP cut-over; model too low`,
    (c) => `${c.mon} history depressed by a stock-out, not by demand`,
  ],
  sales_intelligence: [
    (c) => `Per ${c.salesSource ?? 'sales'}: sell-out trending ${c.change > 0 ? 'up' : 'down'}`,
    (c) => `Key account manager expects ${c.change > 0 ? 'higher' : 'lower'} orders`,
    (c) => `${c.acct} buyer feedback`,
  ],
  other: [
    () => 'Gut feel based on recent orders',
    () => "Adjusting to last month's run rate",
    () => 'Aligning with budget',
    () => 'Rounded to full pallets',
  ],
};

export function overrideComment(reason: string, ctx: CommentContext, rng: Rng): string {
  const key = reason === 'data_error' && ctx.change > 0 ? 'data_error_up' : reason;
  const list = TEMPLATES[key] ?? TEMPLATES.other!;
  const template = rng.pick(list);
  return template({ ...ctx, acct: ctx.account ?? rng.pick(ACCOUNTS), mon: monthLabel(ctx.month) });
}

export function approvalNote(approved: boolean, change: number, rng: Rng): string {
  if (approved) {
    return rng.pick(['OK, confirmed with the key account manager', 'Approved', 'Approved; revisit next cycle', 'Fine, matches the S&OP discussion']);
  }
  return change > 0
    ? rng.pick(['Not enough evidence for the uplift: keep the model', 'Uplift too aggressive compared with the last promo', 'Promotion not confirmed by the customer yet'])
    : rng.pick(['Cut too deep: keep the model until the customer confirms', 'Supply team expects to recover: keep the model']);
}
