// One production order (#/orders/3): its facts, lines (estimate, stamped, verified), run progress,
// a split parent's segments (or a segment's parent), and what the person's roles may do in its
// state: edit lines, schedule, start or end the run, verify, cancel with a reason (previewed).
'use strict';

import { command, read } from '../api.js';
import { may } from '../access.js';
import { date, num, poStatusName, regionName, toDay } from '../format.js';
import * as ref from '../ref.js';
import { scheduleDialog, unschedule } from '../schedule.js';
import { actionButton, confirmDialog, dialog, effectsList, errorBox, fill, h, heading, loading, notice, pool, refresher, refusal, table } from '../ui.js';
import { runProgress } from './dashboard.js';

export function mount(root, ctx) {
  const id = Number(ctx.parts[1]);
  const body = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-order', 'data-id': id }, body));

  const refresh = refresher(async () => {
    try {
      await ref.ready(['Consignees', 'Products', 'Shipments', 'Users']);
      const po = await read('GetPo', { po: id }, 'PoView');
      ref.rememberPo(po.id, po.number);
      const segments = (await pool((po.segments ?? []).map((s) => () => read('GetPo', { po: s }, 'PoView'))))
        .filter((r) => r.ok).map((r) => r.value);
      segments.forEach((s) => ref.rememberPo(s.id, s.number));
      if (po.parent) await ref.poNumber(po.parent).catch(() => null);
      if (!ctx.alive()) return;
      ctx.setTitle(po.number);
      ctx.watch([po.id, ...(po.segments ?? [])]);
      fill(body, draw(po, segments, ctx, () => refresh()));
    } catch (err) {
      if (ctx.alive()) fill(body, heading(`Production order ${id}`), errorBox(err, { names: ref.names() }));
    }
  }, 500);
  ctx.onLive(() => refresh());
  refresh();
}

function draw(po, segments, ctx, again) {
  const open = po.status === 'Open';
  const isParent = (po.segments ?? []).length > 0;
  const final = po.status === 'Completed' || po.status === 'Cancelled';
  const units = (po.lines ?? []).reduce((t, l) => t + Number(l.quantity), 0);

  const actions = [];
  if (open && !isParent && may('EditPoLines')) {
    actions.push(h('a', { class: 'button', href: `#/orders/${po.id}/edit`, 'data-test': 'order-edit' }, 'Edit lines'));
  }
  if (open && !isParent && may('SchedulePo')) {
    actions.push(actionButton(po.scheduled ? 'Reschedule' : 'Schedule', { 'data-test': 'order-schedule' }, async () => {
      const day = po.scheduled ? null : await ref.today();
      if (await scheduleDialog({ id: po.id, number: po.number, units }, po.scheduled ? toDay(po.scheduled) : day)) again();
    }));
    if (po.scheduled) {
      actions.push(actionButton('Take off the calendar', { 'data-test': 'order-unschedule' }, async () => {
        const outcome = await unschedule(po);
        if (outcome.code === 'OK') {
          notice(`${po.number} taken off the calendar.`);
          again();
        } else showRefusal('Not changed', outcome);
      }));
    }
  }
  if (((open && !isParent) || po.status === 'InProduction') && may('StartRun')) {
    actions.push(h('a', { class: 'button primary', href: `#/workspace/${po.id}`, 'data-test': 'order-workspace' },
      open ? 'Start the run' : 'Open in the workspace'));
  }
  if (po.status === 'InProduction' && may('EndRun')) {
    actions.push(actionButton('End the run early', { 'data-test': 'order-end-run' }, async () => {
      const ok = await confirmDialog({ title: `End the run of ${po.number}?`, test: 'end-run',
        text: `The ${num(po.boxes_left)} boxes left are marked skipped and the PO goes to verification.`,
        confirmLabel: 'End the run', kind: 'danger' });
      if (!ok) return;
      const outcome = await command('EndRun', { po: po.id });
      if (outcome.code === 'OK') {
        notice(`The run of ${po.number} ended.`);
        again();
      } else showRefusal('The run goes on', outcome);
    }));
  }
  if (po.status === 'PendingVerification' && (may('VerifyPo') || may('AmendLine'))) {
    actions.push(h('a', { class: 'button primary', href: `#/verify/${po.id}`, 'data-test': 'order-verify' }, 'Verify'));
  }
  if (!final && may('CancelPo')) {
    actions.push(h('button', { type: 'button', class: 'danger', 'data-test': 'order-cancel',
      onclick: () => cancelDialog(po, isParent, again) }, 'Cancel PO'));
  }

  const facts = h('dl', { class: 'facts' },
    fact('Status', h('span', { class: ['status', po.status], 'data-test': 'order-status' }, poStatusName(po.status))),
    fact('Consignee', ref.consigneeName(po.consignee) ?? `consignee ${po.consignee}`),
    fact('Source shipment', ref.shipmentCode(po.shipment) ?? `shipment ${po.shipment}`),
    fact('Scheduled', isParent ? 'Split into segments (below)' : po.scheduled ? date(po.scheduled) : 'Unscheduled'),
    fact('Units', num(units)),
    fact('Urgent', po.urgent ? h('span', { class: 'badge urgent' }, 'Urgent') : 'No'),
    po.parent ? fact('Segment of', h('a', { href: `#/orders/${po.parent}`, 'data-test': 'order-parent' }, ref.poName(po.parent) ?? `PO ${po.parent}`)) : null,
    po.started_by ? fact('Run started by', ref.userName(po.started_by) ?? `user ${po.started_by}`) : null,
    po.verified_by ? fact('Verified by', ref.userName(po.verified_by) ?? `user ${po.verified_by}`) : null,
    po.invoice ? fact('Invoice', `Invoice ${po.invoice} drafted`) : null,
    po.notes ? fact('Notes', h('span', { class: 'notes' }, po.notes)) : null);

  const lines = table(['Line', 'Product', 'Region', { label: 'Quantity', class: 'num' }, { label: 'Stamped', class: 'num' },
    { label: 'Verified', class: 'num' }],
  (po.lines ?? []).map((l, i) => h('tr', { 'data-test': 'order-line', 'data-line': i },
    h('td', {}, String(i + 1)),
    h('td', {}, ref.productName(l.product) ?? `product ${l.product}`),
    h('td', {}, regionName(l.region)),
    h('td', { class: 'num' }, num(l.quantity)),
    h('td', { class: 'num' }, num(l.deducted)),
    h('td', { class: 'num' }, po.status === 'Completed' ? num(l.verified) : '—'))),
  { 'data-test': 'order-lines' });

  return h('div', {},
    heading(po.number, po.urgent ? h('span', { class: 'badge urgent' }, 'Urgent') : null),
    h('div', { class: 'actions-bar', 'data-test': 'order-actions' }, actions),
    h('div', { class: 'two-col' },
      h('section', { class: 'panel' }, h('h2', {}, 'Details'), facts),
      h('section', { class: 'panel' }, h('h2', {}, 'Run'),
        isParent ? h('p', { class: 'muted' }, 'Each segment runs on its own day (below).') : runProgress(po),
        (po.stamps_deducted ?? []).some((r) => Number(r.stamps)) ? h('p', {}, 'Stamps deducted: ',
          (po.stamps_deducted ?? []).filter((r) => Number(r.stamps)).map((r) => `${regionName(r.region)} ${num(r.stamps)}`).join(', ')) : null)),
    h('section', { class: 'panel' }, h('h2', {}, 'Lines'), lines),
    isParent ? h('section', { class: 'panel', 'data-test': 'order-segments' }, h('h2', {}, 'Segments'),
      table(['Segment', 'Day', { label: 'Units', class: 'num' }, 'Status', 'Progress'], segments.map((s) =>
        h('tr', { 'data-test': 'segment-row', 'data-id': s.id },
          h('td', {}, h('a', { href: `#/orders/${s.id}`, class: 'po-number' }, s.number)),
          h('td', {}, date(s.scheduled)),
          h('td', { class: 'num' }, num((s.lines ?? []).reduce((t, l) => t + Number(l.quantity), 0))),
          h('td', {}, h('span', { class: ['status', s.status] }, poStatusName(s.status))),
          h('td', {}, runProgress(s)))))) : null);
}

