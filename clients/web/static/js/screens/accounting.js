// The Stamp Accounting report (SPEC §8, seed 001), finance's and the admin's: a month, a quarter
// or a range of days in the warehouse's zone; per region the opening balance, each movement by
// source (the seed's "Used in production PO-0088: 4,200"), the closing balance, and the figures
// table — the report stamp-web computes from the data directory with stamp-report's own library
// (POST /api/report), with the LSN range and chain hash it was computed from. The PDF and CSV are
// asked for at that same LSN, so they print the very figures on the screen. Without --data-dir
// stamp-web makes no report, and the screen says so. The period lives in the URL
// (#/accounting?quarter=2026Q4, ?month=2026-12, ?from=2026-12-01&to=2026-12-15).
'use strict';

import { report, reportFile, reportsAvailable, saveFile } from '../api.js';
import { num, regionName } from '../format.js';
import { actionButton, errorBox, field, fill, h, heading, loading, select, table } from '../ui.js';

// clients/report/stamp_accounting.cpp describe(ledger_kind): the statement's words.
const SOURCE_WORDS = {
  RECEIPT: 'Received from stamp order',
  USAGE: 'Used in production',
  ADJUST_VERIFY: 'Adjusted at verification of',
  REFUND_VERIFY: 'Refund from verification of',
  REFUND_CANCEL: 'Refund from cancelling',
};

