// What a person reads: numbers with thousands separators, days as dates ("Wed 2 Dec 2026"),
// regions and statuses by their names, and an Outcome of stampd as one sentence per code with its
// figures (describeOutcome). Pure functions, no DOM: node can import this module to test it.
'use strict';

// ---------------------------------------------------------------- numbers and money

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12345 → "12,345"; null/undefined → "—". */
export function num(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  return integerFormat.format(Number(n));
}

/** Integer cents → "$1,234.56" (negative as "−$1.00"). */
export function money(cents) {
  if (cents === null || cents === undefined) return '—';
  const c = Math.round(Number(cents));
  const sign = c < 0 ? '−' : '';
  const abs = Math.abs(c);
  const dollars = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  return `${sign}$${integerFormat.format(dollars)}.${rest}`;
}

/**
 * A decimal typed as text → an integer of `decimals` places: parseFixed("1.25", 2) → 125 (cents),
 * parseFixed("9.975", 3) → 9975 (thousandths of a percent). null when it is not such a number.
 * Parsed as text, never through floating point.
 */
export function parseFixed(text, decimals, wholeDigits = 12) {
  const m = new RegExp(`^\\s*(\\d{1,${wholeDigits}})(?:\\.(\\d{1,${decimals}}))?\\s*$`).exec(String(text ?? ''));
  if (!m) return null;
  return Number(m[1]) * 10 ** decimals + Number((m[2] ?? '').padEnd(decimals, '0'));
}

/** The other way: fixedText(125, 2) → "1.25"; with `trim`, fixedText(13000, 3, true) → "13". */
export function fixedText(value, decimals, trim = false) {
  const v = Number(value);
  const unit = 10 ** decimals;
  let frac = String(Math.abs(v % unit)).padStart(decimals, '0');
  if (trim) frac = frac.replace(/0+$/, '');
  return `${Math.trunc(v / unit)}${frac ? `.${frac}` : ''}`;
}

/** A count with its noun: plural(1, 'box', 'boxes') → "1 box". */
export function plural(n, one, many) {
  return `${num(n)} ${Number(n) === 1 ? one : many}`;
}

// ---------------------------------------------------------------- days

// Days are days since 1970-01-01 (a Thursday). stampd's "none" is -2147483648.
export const NO_DAY = -2147483648;
const DAY_MS = 86400000;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const WEEKDAYS_LONG = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/** The day number of a civil date; month 1–12. */
export function dayOf(year, month, dayOfMonth) {
  return Math.round(Date.UTC(year, month - 1, dayOfMonth) / DAY_MS);
}

/** "2026-12-02" → day number, or null when the text is not a date. */
export function isoToDay(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text ?? ''));
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = dayOf(y, mo, d);
  return dayToIso(day) === text ? day : null;
}

