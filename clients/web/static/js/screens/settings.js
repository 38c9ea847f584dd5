// Settings (admin; SPEC §2): duty rate and deposit rate and bundle size per region, tax rates per
// province by component, capacity per weekday, the warehouse's time zone, and fee presets — as
// GetSettings and ListReference FeePresets give them. Each section says what a change applies to:
// what happens after it; nothing already computed changes (an invoice keeps the rates it was
// drafted with, a stamp order its deposit, a planned day its capacity). Each save is one command;
// the section reads the settings again after it.
'use strict';

import { command, read } from '../api.js';
import { may } from '../access.js';
import { fixedText, money, num, parseFixed, REGIONS, regionName } from '../format.js';
import * as ref from '../ref.js';
import { actionButton, errorBox, field, fill, h, heading, loading, notice, refusal, select, table } from '../ui.js';

// engine/codec/events.fbs enums Province, TaxKind, Weekday, in their order.
export const PROVINCES = ['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT'];
const TAX_KINDS = ['GST', 'HST', 'QST', 'PST'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

// What a change of each setting applies to (SPEC §2: what happens after it; nothing is recomputed).
export const APPLIES = {
  duty: 'Applies to production orders completed from now on: their invoices are drafted at the new rate. Invoices already drafted keep the rate stored on their lines.',
  deposit: 'Applies to stamp orders submitted from now on. Orders already submitted keep the deposit worked out when they were.',
  bundle: 'Applies to stamp orders submitted from now on. Orders already submitted keep their stamps per bundle.',
  tax: 'Applies to invoices drafted from now on (a credit note takes its invoice’s). Invoices already drafted keep the rates stored on them.',
  capacity: 'Applies to scheduling from now on. Days already planned keep their orders and the capacity they were planned with; nothing is moved.',
  zone: 'Applies from now on: “today”, production dates and the days of reports are reckoned in the new zone. Times already recorded are UTC and do not change.',
  presets: 'A new preset can be attached to draft invoices from now on. Fees already on an invoice keep their amount.',
};

const parseCents = (text) => parseFixed(text, 2);
const centsText = (cents) => fixedText(cents, 2);
const parseRate = (text) => parseFixed(text, 3, 3);
const rateText = (rate) => fixedText(rate, 3, true);

export function mount(root, ctx) {
  ctx.setTitle('Settings');
  const body = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-settings' }, heading('Settings'),
    h('p', { class: 'muted' }, 'A change applies to what happens after it; nothing already computed is recomputed. Each section says what it applies to.'),
    body));
  if (!may('SetDutyRate')) {
    fill(body, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Only an administrator changes the settings.'));
    return;
  }
  const draw = async () => {
    let s;
    try {
      s = await read('GetSettings', {}, 'SettingsView');
      await ref.ready(['FeePresets'], { fresh: true });
    } catch (err) {
      if (ctx.alive()) fill(body, errorBox(err));
      return;
    }
    if (!ctx.alive()) return;
    fill(body, regionsSection(s, draw), taxSection(s, draw), capacitySection(s, draw), zoneSection(s, draw), presetsSection(draw));
  };
  draw();
}

/** A section: its title, what a change applies to, its content, and where a refusal is said. */
function section(test, title, applies, ...content) {
  const result = h('div', { 'aria-live': 'polite', 'data-test': `${test}-result` });
  const el = h('section', { class: 'panel', 'data-test': test }, h('h2', {}, title),
    h('p', { class: 'applies', 'data-test': `${test}-applies` }, applies), content, result);
  return { el, result };
}

/**
 * Sends the commands one after the other; the first refusal is said in `result` and stops the
 * rest. On success: the notice (with what the change applies to) and the settings read again.
 */
async function save(result, commands, done, applies, redraw) {
  fill(result);
  for (const [kind, body] of commands) {
    try {
      const outcome = await command(kind, body);
      if (outcome.code !== 'OK') {
        fill(result, refusal(outcome, { kind, names: ref.names() }));
        return;
      }
    } catch (err) {
      fill(result, errorBox(err));
      return;
    }
  }
  notice(`${done} ${applies}`);
  await redraw();
}

function bad(result, text) {
  fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, text));
}