function fact(label, value) {
  return [h('dt', {}, label), h('dd', {}, value)];
}

function showRefusal(title, outcome) {
  dialog({ title, test: 'dialog-refusal', body: [refusal(outcome, { names: ref.names() })],
    actions: [{ label: 'Close', test: 'dialog-close', focus: true, onClick: (close) => close() }] });
}

// Cancel with a reason: the effects (units back, stamps refunded) are previewed by a dry run first.
function cancelDialog(po, isParent, again) {
  const names = ref.names();
  const reason = h('textarea', { rows: 3, maxLength: 1024, required: true, 'data-test': 'cancel-reason' });
  const result = h('div', { 'aria-live': 'polite' });
  let previewed = null;
  const d = dialog({
    title: `Cancel ${po.number}`, test: 'dialog-cancel-po',
    body: [
      h('p', {}, isParent ? 'Every segment not yet completed is cancelled too. ' : '',
        'Its units go back to availability and every stamp deducted for it is refunded to the ledger.'),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Reason'), reason),
      result,
    ],
    actions: [
      { label: 'Back', test: 'cancel-back', onClick: (close) => close() },
      { label: 'Preview', test: 'cancel-preview', onClick: async () => preview() },
      { label: 'Cancel the PO', test: 'cancel-confirm', kind: 'danger', onClick: async (close) => {
        if (!reason.value.trim()) {
          fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Give a reason.'));
          reason.focus();
          return;
        }
        if (previewed !== reason.value.trim()) {
          await preview();
          return;
        }
        try {
          const outcome = await command('CancelPo', { po: po.id, reason: reason.value.trim() });
          if (outcome.code === 'OK') {
            notice(`${po.number} cancelled.`);
            close();
            again();
          } else fill(result, refusal(outcome, { names }));
        } catch (err) {
          fill(result, errorBox(err));
        }
      } },
    ],
  });
  async function preview() {
    if (!reason.value.trim()) {
      fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Give a reason.'));
      reason.focus();
      return;
    }
    try {
      const outcome = await command('CancelPo', { po: po.id, reason: reason.value.trim() }, { dryRun: true });
      if (outcome.code !== 'OK') {
        fill(result, refusal(outcome, { names }));
        return;
      }
      previewed = reason.value.trim();
      fill(result, h('div', { class: 'preview', 'data-test': 'preview' }, h('h3', {}, 'What saving records:'),
        effectsList(outcome.effects, names),
        h('p', {}, 'Press “Cancel the PO” to do it.')));
      d.el.querySelector('[data-test="cancel-confirm"]')?.focus();
    } catch (err) {
      fill(result, errorBox(err));
    }
  }
}
