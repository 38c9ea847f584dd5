// Verification (four eyes, SPEC §7). #/verify: the POs pending verification. #/verify/3: per line
// the estimate (authorised quantity), the stamps deducted during the run and the count the
// verifier enters (by default what was deducted), differences highlighted; a supervisor's amend of
// a line upward (AmendLine); Verify & complete (VerifyPo), previewed by a dry run. The person who
// started the run (or confirmed a box) may not verify it: stampd answers SAME_USER, said plainly.
'use strict';

import { command, read, readAll } from '../api.js';
import { may, me } from '../access.js';
import { date, num, plural, poStatusName, regionName } from '../format.js';
import * as ref from '../ref.js';
import { capacityChoice } from '../schedule.js';
import { dialog, effectsList, errorBox, fill, h, heading, loading, notice, pool, refresher, refusal, table } from '../ui.js';

const SAME_USER_TEXT = 'You started this run; a second person must verify it.';

export function mount(root, ctx) {
  if (ctx.parts[1]) return mountOne(root, ctx, Number(ctx.parts[1]));
  return mountQueue(root, ctx);
}

function mountQueue(root, ctx) {
  ctx.setTitle('Verification');
  const list = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-verify-queue' }, heading('Verification'), list));
  const refresh = refresher(async () => {
    try {
      await ref.ready(['Consignees', 'Users']);
      const pending = await readAll('ListPos', { consignee: 0, status: 2 }, 'PoList', 'pos');
      const views = (await pool(pending.map((p) => () => read('GetPo', { po: p.id }, 'PoView')))).filter((r) => r.ok).map((r) => r.value);
      if (!ctx.alive()) return;
      ctx.watch(views.map((p) => p.id));
      if (!views.length) {
        fill(list, h('p', { class: 'muted', 'data-test': 'verify-empty' }, 'No production order is waiting for verification.'));
        return;
      }
      fill(list, table(['PO', 'Consignee', 'Scheduled', { label: 'Estimate', class: 'num' }, { label: 'Stamped', class: 'num' }, 'Run started by', ''],
        views.map((po) => {
          const estimate = (po.lines ?? []).reduce((t, l) => t + Number(l.quantity), 0);
          const stamped = (po.lines ?? []).reduce((t, l) => t + Number(l.deducted), 0);
          const mine = po.started_by === me()?.id;
          return h('tr', { 'data-test': 'verify-row', 'data-id': po.id, class: estimate !== stamped ? 'diff' : null },
            h('td', {}, h('a', { href: `#/verify/${po.id}`, class: 'po-number', 'data-test': 'verify-open' }, po.number)),
            h('td', {}, ref.consigneeName(po.consignee) ?? ''),
            h('td', {}, date(po.scheduled)),
            h('td', { class: 'num' }, num(estimate)),
            h('td', { class: 'num' }, num(stamped)),
            h('td', {}, ref.userName(po.started_by) ?? `user ${po.started_by}`),
            h('td', {}, mine ? h('span', { class: 'badge warn' }, 'You started it') : ''));
        })));
    } catch (err) {
      fill(list, errorBox(err));
    }
  }, 1000);
  ctx.onLive(() => refresh());
  refresh();
  return undefined;
}

