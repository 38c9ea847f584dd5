// The stamper's workspace. #/workspace: today's POs (run order) and those in production, to pick
// one. #/workspace/3: start the run (StartRun; a STAMP_SHORTAGE_WARNING is shown with its figures
// and may be acknowledged), then scan box after box: a keyboard-wedge scanner types the barcode
// and Enter into the scan field, which keeps the focus; ScanBox shows the box's contents and the
// stamps it needs per region; Confirm (or Enter again) sends ConfirmBox. INSUFFICIENT_STAMPS
// offers cancel / skip / override (logged for audit). Live counters come from GetPo, re-read on
// every push. The run ends by itself when the last box is done; a supervisor may end it early.
'use strict';

import { call, command, read, readAll } from '../api.js';
import { may } from '../access.js';
import { date, num, plural, poStatusName, REGIONS, regionName } from '../format.js';
import * as ref from '../ref.js';
import { actionButton, confirmDialog, dialog, dialogOpen, errorBox, fill, h, heading, loading, notice, pool, refresher, refusal, stackedBar } from '../ui.js';

const QUEUE_SHOWN_MAX = 12;

export function mount(root, ctx) {
  if (ctx.parts[1]) return mountRun(root, ctx, Number(ctx.parts[1]));
  return mountPicker(root, ctx);
}

// ---------------------------------------------------------------- picking a PO

function mountPicker(root, ctx) {
  ctx.setTitle('Stamper’s workspace');
  const list = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-workspace-picker' }, heading('Stamper’s workspace'), list));
  const refresh = refresher(async () => {
    try {
      await ref.ready(['Consignees']);
      const today = await ref.today();
      const [cal, running] = await Promise.all([
        read('GetCalendar', { from_day: today, days: 1 }, 'Calendar'),
        readAll('ListPos', { consignee: 0, status: 1 }, 'PoList', 'pos'),
      ]);
      const ids = [...new Set([...running.map((p) => p.id), ...(cal.days?.[0]?.pos ?? [])])];
      const pos = (await pool(ids.map((id) => () => read('GetPo', { po: id }, 'PoView')))).filter((r) => r.ok).map((r) => r.value);
      if (!ctx.alive()) return;
      ctx.watch(pos.map((p) => p.id));
      const rows = pos.map((po) => {
        const units = (po.lines ?? []).reduce((t, l) => t + Number(l.quantity), 0);
        const workable = po.status === 'Open' || po.status === 'InProduction';
        return h('li', { class: ['pick', po.status], 'data-test': 'workspace-po', 'data-id': po.id },
          h('a', { href: `#/workspace/${po.id}`, class: ['pick-link', workable ? null : 'muted'], 'data-test': 'workspace-open' },
            h('span', { class: 'po-number big-text' }, po.number),
            po.urgent ? h('span', { class: 'badge urgent' }, 'Urgent') : null,
            h('span', { class: ['status', po.status] }, poStatusName(po.status)),
            h('span', {}, ref.consigneeName(po.consignee) ?? ''),
            h('span', {}, `${num(units)} units`),
            po.boxes_total ? h('span', {}, `${num(po.boxes_left)} of ${plural(po.boxes_total, 'box', 'boxes')} left`) : null));
      });
      fill(list, h('h2', {}, `Today, ${date(today)}`),
        rows.length ? h('ul', { class: 'picks' }, rows)
          : h('p', { class: 'muted', 'data-test': 'workspace-empty' }, 'No production order is scheduled today or in production.'));
    } catch (err) {
      fill(list, errorBox(err));
    }
  }, 1000);
  ctx.onLive(() => refresh());
  refresh();
  return undefined;
}

// ---------------------------------------------------------------- the run

