// Invoices (SPEC §9, seed 003): the list by status and consignee (ListInvoices), and one invoice
// (#/invoices/3, GetInvoice): its lines, fees, tax by component and totals, as stampd computed and
// stored them. A draft takes fees from the presets (each shown first as a dry run: the totals it
// would bring are the engine's, not the page's), notes and a due date; every change is re-read.
// Then one way: Issue → Mark paid → Archive. A credit note is drafted against an issued invoice,
// per line within what is not yet credited. A consignee user sees its own issued invoices only
// (stampd answers NOT_FOUND for a draft or another consignee's), read-only.
'use strict';

import { command, read, readAll, reportFile, reportsAvailable, saveFile } from '../api.js';
import { isConsignee, may } from '../access.js';
import { date, dayToIso, fixedText, isoToDay, money, num, regionName, toDay } from '../format.js';
import * as ref from '../ref.js';
import { actionButton, confirmDialog, dialog, errorBox, field, fill, h, heading, keepFilters, loading, notice, refusal, select, table } from '../ui.js';

// engine/codec/events.fbs enum InvoiceStatus, in its order (the wire's status filter is its index).
export const INVOICE_STATUSES = ['Draft', 'Issued', 'Paid', 'Archived'];
const NEXT = { Draft: 'Issued', Issued: 'Paid', Paid: 'Archived' };
const ADVANCE_WORDS = {
  Issued: { label: 'Issue', test: 'invoice-issue', done: 'Invoice issued: it is locked now, and its consignee sees it.',
    text: 'An issued invoice is locked: its fees, notes and due date no longer change, and its consignee sees it in the portal. A correction is then a credit note.' },
  Paid: { label: 'Mark paid', test: 'invoice-mark-paid', done: 'Invoice marked paid.',
    text: 'The consignee has paid this invoice in full. This cannot be undone.' },
  Archived: { label: 'Archive', test: 'invoice-archive', done: 'Invoice archived.',
    text: 'Archive this paid invoice: it stays readable, and nothing moves it on. This cannot be undone.' },
};
const NOTES_MAX = 1024; // engine/constants.hpp notes_size_max
const NO_DUE = -2147483648; // EditInvoice.due's "none"
// engine/codec/events.fbs struct TaxComponents; rates in thousandths of a percent.
const TAX_COMPONENTS = ['gst', 'hst', 'qst', 'pst'];

export function mount(root, ctx) {
  const [, second] = ctx.parts;
  if (second) return mountInvoice(root, ctx, Number(second));
  return mountList(root, ctx);
}

// The route: a consignee user's portal has its own (my-invoices), staff the office's.
function base() {
  return isConsignee() ? 'my-invoices' : 'invoices';
}

export function invoiceStatusName(status) {
  return typeof status === 'number' ? INVOICE_STATUSES[status] ?? String(status) : String(status ?? '—');
}

function statusBadge(inv, extra = []) {
  return h('span', { class: ['status', `inv-${inv.status}`, ...extra], 'data-test': 'invoice-status', 'data-status': inv.status },
    invoiceStatusName(inv.status));
}

/** 13000 (thousandths of a percent) → "13 %"; 9975 → "9.975 %". */
export function ratePercent(rate) {
  return `${fixedText(rate, 3, true)} %`;
}

function kindWords(inv) {
  return inv.credit_of ? 'Credit note' : 'Invoice';
}

// ---------------------------------------------------------------- the list