function thisQuarter(now = new Date()) {
  return `${now.getUTCFullYear()}Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

function thisMonth(now = new Date()) {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The statement line of a source, as the PDF prints it (render_accounting.cpp source_label). */
export function sourceLabel(s) {
  let label = `${s.quantity < 0 ? '−' : '+'} ${SOURCE_WORDS[s.kind] ?? s.kind} ${s.source}`;
  if (s.consignee) label += ` (${s.consignee})`;
  if (s.entries > 1) label += `, ${num(s.entries)} entries`;
  return label;
}

export function mount(root, ctx) {
  ctx.setTitle('Stamp Accounting');
  const screen = h('div', { class: 'screen', 'data-test': 'screen-accounting' }, heading('Stamp Accounting'));
  root.append(screen);
  if (!reportsAvailable()) {
    screen.append(h('section', { class: 'panel', 'data-test': 'accounting-unavailable' },
      h('p', {}, 'This stamp-web makes no reports: it was started without --data-dir, stampd’s data directory.'),
      h('p', { class: 'muted' }, 'Start it with --data-dir (ops/run does), or run stamp-report stamp-accounting on the data directory.')));
    return;
  }
  const q = ctx.query;
  const kind = select({ 'data-test': 'accounting-kind' }, [{ value: 'quarter', label: 'A quarter' },
    { value: 'month', label: 'A month' }, { value: 'range', label: 'A range of days' }],
  q.get('month') ? 'month' : q.get('from') ? 'range' : 'quarter');
  const quarter = h('input', { type: 'text', value: q.get('quarter') ?? thisQuarter(), size: 8, pattern: '[0-9]{4}Q[1-4]',
    placeholder: '2026Q4', 'data-test': 'accounting-quarter' });
  const month = h('input', { type: 'month', value: q.get('month') ?? thisMonth(), 'data-test': 'accounting-month' });
  const from = h('input', { type: 'date', value: q.get('from') ?? '', 'data-test': 'accounting-from' });
  const to = h('input', { type: 'date', value: q.get('to') ?? '', 'data-test': 'accounting-to' });
  const fields = {
    quarter: field('Quarter', quarter, 'YYYYQn, e.g. 2026Q4'),
    month: field('Month', month),
    range: h('span', { class: 'row' }, field('From', from), field('To (included)', to)),
  };
  const show = h('button', { type: 'submit', class: 'primary', 'data-test': 'accounting-show' }, 'Show');
  const form = h('form', { class: 'filters', 'data-test': 'accounting-period' }, field('Period', kind),
    fields.quarter, fields.month, fields.range, show);
  const out = h('div', { 'data-test': 'accounting-result' });
  screen.append(h('p', { class: 'muted' }, 'Days are the warehouse’s; the last day is included. The figures are computed from stampd’s data directory, as stamp-report computes them, and the PDF and CSV print the same.'),
    form, out);

  const period = () => {
    if (kind.value === 'month') return { month: month.value };
    if (kind.value === 'range') return { from: from.value, to: to.value };
    return { quarter: quarter.value.trim().toUpperCase() };
  };
  const showFields = () => {
    for (const [name, el] of Object.entries(fields)) el.hidden = name !== kind.value;
  };
  kind.addEventListener('change', showFields);
  showFields();

  let seq = 0;
  const load = async () => {
    const asked = period();
    history.replaceState(null, '', `#/accounting?${new URLSearchParams(asked)}`);
    const mine = ++seq;
    fill(out, loading('Computing the report…'));
    try {
      const r = await report({ report: 'stamp-accounting', ...asked });
      if (mine !== seq || !ctx.alive()) return;
      draw(out, r, asked);
    } catch (err) {
      if (mine === seq && ctx.alive()) fill(out, errorBox(err));
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  load();
}

function draw(out, r, asked) {
  const from = r.computed_from ?? {};
  const files = h('div', { class: 'row', 'data-test': 'accounting-files' });
  const result = h('div', { 'aria-live': 'polite' });
  for (const format of ['pdf', 'csv']) {
    files.append(actionButton(`Download ${format.toUpperCase()}`, { 'data-test': `accounting-${format}` }, async () => {
      fill(result);
      try {
        saveFile(await reportFile({ report: 'stamp-accounting', ...asked, format, at_lsn: from.to_lsn }));
      } catch (err) {
        fill(result, errorBox(err));
      }
    }));
  }
  const zone = r.period?.time_zone ? ` (${r.period.time_zone})` : '';
  fill(out,
    h('section', { class: 'panel' },
      h('h2', { 'data-test': 'accounting-label' }, `Period ${r.period?.label ?? ''}`),
      h('p', {}, r.period?.first ? `${r.period.first} to ${r.period.last}${zone}` : 'All time'),
      h('p', { class: 'muted', 'data-test': 'accounting-provenance', 'data-lsn': from.to_lsn, 'data-chain': from.chain },
        `Computed from LSN 1–${from.to_lsn}, chain hash ${from.chain}`,
        from.snapshot_lsn ? ` (snapshot at LSN ${from.snapshot_lsn} + ${num(from.replayed_records)} records)` : ''),
      h('p', { class: 'muted' }, 'Closing = opening + received − used + refunded. Used counts stamps applied on the line and verification adjustments; refunds come from verifications and cancellations.'),
      files, result),
    (r.regions ?? []).map(regionPanel));
}

function regionPanel(region) {
  const figure = (name, value) => h('td', { class: 'num', 'data-test': `accounting-${name}` }, num(value));
  const statement = [
    h('tr', {}, h('th', {}, 'Opening balance'), h('td', { class: 'num' }, num(region.opening))),
    ...(region.sources ?? []).map((s) => h('tr', { 'data-test': 'accounting-source', 'data-kind': s.kind, 'data-source': s.source },
      h('td', {}, sourceLabel(s)), h('td', { class: 'num', 'data-test': 'accounting-source-quantity' }, num(Math.abs(s.quantity))))),
    h('tr', { class: 'strong' }, h('th', {}, '= Closing balance'), h('td', { class: 'num' }, num(region.closing))),
  ];
  return h('section', { class: 'panel', 'data-test': 'accounting-region', 'data-region': region.region },
    h('h2', {}, `${regionName(region.region)} stamps (${region.region})`),
    h('table', { class: 'grid compact' }, h('tbody', {}, statement)),
    (region.sources ?? []).length === 0 ? h('p', { class: 'muted' }, 'No movements in the period.') : null,
    table([{ label: 'Opening', class: 'num' }, { label: 'Received', class: 'num' }, { label: 'Used', class: 'num' },
      { label: 'Refunded', class: 'num' }, { label: 'Closing', class: 'num' }, { label: 'Entries', class: 'num' }],
    [h('tr', {}, figure('opening', region.opening), figure('received', region.received), figure('used', region.used),
      figure('refunded', region.refunded), figure('closing', region.closing), figure('entries', region.entries))]),
    h('p', { class: 'muted' }, `Stamps available to promise now (balance less open reservations): ${num(region.available_to_promise)}`));
}