function mountOne(root, ctx, poId) {
  ctx.setTitle('Verify');
  const names = ref.names();
  const body = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-verify', 'data-id': poId }, body));
  const counts = new Map(); // line → the count typed (kept across live refreshes)
  let po = null;

  const refresh = refresher(async () => {
    try {
      await ref.ready(['Consignees', 'Products', 'Users']);
      po = await read('GetPo', { po: poId }, 'PoView');
      if (!ctx.alive()) return;
      ref.rememberPo(po.id, po.number);
      ctx.setTitle(`Verify ${po.number}`);
      ctx.watch([po.id]);
      draw();
    } catch (err) {
      if (ctx.alive()) fill(body, heading(`Verify production order ${poId}`), errorBox(err, { names }));
    }
  }, 500);

  const countOf = (i) => (counts.has(i) ? counts.get(i) : Number(po.lines[i].deducted));

  function draw() {
    const result = h('div', { 'aria-live': 'polite' });
    if (po.status !== 'PendingVerification') {
      fill(body, heading(`Verify ${po.number}`),
        h('p', { 'data-test': 'verify-not-pending' }, `This PO is ${poStatusName(po.status).toLowerCase()}: there is nothing to verify.`),
        h('a', { class: 'button', href: `#/orders/${po.id}` }, 'Open the PO'));
      return;
    }
    const mine = po.started_by === me()?.id;
    const rows = (po.lines ?? []).map((l, i) => lineRow(l, i));
    const submit = h('button', { type: 'button', class: 'primary big', 'data-test': 'verify-submit', disabled: mine || !may('VerifyPo') },
      'Verify & complete');
    submit.addEventListener('click', () => verify(result, false));
    fill(body,
      heading(`Verify ${po.number}`),
      h('p', { class: 'muted' }, `${ref.consigneeName(po.consignee) ?? ''} · ${po.scheduled ? `scheduled ${date(po.scheduled)}` : 'not scheduled'} · run started by ${ref.userName(po.started_by) ?? `user ${po.started_by}`}`),
      mine ? h('p', { class: 'notice warn', 'data-test': 'verify-same-user' }, SAME_USER_TEXT) : null,
      h('p', {}, `${plural(po.boxes_confirmed, 'box', 'boxes')} stamped, ${num(po.boxes_skipped)} skipped. Enter the stamps counted per line; less than stamped is refunded to the ledger, more is deducted (never above the estimate).`),
      table(['Line', 'Product', 'Region', { label: 'Estimate', class: 'num' }, { label: 'Stamped', class: 'num' },
        { label: 'Counted', class: 'num' }, 'Difference', may('AmendLine') ? '' : null].filter((x) => x !== null), rows,
      { 'data-test': 'verify-lines' }),
      result,
      h('div', { class: 'actions-bar' }, submit, h('a', { class: 'button', href: `#/orders/${po.id}` }, 'Open the PO')));
  }

  function lineRow(l, i) {
    const input = h('input', { type: 'number', min: 0, step: 1, inputmode: 'numeric', class: 'count', value: String(countOf(i)),
      'data-test': 'verify-count', 'data-line': i, 'aria-label': `Stamps counted on line ${i + 1}` });
    const diffCell = h('td', { 'data-test': 'verify-diff', 'data-line': i });
    const row = h('tr', { 'data-test': 'verify-line', 'data-line': i },
      h('td', {}, String(i + 1)),
      h('td', {}, ref.productName(l.product) ?? `product ${l.product}`),
      h('td', {}, regionName(l.region)),
      h('td', { class: 'num' }, num(l.quantity)),
      h('td', { class: 'num' }, num(l.deducted)),
      h('td', { class: 'num' }, input),
      diffCell,
      may('AmendLine') ? h('td', {}, h('button', { type: 'button', 'data-test': 'line-amend', 'data-line': i,
        onclick: () => amend(l, i) }, 'Amend line')) : null);
    const show = () => {
      const v = Number(input.value);
      const counted = Number.isFinite(v) ? v : 0;
      const estimate = Number(l.quantity);
      const deducted = Number(l.deducted);
      const words = [];
      if (counted > estimate) words.push(h('strong', { class: 'negative' }, `${num(counted - estimate)} over the estimate: a supervisor must amend the line`));
      else if (counted !== estimate) words.push(`${num(estimate - counted)} fewer than the estimate`);
      else words.push('as estimated');
      if (counted < deducted) words.push(`; ${num(deducted - counted)} stamps refunded`);
      else if (counted > deducted && counted <= estimate) words.push(`; ${num(counted - deducted)} more stamps deducted`);
      row.classList.toggle('diff', counted !== estimate || counted !== deducted);
      row.classList.toggle('over', counted > estimate);
      fill(diffCell, words);
    };
    input.addEventListener('input', () => {
      if (input.value === '') counts.delete(i);
      else counts.set(i, Number(input.value));
      show();
    });
    show();
    return row;
  }

  function countsBody() {
    return (po.lines ?? []).map((l, i) => ({ line: i, stamps: Math.max(0, Math.floor(countOf(i))) }));
  }

  async function verify(result, overrideShortage) {
    // SAME_USER when someone else started the run: this person confirmed boxes in it.
    const context = { names, kind: 'VerifyPo', confirmedOnly: po.started_by !== me()?.id };
    try {
      const request = { po: po.id, counts: countsBody(), override_shortage: overrideShortage };
      const dry = await command('VerifyPo', request, { dryRun: true });
      if (!ctx.alive()) return;
      if (dry.code === 'INSUFFICIENT_STAMPS' && !overrideShortage) {
        dialog({ title: 'Not enough stamps for the extra deduction', test: 'dialog-verify-shortage',
          body: [refusal(dry, context), h('p', {}, 'You may deduct anyway: the balance goes below zero and the override is recorded.')],
          actions: [
            { label: 'Back', test: 'verify-shortage-cancel', focus: true, onClick: (close) => close() },
            { label: 'Override (recorded)', test: 'verify-override-shortage', kind: 'danger',
              onClick: async (close) => { close(); await verify(result, true); } },
          ] });
        return;
      }
      if (dry.code !== 'OK') {
        fill(result, refusal(dry, context));
        return;
      }
      const inner = h('div');
      dialog({
        title: `Verify & complete ${po.number}?`, test: 'dialog-verify',
        body: [h('div', { class: 'preview', 'data-test': 'preview' }, h('p', {}, 'What verifying records:'),
          effectsList(dry.effects, names)), inner],
        actions: [
          { label: 'Back', test: 'verify-cancel', onClick: (close) => close() },
          { label: 'Verify & complete', test: 'verify-confirm', kind: 'primary', focus: true, onClick: async (close) => {
            const outcome = await command('VerifyPo', request);
            if (outcome.code === 'OK') {
              close();
              notice(`${po.number} verified and completed.`);
              counts.clear();
              refresh();
            } else fill(inner, refusal(outcome, context));
          } },
        ],
      });
    } catch (err) {
      fill(result, errorBox(err));
    }
  }

  function amend(line, i) {
    const quantity = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', value: String(Math.max(countOf(i), Number(line.quantity))),
      'data-test': 'amend-quantity' });
    const result = h('div', { 'aria-live': 'polite' });
    const send = async (close, override) => {
      const q = Number(quantity.value);
      if (!Number.isInteger(q) || q < 1) {
        fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Give a whole number of at least 1.'));
        return;
      }
      const outcome = await command('AmendLine', { po: po.id, line: i, quantity: q, override_capacity: override });
      if (outcome.code === 'OK') {
        close();
        notice(`Line ${i + 1} amended to ${num(q)}.`);
        refresh();
        return;
      }
      if (outcome.code === 'CAPACITY_EXCEEDED' && !override) {
        close();
        if ((await capacityChoice(outcome)) === 'override') {
          const again = await command('AmendLine', { po: po.id, line: i, quantity: q, override_capacity: true });
          if (again.code === 'OK') {
            notice(`Line ${i + 1} amended to ${num(q)}, past the day’s capacity (recorded).`);
            refresh();
          } else dialog({ title: 'Not amended', test: 'dialog-refusal', body: [refusal(again, { names, kind: 'AmendLine' })],
            actions: [{ label: 'Close', test: 'dialog-close', focus: true, onClick: (c) => c() }] });
        }
        return;
      }
      fill(result, refusal(outcome, { names, kind: 'AmendLine' }));
    };
    dialog({
      title: `Amend line ${i + 1}`, test: 'dialog-amend',
      body: [h('p', {}, `${ref.productName(line.product) ?? `product ${line.product}`}, ${regionName(line.region)} stamps: now ${num(line.quantity)} authorised.`),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'New quantity'), quantity),
        h('p', { class: 'muted' }, 'Raising the estimate takes units from the shipment’s availability.'), result],
      actions: [
        { label: 'Back', test: 'amend-cancel', onClick: (close) => close() },
        { label: 'Amend', test: 'amend-submit', kind: 'primary', onClick: (close) => send(close, false) },
      ],
    });
  }

  ctx.onLive((m) => {
    if (m.reconnected || (m.pos ?? []).includes(poId)) refresh();
  });
  refresh();
  return undefined;
}