function mountRun(root, ctx, poId) {
  ctx.setTitle('Stamper’s workspace');
  const names = ref.names();
  const s = {
    po: null, // PoView
    pending: null, // {barcode, scanned: ScannedBox}
    busy: false,
    entered: [], // what was entered (a barcode, or '' for Enter alone) and not yet handled
    draining: false, // drain() is handling `entered`
    queueFrom: 0,
  };

  const head = h('div', {}, loading());
  const scanInput = h('input', { type: 'text', class: 'scan-input', autocomplete: 'off', autocapitalize: 'none',
    inputmode: 'text', placeholder: 'Scan a box', 'aria-label': 'Barcode', 'data-test': 'scan-input' });
  const scanButton = h('button', { type: 'button', class: 'big', 'data-test': 'scan-submit' }, 'Look up');
  const scanRow = h('div', { class: 'scan-row' }, scanInput, scanButton);
  const boxPanel = h('div', { class: 'box-panel-host', 'aria-live': 'polite' });
  const message = h('div', { class: 'scan-message', 'aria-live': 'assertive' });
  const startArea = h('div');
  const counters = h('section', { class: 'panel counters', 'data-test': 'counters' }, loading());
  const queue = h('section', { class: 'panel', 'data-test': 'queue-list' });
  const work = h('section', { class: 'panel work' }, startArea, scanRow, message, boxPanel);

  root.append(h('div', { class: 'screen workspace', 'data-test': 'screen-workspace', 'data-id': poId },
    head, h('div', { class: 'workspace-grid' }, work, h('div', { class: 'workspace-side' }, counters, queue))));

  const focusScan = () => {
    if (!ctx.alive() || dialogOpen() || scanInput.disabled) return;
    if (document.activeElement !== scanInput) scanInput.focus({ preventScroll: true });
  };

  // ---------------------------------------------------------------- drawing

  const drawHead = () => {
    const po = s.po;
    fill(head,
      heading(po.number,
        h('span', { class: ['status', po.status], 'data-test': 'run-status' }, poStatusName(po.status)),
        po.urgent ? h('span', { class: 'badge urgent' }, 'Urgent') : null,
        po.status === 'InProduction' && may('EndRun') ? actionButton('End the run early', { class: 'danger', 'data-test': 'run-end' }, endRun) : null),
      h('p', { class: 'muted' }, `${ref.consigneeName(po.consignee) ?? ''}${po.scheduled ? ` · scheduled ${date(po.scheduled)}` : ''}`),
      po.notes ? h('p', { class: 'po-notes', 'data-test': 'run-notes' }, h('strong', {}, 'Notes: '), po.notes) : null);
  };

  const regionsOfPo = () => REGIONS.filter((r) => (s.po.lines ?? []).some((l) => l.region === r));

  const drawCounters = () => {
    const po = s.po;
    const deducted = new Map((po.stamps_deducted ?? []).map((r) => [r.region, r.stamps]));
    const balance = new Map((po.balance ?? []).map((r) => [r.region, r.stamps]));
    fill(counters,
      h('h2', {}, 'Progress'),
      h('div', { class: 'counter-row' },
        counter('Done', po.boxes_confirmed, 'counter-done', 'done'),
        counter('Skipped', po.boxes_skipped, 'counter-skipped', 'skipped'),
        counter('Left', po.boxes_left, 'counter-left', 'left')),
      po.boxes_total ? stackedBar([
        { value: po.boxes_confirmed, kind: 'done', label: `${num(po.boxes_confirmed)} done` },
        { value: po.boxes_skipped, kind: 'skipped', label: `${num(po.boxes_skipped)} skipped` },
        { value: po.boxes_left, kind: 'left', label: `${num(po.boxes_left)} left` },
      ], po.boxes_total, { 'data-test': 'run-bar' }) : null,
      h('p', { class: 'muted' }, `${num(po.units_done)} units stamped of ${num((po.lines ?? []).reduce((t, l) => t + Number(l.quantity), 0))}.`),
      h('table', { class: 'grid compact' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Region'), h('th', { class: 'num' }, 'Stamps used'), h('th', { class: 'num' }, 'Balance now'))),
        h('tbody', {}, regionsOfPo().map((r) => h('tr', { 'data-region': r },
          h('th', { scope: 'row' }, regionName(r)),
          h('td', { class: 'num', 'data-test': 'counter-stamps', 'data-region': r }, num(deducted.get(r) ?? 0)),
          h('td', { class: ['num', Number(balance.get(r)) < 0 ? 'negative' : null], 'data-test': 'counter-balance', 'data-region': r },
            balance.has(r) ? num(balance.get(r)) : '—'))))));
  };

  const drawStart = () => {
    const po = s.po;
    if (po.status === 'Open') {
      scanRow.hidden = true;
      scanInput.disabled = true;
      if ((po.segments ?? []).length) {
        fill(startArea, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'This PO was split into segments: run its segments instead.'));
        return;
      }
      fill(startArea,
        h('p', {}, 'Start the run to build the box queue and reserve the stamps it needs.'),
        h('ul', {}, (po.lines ?? []).map((l) => h('li', {}, `${num(l.quantity)} × ${ref.productName(l.product) ?? `product ${l.product}`} — ${regionName(l.region)} stamps`))),
        may('StartRun') ? actionButton('Start the run', { class: 'primary huge', 'data-test': 'run-start' }, () => startRun(false))
          : h('p', { class: 'muted' }, 'Your roles may not start a run.'));
      startArea.querySelector('[data-test="run-start"]')?.focus();
      return;
    }
    if (po.status === 'InProduction') {
      fill(startArea);
      scanRow.hidden = false;
      scanInput.disabled = !may('ConfirmBox');
      return;
    }
    scanRow.hidden = true;
    scanInput.disabled = true;
    s.pending = null;
    fill(boxPanel);
    const text = po.status === 'PendingVerification'
      ? 'Run complete. A second person must now verify it.'
      : po.status === 'Completed' ? 'This PO is verified and completed.' : 'This PO was cancelled.';
    fill(startArea, h('div', { class: 'run-complete', 'data-test': 'run-complete' }, h('p', { class: 'big-text' }, text),
      h('a', { class: 'button', href: '#/workspace', 'data-test': 'workspace-back' }, 'Back to today’s POs')));
  };

  const drawQueue = async () => {
    if (!s.po.boxes_total) {
      fill(queue, h('h2', {}, 'Box queue'), h('p', { class: 'muted' }, 'The queue is built when the run starts.'));
      return;
    }
    const q = await read('GetRunQueue', { po: poId, after: s.queueFrom }, 'RunQueue');
    const items = q.items ?? [];
    // Skip past the leading entries already done, so the next read starts at the first waiting one.
    let lead = 0;
    while (lead < items.length && items[lead].state !== 'Pending') lead += 1;
    s.queueFrom += lead;
    const boxes = [];
    // barcodes[i] is items[i]'s label (RunQueue.barcodes).
    (q.barcodes ?? []).forEach((code, i) => { if (items[i]) ref.rememberBox(items[i].box, code); });
    for (const it of items.slice(lead)) {
      if (it.state !== 'Pending') continue;
      const last = boxes[boxes.length - 1];
      if (last && last.box === it.box) last.units += it.units;
      else boxes.push({ box: it.box, units: it.units });
      if (boxes.length > QUEUE_SHOWN_MAX) break;
    }
    if (!ctx.alive()) return;
    fill(queue, h('h2', {}, 'Next boxes'),
      boxes.length ? h('ol', { class: 'queue' }, boxes.slice(0, QUEUE_SHOWN_MAX).map((b) =>
        h('li', { 'data-test': 'queue-box', 'data-box': b.box }, `${names.box(b.box)?.replace(/^box/, 'Box') ?? `Box id ${b.box}`}: ${num(b.units)} units`)))
        : h('p', { class: 'muted' }, 'No box waiting.'),
      s.po.boxes_left > QUEUE_SHOWN_MAX ? h('p', { class: 'muted' }, `${num(s.po.boxes_left)} boxes waiting in all.`) : null);
  };

  const drawBox = () => {
    const p = s.pending;
    if (!p) {
      fill(boxPanel);
      return;
    }
    const sb = p.scanned;
    const balance = new Map((s.po.balance ?? []).map((r) => [r.region, Number(r.stamps)]));
    const needs = (sb.stamps_needed ?? []).filter((r) => Number(r.stamps) > 0);
    fill(boxPanel, h('div', { class: 'box-panel', 'data-test': 'box-panel', 'data-box': sb.box },
      h('h2', {}, `Box ${p.barcode}`),
      h('p', { class: 'big-text' }, `${num(sb.good_units)} × ${ref.productName(sb.product) ?? `product ${sb.product}`}`),
      h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Line'), h('th', {}, 'Region'), h('th', { class: 'num' }, 'Units'))),
        h('tbody', {}, (sb.parts ?? []).map((part) => h('tr', { 'data-test': 'box-part' },
          h('td', {}, String(part.line + 1)), h('td', {}, regionName(part.region)), h('td', { class: 'num' }, num(part.units)))))),
      h('ul', { class: 'stamps-needed', 'data-test': 'box-stamps' }, needs.map((r) => {
        const after = (balance.get(r.region) ?? 0) - Number(r.stamps);
        return h('li', { 'data-region': r.region, class: after < 0 ? 'short' : null },
          h('strong', { class: 'big-text' }, `${num(r.stamps)} ${regionName(r.region)} stamps`),
          h('span', { class: 'muted' }, ` — balance ${num(balance.get(r.region) ?? 0)}, after ${num(after)}`),
          after < 0 ? h('span', { class: 'negative block' }, 'Not enough stamps: confirming will ask what to do.') : null);
      })),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'primary huge', 'data-test': 'box-confirm', onclick: () => confirmBox('Confirm') }, 'Confirm (Enter)'),
        h('button', { type: 'button', class: 'huge', 'data-test': 'box-cancel', onclick: cancelBox }, 'Cancel (Esc)'))));
  };

  const say = (node) => fill(message, node);

  // ---------------------------------------------------------------- reading

  const refresh = refresher(async () => {
    try {
      const po = await read('GetPo', { po: poId }, 'PoView');
      if (!ctx.alive()) return;
      s.po = po;
      ref.rememberPo(po.id, po.number);
      drawHead();
      drawCounters();
      drawStart();
      await drawQueue();
    } catch (err) {
      if (ctx.alive()) fill(head, heading(`Production order ${poId}`), errorBox(err, { names }));
    }
    focusScan();
  }, 300);

  // ---------------------------------------------------------------- acting

  async function startRun(acknowledge) {
    try {
      const outcome = await command('StartRun', { po: poId, acknowledge_shortage: acknowledge });
      if (outcome.code === 'OK') {
        notice(`The run of ${s.po.number} started.`);
        await refresh();
        return;
      }
      if (outcome.code === 'STAMP_SHORTAGE_WARNING' && !acknowledge) {
        dialog({
          title: 'Stamps may run short', test: 'dialog-shortage-warning',
          body: [refusal(outcome, { names, kind: 'StartRun' }),
            h('p', {}, 'This is a warning, not a block: you may start anyway (your acknowledgement is recorded), and the run stops at the box whose stamps are missing.')],
          actions: [
            { label: 'Cancel', test: 'shortage-start-cancel', focus: true, onClick: (close) => close() },
            { label: 'Acknowledge and start', test: 'shortage-acknowledge', kind: 'danger',
              onClick: async (close) => { close(); await startRun(true); } },
          ],
          onClose: focusScan,
        });
        return;
      }
      say(refusal(outcome, { names, kind: 'StartRun' }));
      await refresh();
    } catch (err) {
      say(errorBox(err));
    }
  }

  async function scan(barcode) {
    s.busy = true;
    say(h('p', { class: 'muted' }, `Looking up ${barcode}…`));
    try {
      const reply = await call('ScanBox', { po: poId, barcode });
      if (!ctx.alive()) return;
      s.pending = null;
      if (reply.type === 'Outcome') {
        say(refusal(reply, { names, barcode }));
      } else if (reply.verdict && reply.verdict.code !== 'OK') {
        say(refusal(reply.verdict, { names, barcode }));
      } else if (reply.state !== 'Pending') {
        ref.rememberBox(reply.box, barcode);
        say(refusal({ code: 'ALREADY_CONFIRMED', about: 'Box', subject_id: reply.box, state: reply.state }, { names }));
      } else {
        ref.rememberBox(reply.box, barcode);
        s.pending = { barcode, scanned: reply };
        say(null);
      }
      drawBox();
    } catch (err) {
      say(errorBox(err));
    } finally {
      s.busy = false;
      focusScan();
      drainLater();
    }
  }

  async function confirmBox(action) {
    const p = s.pending;
    if (!p || s.busy) return;
    s.busy = true;
    try {
      const outcome = await command('ConfirmBox', { po: poId, box: p.scanned.box, action });
      if (!ctx.alive()) return;
      if (outcome.code === 'OK') {
        s.pending = null;
        drawBox();
        const stamps = (p.scanned.stamps_needed ?? []).filter((r) => Number(r.stamps) > 0)
          .map((r) => `${num(r.stamps)} ${regionName(r.region)}`).join(', ');
        const what = action === 'Skip' ? 'skipped' : action === 'OverrideShortage' ? 'confirmed past the shortage (logged for audit)' : 'confirmed';
        say(h('p', { class: 'ok-line', 'data-test': 'last-box' }, `Box ${p.barcode} ${what}${action === 'Skip' || !stamps ? '' : `: ${stamps} stamps`}.`));
        await refresh();
        return;
      }
      if (outcome.code === 'INSUFFICIENT_STAMPS' && action === 'Confirm') {
        shortageChoice(outcome);
        return;
      }
      say(refusal(outcome, { names, kind: 'ConfirmBox' }));
      if (['ALREADY_CONFIRMED', 'WRONG_STATE', 'BOX_NOT_IN_PO', 'NOT_FOUND'].includes(outcome.code)) {
        s.pending = null;
        drawBox();
        await refresh();
      }
    } catch (err) {
      say(errorBox(err));
    } finally {
      s.busy = false;
      focusScan();
      drainLater();
    }
  }

  function shortageChoice(outcome) {
    dialog({
      title: 'Not enough stamps', test: 'dialog-shortage',
      body: [refusal(outcome, { names, kind: 'ConfirmBox' }),
        h('ul', { class: 'choices' },
          h('li', {}, h('strong', {}, 'Cancel: '), 'nothing is recorded; the box stays in the queue.'),
          h('li', {}, h('strong', {}, 'Skip: '), 'the box is marked skipped and no stamp is deducted.'),
          h('li', {}, h('strong', {}, 'Override: '), 'the stamps are deducted anyway and the balance goes below zero; logged with your name for audit.'))],
      actions: [
        { label: 'Cancel', test: 'shortage-cancel', focus: true, onClick: (close) => { close(); say(null); } },
        { label: 'Skip this box', test: 'shortage-skip', onClick: async (close) => { close(); await confirmBox('Skip'); } },
        { label: 'Override (logged)', test: 'shortage-override', kind: 'danger', onClick: async (close) => { close(); await confirmBox('OverrideShortage'); } },
      ],
      onClose: focusScan,
    });
  }

  function cancelBox() {
    s.pending = null;
    drawBox();
    say(null);
    focusScan();
  }

  async function endRun() {
    const ok = await confirmDialog({ title: `End the run of ${s.po.number}?`, test: 'end-run',
      text: `The ${plural(s.po.boxes_left, 'box', 'boxes')} left will be marked skipped and the PO goes to verification.`,
      confirmLabel: 'End the run', kind: 'danger' });
    if (!ok) {
      focusScan();
      return;
    }
    const outcome = await command('EndRun', { po: poId });
    if (outcome.code === 'OK') notice(`The run of ${s.po.number} ended.`);
    else say(refusal(outcome, { names, kind: 'EndRun' }));
    await refresh();
  }

  // ---------------------------------------------------------------- the keyboard

  // A wedge scanner may send the next barcode and Enter before the last answer came back: what
  // is entered queues and is handled in order; a refusal or a dialog drops what is left, since
  // the stamper must look first.
  function onEnter() {
    s.entered.push(scanInput.value.trim());
    scanInput.value = '';
    drain();
  }

  async function drain() {
    if (s.busy || s.draining) return;
    s.draining = true;
    try {
      while (s.entered.length && ctx.alive()) {
        const code = s.entered.shift();
        if (s.pending && (code === '' || code === s.pending.barcode)) await confirmBox('Confirm');
        else if (code) await scan(code);
        if (dialogOpen() || message.querySelector('.refusal')) s.entered.length = 0;
      }
    } finally {
      s.draining = false;
    }
  }

  // What was entered while a box sent from a button (Confirm, a shortage choice) was answered
  // waits for no further key: it is handled as soon as that answer is in.
  function drainLater() {
    if (s.draining || !s.entered.length) return;
    if (dialogOpen() || message.querySelector('.refusal')) s.entered.length = 0; // look first, as drain() does
    else drain();
  }

  scanInput.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      onEnter();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      scanInput.value = '';
      cancelBox();
    }
  });
  scanButton.addEventListener('click', onEnter);
  scanInput.addEventListener('blur', () => setTimeout(() => {
    const a = document.activeElement;
    if (!a || a === document.body || a === root || a.id === 'main') focusScan();
  }, 0));

  // A key typed while a button has the focus goes to the scan field (a wedge scanner's first
  // character is not lost); Escape anywhere (no dialog open) cancels the box shown.
  const onKey = (ev) => {
    if (dialogOpen() || ev.ctrlKey || ev.metaKey || ev.altKey || scanInput.disabled) return;
    const a = document.activeElement;
    const typing = a && (a.tagName === 'INPUT' || a.tagName === 'TEXTAREA' || a.tagName === 'SELECT');
    if (ev.key === 'Escape' && !typing) {
      cancelBox();
      return;
    }
    if (!typing && ev.key.length === 1) focusScan();
  };
  document.addEventListener('keydown', onKey, true);
  const onPointer = () => setTimeout(() => {
    const a = document.activeElement;
    if (!a || a === document.body) focusScan();
  }, 0);
  document.addEventListener('pointerup', onPointer);

  ctx.onLive((m) => {
    if (m.reconnected || (m.pos ?? []).includes(poId)) refresh();
  });
  ctx.watch([poId]);
  refresh();

  return () => {
    document.removeEventListener('keydown', onKey, true);
    document.removeEventListener('pointerup', onPointer);
  };
}

function counter(label, value, test, kind) {
  return h('div', { class: ['counter', kind] },
    h('span', { class: 'counter-value', 'data-test': test }, num(value)),
    h('span', { class: 'counter-label' }, label));
}