/** Day number → "2026-12-02". */
export function dayToIso(day) {
  const d = new Date(day * DAY_MS);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${mm}-${dd}`;
}

/** A day as stampd's replies give it ("YYYY-MM-DD", a number, or null) → day number or null. */
export function toDay(value) {
  if (value === null || value === undefined || value === NO_DAY) return null;
  if (typeof value === 'number') return value;
  return isoToDay(value);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayOf(day) {
  return (((day % 7) + 7 + 3) % 7);
}

export function isWeekend(day) {
  return weekdayOf(day) >= 5;
}

/** The Monday of the week holding `day`. */
export function mondayOf(day) {
  return day - weekdayOf(day);
}

/** Year, month (1–12) and day of month of a day number. */
export function civil(day) {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "Wed 2 Dec 2026"; "—" for none. Accepts a day number or a "YYYY-MM-DD" string. */
export function date(value) {
  const day = toDay(value);
  if (day === null) return '—';
  const c = civil(day);
  return `${WEEKDAYS[weekdayOf(day)]} ${c.day} ${MONTHS[c.month - 1]} ${c.year}`;
}

/** "Wednesday" */
export function weekdayName(day) {
  return WEEKDAYS_LONG[weekdayOf(day)];
}

export function weekdayShort(day) {
  return WEEKDAYS[weekdayOf(day)];
}

/** "December 2026" */
export function monthTitle(day) {
  const c = civil(day);
  return `${MONTHS_LONG[c.month - 1]} ${c.year}`;
}

/** "2 Dec" */
export function shortDate(value) {
  const day = toDay(value);
  if (day === null) return '—';
  const c = civil(day);
  return `${c.day} ${MONTHS[c.month - 1]}`;
}

// A zone the browser's tz database does not know (a setting older than zone names): its
// standard UTC offset and, when it follows it, the North American daylight-saving rule, as
// engine/calendar_time.cpp falls back to.
function nthSunday(year, month, n) {
  const first = dayOf(year, month, 1);
  const toSunday = (7 + 6 - weekdayOf(first)) % 7;
  return first + toSunday + 7 * (n - 1);
}

function inDst(zone, ms) {
  if (!zone.north_american_dst) return false;
  const standard = ms + zone.utc_offset_minutes * 60000;
  const year = new Date(standard).getUTCFullYear();
  const begins = nthSunday(year, 3, 2) * DAY_MS + 2 * 3600000;
  const ends = nthSunday(year, 11, 1) * DAY_MS + 1 * 3600000;
  return standard >= begins && standard < ends;
}

export const DEFAULT_ZONE = { time_zone: 'America/Toronto', utc_offset_minutes: -300, north_american_dst: true };

const zoneFormats = new Map();

/** The day number, in the warehouse's zone (an IANA name, read by the browser's own tz
 * database, as stampd reads the system's), of the instant `ms` (default: now). */
export function localDay(zone = DEFAULT_ZONE, ms = Date.now()) {
  let format = zoneFormats.get(zone.time_zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone: zone.time_zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      format = null;  // RangeError: a name this browser does not know
    }
    zoneFormats.set(zone.time_zone, format);
  }
  if (format === null) {
    const offset = zone.utc_offset_minutes + (inDst(zone, ms) ? 60 : 0);
    return Math.floor((ms + offset * 60000) / DAY_MS);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return dayOf(Number(parts.year), Number(parts.month), Number(parts.day));
}

// The zone's offset from UTC at the instant `ms`, in ms (local wall clock − UTC).
function zoneOffsetMs(zone, ms) {
  let format = null;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone.time_zone, hourCycle: 'h23', year: 'numeric',
      month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  } catch {
    return (zone.utc_offset_minutes + (inDst(zone, ms) ? 60 : 0)) * 60000;
  }
  const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24,
    Number(p.minute), Number(p.second));
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant (ms since the epoch) the day `day` begins in the warehouse's zone, as stampctl
 * reckons a period's bounds (engine/calendar_time.cpp start_of_day_us). */
export function dayStartMs(zone, day) {
  const wall = day * DAY_MS;
  const first = wall - zoneOffsetMs(zone, wall);
  return wall - zoneOffsetMs(zone, first);
}

/** An instant (µs since the epoch) as the warehouse's wall clock: "Mon 7 Dec 2026 17:40:05". */
export function instant(zone, us) {
  if (us === null || us === undefined || Number(us) === 0) return '—';
  const ms = Math.floor(Number(us) / 1000);
  const local = ms + zoneOffsetMs(zone, ms);
  const day = Math.floor(local / DAY_MS);
  const rest = local - day * DAY_MS;
  const two = (n) => String(n).padStart(2, '0');
  return `${date(day)} ${two(Math.floor(rest / 3600000))}:${two(Math.floor(rest / 60000) % 60)}:${two(Math.floor(rest / 1000) % 60)}`;
}

// ---------------------------------------------------------------- names

// engine/codec/events.fbs, enum Region, in its order.
export const REGIONS = ['FED', 'ON', 'QC', 'AB', 'MB'];
const REGION_NAMES = { FED: 'Federal', ON: 'Ontario', QC: 'Quebec', AB: 'Alberta', MB: 'Manitoba' };

/** "ON" (or its index 1) → "Ontario". */
export function regionName(region) {
  if (region === null || region === undefined) return '—';
  const key = typeof region === 'number' ? REGIONS[region] : region;
  return REGION_NAMES[key] ?? String(region);
}

const PO_STATUS = ['Open', 'InProduction', 'PendingVerification', 'Completed', 'Cancelled'];
const PO_STATUS_NAMES = {
  Open: 'Open', InProduction: 'In production', PendingVerification: 'Pending verification',
  Completed: 'Completed', Cancelled: 'Cancelled',
};
export const PO_STATUSES = PO_STATUS;

/** "PendingVerification" (or 2) → "Pending verification". */
export function poStatusName(status) {
  const key = typeof status === 'number' ? PO_STATUS[status] : status;
  return PO_STATUS_NAMES[key] ?? String(status ?? '—');
}

const SHIPMENT_STATUS = ['Expected', 'Receiving', 'Inventoried'];
const BOX_STATE = ['Pending', 'Confirmed', 'Skipped', 'Overridden'];
const BOX_STATE_NAMES = { Pending: 'waiting', Confirmed: 'confirmed', Skipped: 'skipped',
  Overridden: 'confirmed past a stamp shortage' };
const STAMP_ORDER_STATUS = ['AdminReview', 'Approved', 'Ordered', 'Received', 'Rejected',
  'ChangesRequested'];
export const STAMP_ORDER_STATUSES = STAMP_ORDER_STATUS;
const STAMP_ORDER_STATUS_NAMES = { AdminReview: 'In admin review', Approved: 'Approved',
  Ordered: 'Ordered from CRA', Received: 'Received', Rejected: 'Rejected',
  ChangesRequested: 'Changes requested' };

/** "ChangesRequested" (or 5) → "Changes requested". */
export function stampOrderStatusName(status) {
  const key = typeof status === 'number' ? STAMP_ORDER_STATUS[status] : status;
  return STAMP_ORDER_STATUS_NAMES[key] ?? String(status ?? '—');
}
const INVOICE_STATUS = ['Draft', 'Issued', 'Paid', 'Archived'];
const REQUEST_STATUS = ['Pending', 'Approved', 'Rejected'];

export function shipmentStatusName(status) {
  const key = typeof status === 'number' ? SHIPMENT_STATUS[status] : status;
  return SHIPMENT_STATUS.includes(key) ? key : String(status ?? '—');
}

export function boxStateName(state) {
  const key = typeof state === 'number' ? BOX_STATE[state] : state;
  return BOX_STATE_NAMES[key] ?? String(state ?? '—');
}

const ROLE_NAMES = { stamper: 'Stamper', supervisor: 'Supervisor', verifier: 'Verifier',
  admin: 'Administrator', finance: 'Finance', auditor: 'Auditor', consignee: 'Consignee' };
// protocol.fbs enum Role: bit 1 << index.
export const ROLE_ORDER = ['stamper', 'supervisor', 'verifier', 'admin', 'finance', 'auditor', 'consignee'];

export function roleName(role) {
  const key = String(role).toLowerCase();
  return ROLE_NAMES[key] ?? String(role);
}

/** Role bits (a number) or role names (an array) → ["supervisor", ...]. */
export function roleList(roles) {
  if (Array.isArray(roles)) return roles.map((r) => String(r).toLowerCase());
  const out = [];
  ROLE_ORDER.forEach((r, i) => { if ((Number(roles) >> i) & 1) out.push(r); });
  return out;
}

/** ["supervisor","verifier"] → "Supervisor or Verifier" (joiner "or") */
export function roleWords(roles, joiner = 'and') {
  return listWords(roleList(roles).map(roleName), joiner);
}

/** ["a","b","c"] → "a, b and c". */
export function listWords(items, joiner = 'and') {
  const list = items.filter((x) => x !== '' && x !== null && x !== undefined);
  if (list.length === 0) return '';
  if (list.length === 1) return String(list[0]);
  return `${list.slice(0, -1).join(', ')} ${joiner} ${list[list.length - 1]}`;
}

// engine/codec/events.fbs, enum LedgerKind, in its order.
export const LEDGER_KINDS = ['RECEIPT', 'USAGE', 'ADJUST_VERIFY', 'REFUND_VERIFY', 'REFUND_CANCEL'];

/** "REFUND_VERIFY" → "Refund at verification". */
export function ledgerKindName(kind) {
  const words = LEDGER_KIND_NAMES[kind];
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : String(kind ?? '—');
}

const LEDGER_KIND_NAMES = { RECEIPT: 'receipt', USAGE: 'used', ADJUST_VERIFY: 'extra deduction at verification',
  REFUND_VERIFY: 'refund at verification', REFUND_CANCEL: 'refund on cancellation' };

// ---------------------------------------------------------------- outcomes

// How an Outcome names the object it speaks of (protocol.fbs enum Subject).
const SUBJECT_WORDS = {
  None: 'request', User: 'user', Consignee: 'consignee', Product: 'product', Shipment: 'shipment',
  Box: 'box', ProductionOrder: 'production order', Line: 'line', StampOrder: 'stamp order',
  Region: 'region', Quantity: 'quantity', Text: 'text', Volume: 'volume', Bundles: 'bundles',
  StampsPerBundle: 'stamps per bundle', DepositRate: 'deposit rate', Roles: 'roles', Day: 'day',
  Segments: 'segments', Invoice: 'invoice', FeePreset: 'fee preset', Request: 'customer request',
  Rate: 'rate', Province: 'province', TimeZone: 'time zone', Client: 'client', Token: 'token',
  Password: 'password',
};

// The state figure of WRONG_STATE / ALREADY_CONFIRMED is the object's status number; which enum
// depends on what the Outcome is about.
const STATE_ENUMS = {
  ProductionOrder: PO_STATUS, Shipment: SHIPMENT_STATUS, Box: BOX_STATE, StampOrder: STAMP_ORDER_STATUS,
  Invoice: INVOICE_STATUS, Request: REQUEST_STATUS,
};

function stateWords(about, state) {
  if (state === null || state === undefined) return null;
  const names = STATE_ENUMS[about];
  const key = typeof state === 'string' ? state : names?.[state];
  if (key === undefined) return `state ${state}`;
  if (about === 'ProductionOrder') return poStatusName(key);
  if (about === 'Box') return boxStateName(key);
  if (about === 'StampOrder') return stampOrderStatusName(key);
  return splitCamel(key);
}

function splitCamel(text) {
  return String(text).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase())
    .replace(/ ([A-Z])/g, (m, c) => ` ${c.toLowerCase()}`);
}

/**
 * The names a sentence may use for the objects it mentions. Screens pass what they know (from
 * ref.js); anything missing falls back to "product 3".
 */
function nameOf(names, kind, id) {
  const fn = names && names[kind];
  const known = typeof fn === 'function' ? fn(id) : null;
  if (known) return known;
  const words = { product: 'product', po: 'production order', user: 'user', consignee: 'consignee',
    shipment: 'shipment', box: 'box', line: 'line' };
  return `${words[kind] ?? kind} ${id}`;
}

function subjectName(o, names) {
  const id = o.subject_id;
  switch (o.about) {
    case 'Product': return nameOf(names, 'product', id);
    case 'ProductionOrder': return nameOf(names, 'po', id);
    case 'User': return nameOf(names, 'user', id);
    case 'Consignee': return nameOf(names, 'consignee', id);
    case 'Shipment': return nameOf(names, 'shipment', id);
    case 'Box': return id ? nameOf(names, 'box', id) : 'the box';
    case 'Line': return `line ${id + 1}`;
    case 'Quantity': return `the quantity of line ${id + 1}`;
    case 'Day': return date(id);
    default: return `${SUBJECT_WORDS[o.about] ?? 'object'}${id ? ` ${id}` : ''}`;
  }
}

// What a FORBIDDEN Outcome about Roles carries: the role bits allowed and the bits held.
function forbiddenSentence(o) {
  if (o.about === 'Roles' && (o.needed || o.available)) {
    const needs = roleWords(Number(o.needed), 'or');
    const holds = roleWords(Number(o.available), 'and') || 'no role';
    return `You may not do this: it needs the role of ${needs}; you have ${holds}.`;
  }
  const why = plainMessage(o);
  return why ? `You may not do this: ${why}.` : 'You may not do this with your roles.';
}

/** The engine's one-line message without its leading code ("NOT_FOUND: po 4" → "po 4"). */
export function plainMessage(o) {
  const m = String(o?.message ?? '').trim();
  if (!m) return '';
  return m.replace(new RegExp(`^${o.code}:?\\s*`), '');
}

/**
 * One sentence a person understands for an Outcome (or a ScannedBox verdict), with its figures.
 * `context`: { kind: the command or read sent, barcode, names: {product(id), po(id), ...} }.
 */
export function describeOutcome(o, context = {}) {
  if (!o || typeof o !== 'object') return 'The server gave no answer.';
  const names = context.names ?? {};
  const region = o.region ? regionName(o.region) : null;
  const need = num(o.needed);
  const have = num(o.available);
  const kind = context.kind ?? '';
  switch (o.code) {
    case 'OK':
      return o.duplicate ? 'Already done: this is the answer it got the first time.' : 'Done.';
    case 'INVALID_ARGUMENT':
      if (kind === 'SetUserRoles' && o.about === 'Roles') return 'Not these roles: a consignee user has the consignee role alone, staff never take it, and a user has at least one role.';
      if (o.about === 'ProductionOrder' && kind === 'VerifyPo') {
        return `Nothing was counted as stamped on ${subjectName(o, names)}: a production order with no stamped unit is cancelled, not completed (its stamps come back).`;
      }
      if (o.about === 'Invoice' && kind === 'CreateCreditNote') return 'Nothing is left to credit on this invoice: its credit notes already take back all of it.';
      if (o.about === 'Invoice' && kind === 'AddInvoiceFee') return 'A credit note takes no fees of its own.';
      if (o.about === 'Quantity' && kind === 'ReceiveBox') {
        return `The box's units must be from 1 to ${have}, and its damaged units at most its units: ${need} is not allowed.`;
      }
      if (o.about === 'Quantity' && kind === 'CreateCreditNote') {
        return `Line ${o.subject_id + 1}: ${need} units is more than the ${have} not yet credited.`;
      }
      if (o.about === 'Quantity') {
        return `The quantity of line ${o.subject_id + 1} must be from 1 to ${have}; ${need} is not allowed.`;
      }
      if (o.about === 'Product') {
        return `${capital(subjectName(o, names))} is not a product of this consignee.`;
      }
      if (o.about === 'Line') {
        if (context.lineCount === 0) return 'A production order needs at least one line.';
        return `Line ${o.subject_id + 1} is not valid: its product must belong to the order’s consignee.`;
      }
      if (o.about === 'Day') return 'Choose a weekday for this.';
      // engine/constants.hpp password_size_min / _max.
      if (o.about === 'Password') return 'A password has from 10 to 256 characters.';
      return `That ${SUBJECT_WORDS[o.about] ?? 'value'} is not valid${plainMessage(o) ? ` (${plainMessage(o)})` : ''}.`;
    case 'LIMIT_EXCEEDED':
      if (o.available) return `Too many ${SUBJECT_WORDS[o.about] ?? 'items'}s: ${need} given, the limit is ${have}.`;
      return `The limit on ${SUBJECT_WORDS[o.about] ?? 'this'} is reached.`;
    case 'UNKNOWN_USER':
      return 'That user does not exist.';
    case 'FORBIDDEN':
      if (kind === 'SetUserRoles' && o.about === 'Roles' && !o.needed) return 'The last administrator keeps the admin role: give it to another user first.';
      return forbiddenSentence(o);
    case 'SAME_USER':
      if (kind === 'ReviewStampOrder') return 'You submitted this stamp order; another administrator must review it.';
      // context.confirmedOnly: the person did not start the run but confirmed one of its boxes.
      if (context.confirmedOnly) return 'You confirmed boxes in this run; a second person must verify it.';
      return 'You started this run; a second person must verify it.';
    case 'NOT_FOUND':
      if (o.about === 'Box' && !o.subject_id) {
        return context.barcode ? `No box has the barcode “${context.barcode}”.` : 'No box has that barcode.';
      }
      return `${capital(subjectName(o, names))} was not found, or is not yours to see.`;
    case 'ALREADY_EXISTS':
      if (o.about === 'ProductionOrder') return `That PO number is already used by ${nameOf(names, 'po', o.subject_id)}.`;
      if (o.about === 'Shipment') return `That shipment key is already used by ${nameOf(names, 'shipment', o.subject_id)}.`;
      if (o.about === 'Box') return 'A box with that barcode was already received.';
      return `That ${SUBJECT_WORDS[o.about] ?? 'object'} already exists.`;
    case 'DUPLICATE_LINE':
      return `Line ${o.subject_id + 1} repeats a product and region of an earlier line: put them on one line.`;
    case 'WRONG_STATE': {
      const st = stateWords(o.about, o.state);
      const what = capital(subjectName(o, names));
      return st ? `${what} is ${lowerStatus(st)}: this cannot be done now.`
        : `${what} is not in a state that allows this.`;
    }
    case 'AVAILABILITY_EXCEEDED':
      return `Not enough of ${subjectName(o, names)} on this shipment: ${need} wanted, ${have} available.`;
    case 'INSUFFICIENT_STAMPS':
      if (o.about === 'Line') {
        return `Not enough ${region} stamps: line ${o.subject_id + 1} needs ${need} more, ${have} ${isAre(o.available)} available.`;
      }
      return `Not enough ${region} stamps: this box needs ${need}, ${have} ${isAre(o.available)} available.`;
    case 'STAMP_SHORTAGE_WARNING':
      return `Not enough ${region} stamps for this run: it needs ${need}, ${have} ${isAre(o.available)} available after other runs’ reservations.`;
    case 'OVER_AUTHORISED':
      return `Line ${o.subject_id + 1}${region ? ` (${region})` : ''}: ${need} counted but only ${have} authorised. A supervisor must amend the line first.`;
    case 'BELOW_MINIMUM':
      return `At least ${have} bundles per order: ${need} is too few.`;
    case 'BOX_NOT_IN_PO':
      return 'This box is not in this production order’s queue.';
    case 'ALREADY_CONFIRMED': {
      const st = stateWords('Box', o.state);
      return `This box was already ${st ?? 'done'}.`;
    }
    case 'CAPACITY_EXCEEDED':
      if (o.about === 'Segments') {
        return `Auto-split from ${date(o.subject_id)} cannot place all ${need} units: only ${have} fit in the days that follow.`;
      }
      return `${date(o.subject_id)} is full: this needs ${need} units, ${have} ${isAre(o.available)} left of the day’s capacity.`;
    case 'DAY_CLOSED':
      if (o.available > 0) return `${date(o.subject_id)} is past: choose ${date(o.available)} or a later weekday.`;
      return `${date(o.subject_id)} is a weekend day: the line is closed.`;
    case 'SPLIT_PARENT':
      return `${capital(subjectName(o, names))} was split into segments: work on its segments instead.`;
    case 'SESSION_EVICTED':
      return 'The server dropped this session’s record of earlier requests; check the result before trying again.';
    case 'REQUEST_TOO_OLD':
      return 'This request is too old to be answered again: reload the page and check before trying again.';
    case 'REQUEST_REUSED':
      return 'This request id was already used for a different change; nothing was applied. Reload the page and try again.';
    case 'STORAGE_UNAVAILABLE':
      return 'The server could not save this; nothing was recorded. Try again in a moment.';
    case 'UNAUTHENTICATED':
      return 'You are not logged in, or your session has expired.';
    case 'SHUTTING_DOWN':
      return 'The server is stopping; nothing more is accepted. Try again in a moment.';
    default: {
      const why = plainMessage(o);
      return why ? `Refused: ${why}.` : 'Refused.';
    }
  }
}