function mountList(root, ctx) {
  ctx.setTitle(isConsignee() ? 'My invoices' : 'Invoices');
  const q = ctx.query;
  const status = select({ 'data-test': 'invoices-filter-status' },
    [{ value: '-1', label: 'Any status' }, ...INVOICE_STATUSES.map((s, i) => ({ value: String(i), label: s }))
      .filter((o) => !isConsignee() || o.value !== '0')],
    q.get('status') ?? '-1');
  const consignee = select({ 'data-test': 'invoices-filter-consignee' }, [{ value: '0', label: 'Every consignee' }], '0');
  const list = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-invoices' },
    heading(isConsignee() ? 'My invoices' : 'Invoices'),
    isConsignee() ? h('p', { class: 'muted' }, 'Your invoices once issued, and their credit notes.') : null,
    h('form', { class: 'filters', onsubmit: (ev) => ev.preventDefault() },
      field('Status', status), isConsignee() ? null : field('Consignee', consignee)),
    list));

  const load = async () => {
    fill(list, loading());
    try {
      await ref.ready(['Consignees']);
      if (!ctx.alive()) return;
      if (consignee.options.length === 1) {
        for (const c of ref.rows('Consignees')) consignee.append(h('option', { value: String(c.id) }, c.name || c.key));
        consignee.value = q.get('consignee') ?? '0';
      }
      const invoices = await readAll('ListInvoices', { status: Number(status.value), consignee: Number(consignee.value) }, 'InvoiceList', 'invoices');
      if (!ctx.alive()) return;
      const numbers = new Map(invoices.map((i) => [i.id, i.number]));
      invoices.sort((a, b) => b.id - a.id);
      fill(list, invoices.length === 0
        ? h('p', { class: 'muted', 'data-test': 'invoices-empty' }, 'No invoice matches these filters.')
        : table(['Number', 'Kind', 'Consignee', 'Status', 'Due', { label: 'Subtotal', class: 'num' }, { label: 'Tax', class: 'num' },
          { label: 'Total', class: 'num' }],
        invoices.map((inv) => h('tr', { 'data-test': 'invoice-row', 'data-id': inv.id, 'data-status': inv.status, class: 'clickable',
          onclick: (ev) => { if (!(ev.target instanceof HTMLAnchorElement)) ctx.navigate(`#/${base()}/${inv.id}`); } },
        h('td', {}, h('a', { href: `#/${base()}/${inv.id}`, class: 'po-number' }, inv.number)),
        h('td', {}, inv.credit_of ? `Credit note of ${numbers.get(inv.credit_of) ?? `invoice ${inv.credit_of}`}` : 'Invoice'),
        h('td', {}, ref.consigneeName(inv.consignee) ?? `consignee ${inv.consignee}`),
        h('td', {}, statusBadge(inv)),
        h('td', {}, toDay(inv.due) === null ? '—' : date(inv.due)),
        h('td', { class: 'num' }, money(inv.totals?.subtotal)),
        h('td', { class: 'num' }, money(inv.totals?.tax)),
        h('td', { class: 'num', 'data-test': 'invoice-row-total' }, money(inv.totals?.total)))),
        { 'data-test': 'invoices-table' }));
    } catch (err) {
      fill(list, errorBox(err));
    }
  };
  const changed = () => {
    keepFilters(base(), [['status', status.value, '-1'], ['consignee', consignee.value, '0']]);
    load();
  };
  status.addEventListener('change', changed);
  consignee.addEventListener('change', changed);
  ctx.onLive(() => load());
  load();
}

// ---------------------------------------------------------------- one invoice

/** The figures box: duty, fees, subtotal, each tax component charged (named, with its rate), total. */
function totalsBox(totals, taxes, rates, test = 'invoice-totals') {
  const rows = [['Duty', totals?.duty, 'duty'], ['Fees', totals?.fees, 'fees'], ['Subtotal', totals?.subtotal, 'subtotal']];
  for (const k of TAX_COMPONENTS) {
    if (!rates?.[k] && !taxes?.[k]) continue;
    rows.push([`${k.toUpperCase()} ${ratePercent(rates?.[k] ?? 0)}`, taxes?.[k], k]);
  }
  if (!TAX_COMPONENTS.some((k) => rates?.[k] || taxes?.[k])) rows.push(['Tax', totals?.tax, 'tax']);
  rows.push(['Total', totals?.total, 'total']);
  return h('table', { class: 'grid compact totals', 'data-test': test }, h('tbody', {}, rows.map(([label, cents, key]) =>
    h('tr', { class: key === 'total' ? 'strong' : '' }, h('th', {}, label),
      h('td', { class: 'num', 'data-test': `${test}-${key}` }, money(cents))))));
}