function regionsSection(s, redraw) {
  const of = (list, r) => (list ?? []).find((f) => f.region === r)?.stamps ?? 0;
  const sec = section('settings-regions', 'Per region: duty, deposit, bundle size',
    [h('span', { class: 'block' }, h('strong', {}, 'Duty: '), APPLIES.duty),
      h('span', { class: 'block' }, h('strong', {}, 'Deposit and bundle size: '), APPLIES.deposit)]);
  const rows = REGIONS.map((r) => {
    const duty = h('input', { type: 'text', inputmode: 'decimal', size: 8, value: centsText(of(s.duty_cents_per_increment, r)), 'data-test': 'settings-duty' });
    const deposit = h('input', { type: 'text', inputmode: 'decimal', size: 8, value: centsText(of(s.deposit_cents_per_stamp, r)), 'data-test': 'settings-deposit' });
    const bundle = h('input', { type: 'number', min: '1', step: '1', value: String(of(s.stamps_per_bundle, r)), 'data-test': 'settings-bundle' });
    const apply = actionButton('Save', { class: 'primary', 'data-test': 'settings-region-save' }, async () => {
      const d = parseCents(duty.value);
      const p = parseCents(deposit.value);
      const b = Number(bundle.value);
      if (d === null || p === null) return bad(sec.result, `${regionName(r)}: rates are dollars and cents, e.g. 0.12.`);
      if (!Number.isInteger(b) || b < 1) return bad(sec.result, `${regionName(r)}: a bundle holds a whole number of stamps, at least 1.`);
      const cmds = [];
      if (d !== of(s.duty_cents_per_increment, r)) cmds.push(['SetDutyRate', { region: r, cents_per_increment: d }]);
      if (p !== of(s.deposit_cents_per_stamp, r)) cmds.push(['SetDepositRate', { region: r, cents_per_stamp: p }]);
      if (b !== of(s.stamps_per_bundle, r)) cmds.push(['SetBundleSize', { region: r, stamps_per_bundle: b }]);
      if (!cmds.length) return bad(sec.result, `${regionName(r)}: nothing changed.`);
      const words = cmds.map(([k]) => (k === 'SetDutyRate' ? `duty ${money(d)} an increment`
        : k === 'SetDepositRate' ? `deposit ${money(p)} a stamp` : `${num(b)} stamps a bundle`));
      const applies = cmds.some(([k]) => k === 'SetDutyRate') ? APPLIES.duty : APPLIES.deposit;
      return save(sec.result, cmds, `${regionName(r)}: ${words.join(', ')}.`, applies, redraw);
    });
    return h('tr', { 'data-test': 'settings-region', 'data-region': r }, h('td', {}, regionName(r)),
      h('td', {}, '$ ', duty), h('td', {}, '$ ', deposit), h('td', {}, bundle), h('td', {}, apply));
  });
  sec.el.insertBefore(table(['Region', 'Duty per 2 mL increment', 'Deposit per stamp', 'Stamps per bundle', ''], rows), sec.result);
  return sec.el;
}

function taxSection(s, redraw) {
  const sec = section('settings-tax', 'Tax rates by province', APPLIES.tax);
  const rows = PROVINCES.map((p, i) => {
    const rates = s.tax_rates?.[i] ?? {};
    const inputs = TAX_KINDS.map((k) => h('input', { type: 'text', inputmode: 'decimal', size: 6, value: rateText(rates[k.toLowerCase()] ?? 0),
      'data-test': 'settings-tax-rate', 'data-kind': k, 'aria-label': `${p} ${k} %` }));
    const apply = actionButton('Save', { class: 'primary', 'data-test': 'settings-tax-save' }, async () => {
      const cmds = [];
      for (const [j, k] of TAX_KINDS.entries()) {
        const rate = parseRate(inputs[j].value);
        if (rate === null || rate > 100000) return bad(sec.result, `${p} ${k}: a rate is a percentage from 0 to 100, to a thousandth (9.975).`);
        if (rate !== (rates[k.toLowerCase()] ?? 0)) cmds.push(['SetTaxRate', { province: p, kind: k, rate }]);
      }
      if (!cmds.length) return bad(sec.result, `${p}: nothing changed.`);
      return save(sec.result, cmds, `${p}: ${cmds.map(([, b]) => `${b.kind} ${rateText(b.rate)} %`).join(', ')}.`, APPLIES.tax, redraw);
    });
    return h('tr', { 'data-test': 'settings-tax-row', 'data-province': p }, h('td', {}, p),
      inputs.map((e) => h('td', {}, e, ' %')), h('td', {}, apply));
  });
  sec.el.insertBefore(table(['Province', ...TAX_KINDS, ''], rows, { class: 'grid compact' }), sec.result);
  return sec.el;
}