function isAre(n) {
  return Math.abs(Number(n)) === 1 ? 'is' : 'are';
}

function capital(text) {
  const s = String(text);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lowerStatus(text) {
  // "Pending verification" reads as "pending verification" inside a sentence.
  return String(text).charAt(0).toLowerCase() + String(text).slice(1);
}

// ---------------------------------------------------------------- events in words

function linesWords(lines, names) {
  return listWords((lines ?? []).map((l) =>
    `${num(l.quantity ?? l.units)} × ${nameOf(names, 'product', l.product)} with ${regionName(l.region)} stamps`));
}

function movementWords(m) {
  const q = Number(m.quantity);
  const sign = q > 0 ? '+' : '−';
  return `${sign}${num(Math.abs(q))} ${regionName(m.region)} stamps (${LEDGER_KIND_NAMES[m.kind] ?? m.kind}), balance after ${num(m.balance_after)}`;
}

/** One sentence for an event of a dry run or a live push (engine/codec/events.fbs). */
export function describeEvent(e, names = {}) {
  const po = (id) => nameOf(names, 'po', id);
  switch (e.type) {
    case 'PoCreated':
      return `Creates ${e.number || 'a production order'} for ${nameOf(names, 'consignee', e.consignee)} from ${nameOf(names, 'shipment', e.shipment)}: ${linesWords(e.lines, names)}${e.urgent ? '; urgent' : ''}${e.notes ? `; notes “${e.notes}”` : ''}.`;
    case 'PoScheduled':
      if (toDay(e.on) === null) return `Takes ${po(e.po)} off the calendar.`;
      return `Schedules ${po(e.po)} on ${date(e.on)} (day capacity ${num(e.capacity)} units)${e.overridden ? ', past the day’s capacity (recorded)' : ''}${e.urgent_first ? ', first in the day’s run order' : ''}.`;
    case 'PoSplit':
      return `Splits ${po(e.parent)} into ${plural((e.segments ?? []).length, 'segment', 'segments')}: ${listWords((e.segments ?? []).map((s) =>
        `${s.number} on ${date(s.on)} (${num((s.lines ?? []).reduce((t, l) => t + Number(l.quantity), 0))} units)`))}.`;
    case 'PoLinesEdited':
      return `Sets the lines of ${po(e.po)} to ${linesWords(e.lines, names)}${e.overridden ? ', past the day’s capacity (recorded)' : ''}.`;
    case 'RunStarted':
      return `Starts the run of ${po(e.po)}${e.shortage_acknowledged ? ', the stamp shortage acknowledged (recorded)' : ''}.`;
    case 'BoxConfirmed': {
      const what = e.outcome === 'Skipped' ? 'Skips' : e.outcome === 'Overridden' ? 'Confirms past a stamp shortage (recorded)' : 'Confirms';
      const moves = (e.movements ?? []).map(movementWords);
      return `${what} ${nameOf(names, 'box', e.box)} of ${po(e.po)}${moves.length ? `: ${listWords(moves)}` : ''}.`;
    }
    case 'RunEnded':
      return e.early ? `Ends the run of ${po(e.po)} early: ${plural(e.boxes_skipped, 'box', 'boxes')} left are skipped.`
        : `Ends the run of ${po(e.po)}: it waits for verification.`;
    case 'LineAmended':
      return `Amends line ${Number(e.line) + 1} of ${po(e.po)} to ${num(e.quantity)} units${e.overridden ? ', past the day’s capacity (recorded)' : ''}.`;
    case 'PoVerified': {
      const moves = (e.movements ?? []).map(movementWords);
      return `Verifies ${po(e.po)} with counts ${listWords((e.verified ?? []).map((v, i) => `line ${i + 1}: ${num(v)}`))}${moves.length ? `; ${listWords(moves)}` : '; no stamps move'}${e.shortage_overridden ? '; past a stamp shortage (recorded)' : ''}.`;
    }
    case 'PoCancelled': {
      const moves = (e.movements ?? []).map(movementWords);
      return `Cancels ${po(e.po)} (it was ${lowerStatus(poStatusName(e.from))})${e.reason ? `, reason “${e.reason}”` : ''}; its units go back to availability${moves.length ? `; ${listWords(moves)}` : ''}.`;
    }
    case 'ParentClosed':
      return `${capital(po(e.parent))} is now ${lowerStatus(poStatusName(e.status))}: all its segments are.`;
    case 'OutboundCreated':
      return `Creates outbound record ${e.id} for ${po(e.po)}: ${linesWords(e.lines, names) || 'no units'}.`;
    case 'InvoiceDrafted':
      return `Drafts an invoice for ${po(e.po)}: duty ${money(e.totals?.duty)}, tax ${money(e.totals?.tax)}, total ${money(e.totals?.total)}.`;
    case 'ShipmentCreated':
      return `Creates shipment ${e.key} for ${nameOf(names, 'consignee', e.consignee)}.`;
    case 'ReceivingStarted':
      return `Starts receiving ${nameOf(names, 'shipment', e.shipment)}.`;
    case 'BoxReceived':
      return `Receives box ${e.barcode}: ${num(e.units)} × ${nameOf(names, 'product', e.product)}${e.damaged ? `, ${num(e.damaged)} damaged` : ''}.`;
    case 'ShipmentInventoried':
      return `Marks ${nameOf(names, 'shipment', e.shipment)} inventoried.`;
    case 'RequestApproved':
      return `Approves customer request ${e.request}: ${po(e.po)} is created.`;
    case 'RequestRejected':
      return `Rejects customer request ${e.request}${e.reason ? `: “${e.reason}”` : ''}.`;
    case 'ConsigneeEdited':
      return `Sets the details of ${nameOf(names, 'consignee', e.consignee)}: “${e.name}”, ${e.primary_province}${e.tax_registration ? `, registration ${e.tax_registration}` : ''}.`;
    case 'UserPasswordSet':
      return `Sets the password of ${nameOf(names, 'user', e.user)}.`;
    case 'UserRolesSet':
      return `Gives ${nameOf(names, 'user', e.user)} the roles of ${roleWords(e.roles) || 'nobody'} from now on.`;
    case 'RequestSubmitted':
      return `Customer request ${e.id} for ${date(e.on)}: ${linesWords(e.lines, names)}.`;
    case 'StampsReceived':
      return `Receives ${plural(e.actual_bundles, 'bundle', 'bundles')} of stamp order ${e.order}${e.movement ? `: ${movementWords(e.movement)}` : ''}.`;
    default: {
      const fields = Object.entries(e).filter(([k, v]) => k !== 'type' && (typeof v !== 'object' || v === null))
        .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`);
      return `${splitCamel(e.type ?? 'Event')}${fields.length ? `: ${fields.join(', ')}` : ''}.`;
    }
  }
}

/**
 * Every event of a dry run's effects in words. A PO the effects create (PoCreated, PoSplit's
 * segments) is named by its number in the events after it, since no read knows it yet.
 */
export function describeEffects(effects, names = {}) {
  const numbers = new Map();
  for (const e of effects ?? []) {
    if (e.type === 'PoCreated' && e.number) numbers.set(Number(e.id), e.number);
    if (e.type === 'PoSplit') (e.segments ?? []).forEach((s) => numbers.set(Number(s.id), s.number));
  }
  const known = { ...names, po: (id) => numbers.get(Number(id)) ?? (typeof names.po === 'function' ? names.po(id) : null) };
  return (effects ?? []).map((e) => describeEvent(e, known));
}