function linesTable(inv) {
  return table(['Product', 'Region', { label: 'Units', class: 'num' }, { label: 'Volume', class: 'num' },
    { label: '2 mL increments', class: 'num' }, { label: 'Duty per increment', class: 'num' },
    { label: 'Duty per unit', class: 'num' }, { label: 'Line duty', class: 'num' }],
  (inv.lines ?? []).map((l, i) => h('tr', { 'data-test': 'invoice-line', 'data-line': i },
    h('td', {}, ref.productName(l.product) ?? `product ${l.product}`),
    h('td', {}, regionName(l.region)),
    h('td', { class: 'num' }, num(l.units)),
    h('td', { class: 'num' }, `${(Number(l.volume_ul) / 1000).toLocaleString('en-US')} mL`),
    h('td', { class: 'num' }, num(l.increments)),
    h('td', { class: 'num' }, money(l.duty_cents_per_increment)),
    h('td', { class: 'num' }, money(l.duty_per_unit)),
    h('td', { class: 'num', 'data-test': 'invoice-line-duty' }, money(l.line_duty)))));
}

function feeWords(f) {
  return f.kind === 'PerUnit' ? `${money(f.amount_cents)} a unit` : `${money(f.amount_cents)} flat`;
}

function mountInvoice(root, ctx, id) {
  ctx.setTitle('Invoice');
  const body = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-invoice', 'data-id': id }, body));
  const result = h('div', { 'aria-live': 'polite', 'data-test': 'invoice-result' });
  const say = (outcome, kind) => fill(result, outcome ? refusal(outcome, { kind, names: ref.names() }) : null);

  const run = async (kind, request, done) => {
    const outcome = await command(kind, request);
    if (outcome.code !== 'OK') return outcome;
    if (done) notice(done);
    await draw();
    return outcome;
  };

  const draw = async () => {
    let inv;
    let notes = [];
    let original = null;
    let presets = [];
    try {
      await ref.ready(['Consignees', 'Products', ...(isConsignee() ? [] : ['FeePresets'])]);
      inv = await read('GetInvoice', { invoice: id }, 'InvoiceView');
      if (inv.credit_of) original = await read('GetInvoice', { invoice: inv.credit_of }, 'InvoiceView');
      else notes = (await readAll('ListInvoices', { consignee: inv.consignee }, 'InvoiceList', 'invoices')).filter((n) => n.credit_of === id);
      presets = ref.rows('FeePresets');
      if (inv.po) await ref.poNumber(inv.po).catch(() => null);
    } catch (err) {
      if (ctx.alive()) fill(body, errorBox(err, { kind: 'GetInvoice', names: ref.names() }));
      return;
    }
    if (!ctx.alive()) return;
    const draft = inv.status === 'Draft';
    const editable = draft && may('EditInvoice');
    ctx.setTitle(`${kindWords(inv)} ${inv.number}`);
    const facts = [
      ['Consignee', ref.consigneeName(inv.consignee) ?? `consignee ${inv.consignee}`],
      ['Production order', inv.po ? (isConsignee() ? ref.poName(inv.po) ?? `PO ${inv.po}`
        : h('a', { href: `#/orders/${inv.po}`, 'data-test': 'invoice-po' }, ref.poName(inv.po) ?? `PO ${inv.po}`)) : '—'],
      ['Tax province', inv.tax_province],
      ['Due', toDay(inv.due) === null ? '—' : date(inv.due)],
    ];
    if (original) {
      facts.push(['Credits', h('a', { href: `#/${base()}/${original.id}`, 'data-test': 'invoice-credit-of' }, `${original.number} (${invoiceStatusName(original.status)})`)]);
      facts.push(['Reason', inv.reason]);
    }
    fill(body,
      heading(`${kindWords(inv)} ${inv.number}`, statusBadge(inv, ['big-status']), pdfButton(inv, result)),
      h('p', {}, h('a', { href: `#/${base()}` }, isConsignee() ? '← My invoices' : '← All invoices')),
      h('div', { class: 'two-col' },
        h('section', { class: 'panel' }, h('h2', {}, 'Details'),
          h('dl', { class: 'facts', 'data-test': 'invoice-facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
          h('h3', {}, 'Notes'), h('p', { class: 'notes', 'data-test': 'invoice-notes' }, inv.notes || '—')),
        h('section', { class: 'panel' }, h('h2', {}, 'Totals'), totalsBox(inv.totals, inv.taxes, inv.rates),
          h('small', { class: 'muted block' }, `Tax of ${inv.tax_province} at the rates stored when the invoice was drafted; each component rounded once.`))),
      h('section', { class: 'panel' }, h('h2', {}, 'Lines'), linesTable(inv)),
      feesPanel(inv, presets, editable, run, say),
      editable ? editPanel(inv, run, say) : null,
      creditPanel(inv, notes, run, say, ctx),
      advancePanel(inv, run, say),
      result);
  };
  ctx.onLive(() => draw());
  draw();
}

// The invoice's document, made by stamp-report's renderer from the data directory (stamp-web
// checks the engine's rule on it again: a consignee user gets its own issued invoices only).
function pdfButton(inv, result) {
  if (!reportsAvailable()) {
    return h('small', { class: 'muted', 'data-test': 'invoice-pdf-unavailable' }, 'No PDF here: stamp-web runs without --data-dir.');
  }
  return actionButton('Download PDF', { 'data-test': 'invoice-pdf' }, async () => {
    try {
      saveFile(await reportFile({ report: 'invoice', invoice: inv.id, format: 'pdf' }));
      fill(result);
    } catch (err) {
      fill(result, errorBox(err));
    }
  });
}

function feesPanel(inv, presets, editable, run, say) {
  const fees = inv.fees ?? [];
  const rows = fees.map((f, i) => h('tr', { 'data-test': 'invoice-fee', 'data-line': i },
    h('td', {}, f.name), h('td', {}, feeWords(f)), h('td', { class: 'num', 'data-test': 'invoice-fee-charge' }, money(f.charge_cents)),
    editable ? h('td', {}, actionButton('Remove', { class: 'danger', 'data-test': 'invoice-fee-remove' },
      async () => say(await refused(run('RemoveInvoiceFee', { invoice: inv.id, fee: i }, `Fee “${f.name}” removed.`)), 'RemoveInvoiceFee'))) : null));
  const panel = h('section', { class: 'panel', 'data-test': 'invoice-fees' }, h('h2', {}, 'Fees'),
    fees.length === 0 ? h('p', { class: 'muted', 'data-test': 'invoice-fees-empty' }, 'No fees.')
      : table(['Fee', 'Preset', { label: 'Charge', class: 'num' }, ...(editable ? [''] : [])], rows));
  if (!editable || inv.credit_of) return panel;
  if (presets.length === 0) {
    panel.append(h('p', { class: 'muted' }, 'No fee presets yet: an administrator creates them in Settings.'));
    return panel;
  }
  const pick = select({ 'data-test': 'invoice-fee-preset' },
    [{ value: '', label: 'Choose a preset…' }, ...presets.map((p) => ({ value: String(p.id), label: `${p.name || p.key} — ${feeWords({ kind: p.kind, amount_cents: p.amount_cents })}` }))], '');
  const preview = h('div', { class: 'preview', 'data-test': 'invoice-fee-preview', hidden: true });
  const add = actionButton('Add fee', { class: 'primary', 'data-test': 'invoice-fee-add', disabled: true }, async () => {
    say(await refused(run('AddInvoiceFee', { invoice: inv.id, preset: Number(pick.value) }, 'Fee added.')), 'AddInvoiceFee');
  });
  add.disabled = true;
  pick.addEventListener('change', async () => {
    add.disabled = true;
    preview.hidden = true;
    if (!pick.value) return;
    // The dry run: the fee and the totals stampd would record, before anything is.
    const chosen = pick.value;
    const outcome = await command('AddInvoiceFee', { invoice: inv.id, preset: Number(chosen) }, { dryRun: true });
    if (pick.value !== chosen || !preview.isConnected) return;
    if (outcome.code !== 'OK') {
      fill(preview, refusal(outcome, { kind: 'AddInvoiceFee', names: ref.names() }));
      preview.hidden = false;
      return;
    }
    const added = (outcome.effects ?? []).find((e) => e.type === 'InvoiceFeeAdded');
    fill(preview, h('p', {}, `With this fee: ${added?.fee?.name ?? 'the fee'} ${money(added?.fee?.charge_cents)}.`),
      h('p', { 'data-test': 'invoice-fee-preview-total' },
        `Fees ${money(added?.totals?.fees)}, subtotal ${money(added?.totals?.subtotal)}, tax ${money(added?.totals?.tax)}, total ${money(added?.totals?.total)}.`));
    preview.hidden = false;
    add.disabled = false;
  });
  panel.append(h('div', { class: 'row bottom' }, field('Add a fee', pick), add), preview);
  return panel;
}

/** An Outcome when refused, else null (a run's result for say()). */
async function refused(pending) {
  const outcome = await pending;
  return outcome && outcome.code !== 'OK' ? outcome : null;
}

function editPanel(inv, run, say) {
  const notes = h('textarea', { rows: 3, maxLength: NOTES_MAX, 'data-test': 'invoice-edit-notes' }, inv.notes ?? '');
  const due = h('input', { type: 'date', 'data-test': 'invoice-edit-due', value: toDay(inv.due) === null ? '' : dayToIso(toDay(inv.due)) });
  const save = h('button', { type: 'submit', class: 'primary', 'data-test': 'invoice-edit-save' }, 'Save notes and due date');
  const form = h('form', { class: 'panel', 'data-test': 'invoice-edit' }, h('h2', {}, 'Notes and due date'),
    h('div', { class: 'form-grid' }, field('Notes (printed on the invoice)', notes), field('Due date', due, 'Leave empty for none.')),
    h('div', { class: 'row' }, save));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const day = due.value ? isoToDay(due.value) : NO_DUE;
    save.disabled = true;
    try {
      say(await refused(run('EditInvoice', { invoice: inv.id, notes: notes.value, due: day }, 'Invoice saved.')), 'EditInvoice');
    } catch (err) {
      fill(form, errorBox(err));
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

function advancePanel(inv, run, say) {
  const to = NEXT[inv.status];
  if (!to || !may('AdvanceInvoice')) return null;
  const words = ADVANCE_WORDS[to];
  return h('section', { class: 'panel', 'data-test': 'invoice-actions' }, h('h2', {}, 'Next step'),
    h('p', { class: 'muted' }, 'Draft → Issued → Paid → Archived, one way.'),
    actionButton(words.label, { class: 'primary big', 'data-test': words.test }, async () => {
      const ok = await confirmDialog({ title: `${words.label} ${inv.number}?`, text: words.text, confirmLabel: words.label, test: 'dialog-advance' });
      if (!ok) return;
      say(await refused(run('AdvanceInvoice', { invoice: inv.id, to }, words.done)), 'AdvanceInvoice');
    }));
}

function creditPanel(inv, notes, run, say, ctx) {
  if (inv.credit_of) return null;
  const panel = h('section', { class: 'panel', 'data-test': 'invoice-credit-notes' }, h('h2', {}, 'Credit notes'));
  panel.append(notes.length === 0 ? h('p', { class: 'muted', 'data-test': 'invoice-credit-notes-empty' }, 'None.')
    : table(['Credit note', 'Status', 'Reason', { label: 'Total', class: 'num' }], notes.map((n) => h('tr', { 'data-test': 'invoice-credit-note', 'data-id': n.id },
      h('td', {}, h('a', { href: `#/${base()}/${n.id}` }, n.number)), h('td', {}, statusBadge(n)), h('td', {}, n.reason),
      h('td', { class: 'num' }, money(n.totals?.total))))));
  if (inv.status !== 'Draft' && may('CreateCreditNote')) {
    panel.append(h('button', { type: 'button', class: 'big', 'data-test': 'invoice-credit',
      onclick: () => creditDialog(inv, notes, ctx) }, 'Credit note…'));
  } else if (inv.status === 'Draft' && !isConsignee()) {
    panel.append(h('p', { class: 'muted' }, 'A credit note is drafted against an issued invoice.'));
  }
  return panel;
}

// Per line, the units not yet credited: the invoice's units less what its notes took (drafts too).
function unitsLeft(inv, notes) {
  const left = (inv.lines ?? []).map((l) => Number(l.units));
  for (const n of notes) {
    for (const l of n.lines ?? []) {
      const i = (inv.lines ?? []).findIndex((o) => o.product === l.product && o.region === l.region);
      if (i >= 0) left[i] += Number(l.units); // a note's units are negative
    }
  }
  return left;
}

function creditDialog(inv, notes, ctx) {
  const left = unitsLeft(inv, notes);
  const inputs = (inv.lines ?? []).map((l, i) => h('input', { type: 'number', min: '0', max: String(left[i]), step: '1', value: '0',
    inputmode: 'numeric', 'data-test': 'credit-units', 'data-line': i, disabled: left[i] <= 0 }));
  const reason = h('textarea', { rows: 2, maxLength: NOTES_MAX, 'data-test': 'credit-reason' });
  const preview = h('div', { class: 'preview', 'data-test': 'credit-preview' });
  const result = h('div', { 'aria-live': 'polite' });
  const request = () => ({ invoice: inv.id, reason: reason.value.trim(),
    lines: inputs.map((e, i) => ({ line: i, units: Number(e.value) })).filter((l) => l.units > 0) });
  const problem = () => {
    if (!reason.value.trim()) return 'Write the reason: it is printed on the credit note.';
    if (inputs.some((e, i) => !Number.isInteger(Number(e.value)) || Number(e.value) < 0 || Number(e.value) > left[i])) return 'Each line’s units are from 0 to those not yet credited.';
    return null;
  };
  let seq = 0;
  const update = async () => {
    const why = problem();
    if (why) {
      fill(preview, h('p', { class: 'hint-bad' }, why));
      return;
    }
    const mine = ++seq;
    const req = request();
    const outcome = await command('CreateCreditNote', req, { dryRun: true });
    if (mine !== seq) return;
    if (outcome.code !== 'OK') {
      fill(preview, refusal(outcome, { kind: 'CreateCreditNote', names: ref.names() }));
      return;
    }
    const drafted = (outcome.effects ?? []).find((e) => e.type === 'InvoiceDrafted');
    fill(preview, h('p', {}, req.lines.length ? 'This credit note takes back:' : 'No line chosen: the note takes back all that is left, fees included:'),
      totalsBox(drafted?.totals, drafted?.taxes, inv.rates, 'credit-totals'));
  };
  inputs.forEach((e) => e.addEventListener('input', update));
  reason.addEventListener('input', update);
  dialog({
    title: `Credit note against ${inv.number}`, test: 'dialog-credit',
    body: [h('p', {}, 'Units to credit per line (0: none). The note is drafted at the invoice’s stored rates, then issued like an invoice.'),
      table(['Line', { label: 'Invoiced', class: 'num' }, { label: 'Not yet credited', class: 'num' }, 'Credit'],
        (inv.lines ?? []).map((l, i) => h('tr', {}, h('td', {}, `${ref.productName(l.product) ?? `product ${l.product}`} (${l.region})`),
          h('td', { class: 'num' }, num(l.units)), h('td', { class: 'num', 'data-test': 'credit-left', 'data-line': i }, num(left[i])), h('td', {}, inputs[i])))),
      field('Reason', reason), preview, result],
    actions: [
      { label: 'Back', test: 'credit-cancel', onClick: (close) => close() },
      { label: 'Draft the credit note', test: 'credit-submit', kind: 'primary', onClick: async (close) => {
        const why = problem();
        if (why) {
          fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, why));
          return;
        }
        try {
          const outcome = await command('CreateCreditNote', request());
          if (outcome.code !== 'OK') {
            fill(result, refusal(outcome, { kind: 'CreateCreditNote', names: ref.names() }));
            return;
          }
          close();
          notice('Credit note drafted.');
          ctx.navigate(`#/${base()}/${outcome.result}`);
        } catch (err) {
          fill(result, errorBox(err));
        }
      } },
    ],
  });
  update();
}