function capacitySection(s, redraw) {
  const sec = section('settings-capacity', 'Capacity per weekday', `${APPLIES.capacity} Weekends are closed.`);
  const rows = WEEKDAYS.map((w, i) => {
    const units = h('input', { type: 'number', min: '0', step: '1', value: String(s.capacity_units?.[i] ?? 0), 'data-test': 'settings-capacity-units' });
    const apply = actionButton('Save', { class: 'primary', 'data-test': 'settings-capacity-save' }, async () => {
      const n = Number(units.value);
      if (units.value === '' || !Number.isInteger(n) || n < 0) return bad(sec.result, `${w}: units are a whole number.`);
      return save(sec.result, [['SetCapacity', { on: w, units: n }]], `${w}: ${num(n)} units a day.`, APPLIES.capacity, redraw);
    });
    return h('tr', { 'data-test': 'settings-capacity', 'data-day': w }, h('td', {}, w), h('td', {}, units, ' units'), h('td', {}, apply));
  });
  sec.el.insertBefore(table(['Weekday', 'Units stamped a day', ''], rows, { class: 'grid compact' }), sec.result);
  return sec.el;
}

function zoneSection(s, redraw) {
  const sec = section('settings-zone', 'Time zone', APPLIES.zone);
  const name = h('input', { type: 'text', size: 28, value: s.time_zone ?? '', list: 'settings-zones', 'data-test': 'settings-zone-name' });
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone').filter((z) => z.startsWith('America/') || z === 'UTC') : [];
  const apply = actionButton('Save', { class: 'primary', 'data-test': 'settings-zone-save' }, async () => {
    const z = name.value.trim();
    if (!z) return bad(sec.result, 'Name the zone as the tz database does, e.g. America/Toronto.');
    return save(sec.result, [['SetTimeZone', { name: z }]], `The warehouse’s time zone is ${z}.`, APPLIES.zone, redraw);
  });
  const offset = Number(s.utc_offset_minutes ?? 0);
  sec.el.insertBefore(h('div', {},
    h('p', { 'data-test': 'settings-zone-now' }, `Now: ${s.time_zone} (UTC${offset < 0 ? '−' : '+'}${String(Math.trunc(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}${s.north_american_dst ? ', with North American daylight time' : ''}).`),
    h('datalist', { id: 'settings-zones' }, zones.map((z) => h('option', { value: z }))),
    h('div', { class: 'row bottom' }, field('Zone (tz database name)', name), apply)), sec.result);
  return sec.el;
}

function presetsSection(redraw) {
  const sec = section('settings-presets', 'Fee presets', APPLIES.presets);
  const presets = ref.rows('FeePresets');
  const list = presets.length === 0 ? h('p', { class: 'muted', 'data-test': 'settings-presets-empty' }, 'No fee presets yet.')
    : table(['Key', 'Name', 'Kind', { label: 'Amount', class: 'num' }], presets.map((p) => h('tr', { 'data-test': 'settings-preset', 'data-id': p.id, 'data-key': p.key },
      h('td', {}, p.key), h('td', {}, p.name), h('td', {}, p.kind === 'PerUnit' ? 'Per unit invoiced' : 'Flat, once an invoice'),
      h('td', { class: 'num' }, money(p.amount_cents)))));
  const key = h('input', { type: 'text', maxLength: 32, size: 12, 'data-test': 'settings-preset-key' });
  const name = h('input', { type: 'text', maxLength: 128, size: 24, 'data-test': 'settings-preset-name' });
  const kind = select({ 'data-test': 'settings-preset-kind' }, [{ value: 'Flat', label: 'Flat, once an invoice' }, { value: 'PerUnit', label: 'Per unit invoiced' }], 'Flat');
  const amount = h('input', { type: 'text', inputmode: 'decimal', size: 8, 'data-test': 'settings-preset-amount' });
  const create = actionButton('Create preset', { class: 'primary', 'data-test': 'settings-preset-create' }, async () => {
    const cents = parseCents(amount.value);
    if (!key.value.trim()) return bad(sec.result, 'A preset needs a key (its short code).');
    if (cents === null || cents <= 0) return bad(sec.result, 'The amount is dollars and cents, more than zero.');
    return save(sec.result, [['CreateFeePreset', { key: key.value.trim(), name: name.value.trim(), kind: kind.value, amount_cents: cents }]],
      `Fee preset ${key.value.trim()} created: ${money(cents)}${kind.value === 'PerUnit' ? ' a unit' : ' flat'}.`, APPLIES.presets, redraw);
  });
  sec.el.insertBefore(h('div', {}, list, h('h3', {}, 'New preset'),
    h('div', { class: 'row bottom' }, field('Key', key), field('Name on invoices', name), field('Kind', kind), field('Amount ($)', amount), create)), sec.result);
  return sec.el;
}
