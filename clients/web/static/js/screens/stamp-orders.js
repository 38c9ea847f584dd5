// Stamp orders (SPEC §8, seed 001): the list by region and status (ListStampOrders), the admins'
// review queue (orders in AdminReview), a new order (#/stamp-orders/new) with its stamps and
// deposit worked out as it is typed and the 500-bundle minimum said before submitting, and one
// order (#/stamp-orders/3): where it stands in its workflow and what the person may do next —
// review (not one's own), revise after changes were requested, mark ordered, receive the count —
// and its history, who took each step and when, which stamp-web reads from stampd's log
// (POST /api/report stamp-order-history; the state keeps only where an order is now).
'use strict';

import { command, read, readAll, report, reportsAvailable } from '../api.js';
import { may, me } from '../access.js';
import { instant, money, num, REGIONS, regionName, STAMP_ORDER_STATUSES, stampOrderStatusName } from '../format.js';
import * as ref from '../ref.js';
import { actionButton, dialog, errorBox, field, fill, h, heading, keepFilters, loading, notice, refusal, select, table } from '../ui.js';

// engine/constants.hpp: bundles_min (CRA's minimum per order), bundles_max, stamps_per_order_max.
export const BUNDLES_MIN = 500;
const BUNDLES_MAX = 10000000;
const STAMPS_PER_ORDER_MAX = 2 ** 31 - 1;
const NOTES_MAX = 1024;

// The happy path of an order; Rejected and ChangesRequested branch off AdminReview.
const STEPS = ['AdminReview', 'Approved', 'Ordered', 'Received'];

export function mount(root, ctx) {
  const [, second] = ctx.parts;
  if (second === 'new') return mountForm(root, ctx);
  if (second) return mountOrder(root, ctx, Number(second));
  return mountList(root, ctx);
}

// ---------------------------------------------------------------- figures

/** The region's stamps per bundle and deposit rate (cents per stamp), from GetSettings. */
function rates(settings, region) {
  const of = (list) => (list ?? []).find((f) => f.region === region)?.stamps ?? 0;
  return { perBundle: of(settings.stamps_per_bundle), centsPerStamp: of(settings.deposit_cents_per_stamp) };
}

/** Why `bundles` cannot be ordered, or null: said before submitting, as stampd would refuse. */
export function bundlesProblem(text, perBundle) {
  if (String(text).trim() === '') return `Enter the bundles to order: at least ${num(BUNDLES_MIN)}.`;
  const bundles = Number(text);
  if (!Number.isInteger(bundles) || bundles < 0) return 'Bundles are a whole number.';
  if (bundles < BUNDLES_MIN) return `CRA’s minimum is ${num(BUNDLES_MIN)} bundles per order: ${num(bundles)} is too few.`;
  if (bundles > BUNDLES_MAX || bundles * perBundle > STAMPS_PER_ORDER_MAX) return 'That is more than one order may hold.';
  return null;
}

/**
 * Bundles and notes fields with the stamps and deposit shown as they are typed, and the reason
 * the button is disabled. Returns {el, bundles, notes, update}; `button` is enabled only when
 * the bundles may be ordered.
 */
function bundlesForm(settings, regionOf, button, { bundles: initial = '', notes: initialNotes = '', prefix }) {
  const bundles = h('input', { type: 'number', min: String(BUNDLES_MIN), step: '1', inputmode: 'numeric',
    value: String(initial), 'data-test': `${prefix}-bundles` });
  const notes = h('textarea', { rows: 3, maxLength: NOTES_MAX, 'data-test': `${prefix}-notes` }, initialNotes);
  const stamps = h('strong', { 'data-test': `${prefix}-stamps` });
  const deposit = h('strong', { 'data-test': `${prefix}-deposit` });
  const basis = h('small', { class: 'muted block' });
  const reason = h('p', { class: 'hint-bad', 'data-test': `${prefix}-minimum`, 'aria-live': 'polite' });
  const update = () => {
    const region = regionOf();
    const r = rates(settings, region);
    const n = Number(bundles.value);
    const valid = Number.isInteger(n) && n > 0;
    stamps.textContent = valid ? num(n * r.perBundle) : '—';
    deposit.textContent = valid ? money(n * r.perBundle * r.centsPerStamp) : '—';
    basis.textContent = `${regionName(region)}: ${num(r.perBundle)} stamps a bundle, deposit ${money(r.centsPerStamp)} a stamp.`;
    const problem = bundlesProblem(bundles.value, r.perBundle);
    reason.textContent = problem ?? '';
    reason.hidden = !problem;
    button.disabled = Boolean(problem);
    button.title = problem ?? '';
  };
  bundles.addEventListener('input', update);
  const el = h('div', {},
    field('Bundles', bundles, `At least ${num(BUNDLES_MIN)} (CRA’s minimum per order and region).`),
    h('div', { class: 'figures-row' },
      h('div', { class: 'figure' }, h('span', { class: 'field-label' }, 'Stamps'), stamps),
      h('div', { class: 'figure' }, h('span', { class: 'field-label' }, 'Security deposit'), deposit)),
    basis, reason,
    field('Notes', notes, 'What the stamps are for: production orders, dates, why this quantity.'));
  return { el, bundles, notes, update };
}

// ---------------------------------------------------------------- the list and the review queue

function orderRow(ctx, o, test) {
  return h('tr', { 'data-test': test, 'data-id': o.id, 'data-status': o.status, class: 'clickable',
    onclick: (ev) => { if (!(ev.target instanceof HTMLAnchorElement)) ctx.navigate(`#/stamp-orders/${o.id}`); } },
    h('td', {}, h('a', { href: `#/stamp-orders/${o.id}`, class: 'po-number' }, o.number)),
    h('td', {}, regionName(o.region)),
    h('td', {}, h('span', { class: ['status', `so-${o.status}`], 'data-test': 'stamp-order-status' }, stampOrderStatusName(o.status))),
    h('td', { class: 'num' }, num(o.bundles)),
    h('td', { class: 'num' }, num(o.bundles * o.stamps_per_bundle)),
    h('td', { class: 'num' }, money(o.deposit_cents)),
    h('td', { class: 'num' }, o.status === 'Received' ? num(o.received_bundles) : ''),
    h('td', {}, ref.userName(o.submitted_by) ?? `user ${o.submitted_by}`));
}

const HEADERS = ['Order', 'Region', 'Status', { label: 'Bundles', class: 'num' }, { label: 'Stamps', class: 'num' },
  { label: 'Deposit', class: 'num' }, { label: 'Received', class: 'num' }, 'Submitted by'];

function mountList(root, ctx) {
  ctx.setTitle('Stamp orders');
  const q = ctx.query;
  const region = select({ 'data-test': 'stamp-orders-filter-region' },
    [{ value: '-1', label: 'Any region' }, ...REGIONS.map((r, i) => ({ value: String(i), label: regionName(r) }))],
    q.get('region') ?? '-1');
  const status = select({ 'data-test': 'stamp-orders-filter-status' },
    [{ value: '-1', label: 'Any status' }, ...STAMP_ORDER_STATUSES.map((s, i) => ({ value: String(i), label: stampOrderStatusName(s) }))],
    q.get('status') ?? '-1');
  const queue = h('div', {});
  const list = h('div', {}, loading());
  const reviewer = may('ReviewStampOrder');
  root.append(h('div', { class: 'screen', 'data-test': 'screen-stamp-orders' },
    heading('Stamp orders',
      may('SubmitStampOrder') ? h('a', { class: 'button primary', href: '#/stamp-orders/new', 'data-test': 'stamp-orders-new' }, '+ New stamp order') : null),
    reviewer ? queue : null,
    h('form', { class: 'filters', onsubmit: (ev) => ev.preventDefault() },
      field('Region', region), field('Status', status)),
    list));

  const drawQueue = (orders) => {
    const mine = me()?.id;
    const waiting = orders.filter((o) => o.status === 'AdminReview');
    fill(queue, h('section', { class: 'panel', 'data-test': 'review-queue' },
      h('h2', {}, 'Waiting for your review'),
      waiting.length === 0 ? h('p', { class: 'muted', 'data-test': 'review-queue-empty' }, 'No stamp order is waiting for review.')
        : table([...HEADERS, ''], waiting.map((o) => {
          const row = orderRow(ctx, o, 'review-queue-row');
          row.appendChild(h('td', {}, o.submitted_by === mine
            ? h('small', { class: 'muted' }, 'Yours: another administrator reviews it')
            : h('a', { class: 'button', href: `#/stamp-orders/${o.id}`, 'data-test': 'review-open' }, 'Review')));
          return row;
        }))));
  };

  const load = async () => {
    fill(list, loading());
    try {
      await ref.ready(['Users']);
      const [orders, inReview] = await Promise.all([
        readAll('ListStampOrders', { region: Number(region.value), status: Number(status.value) }, 'StampOrderList', 'orders'),
        reviewer ? readAll('ListStampOrders', { status: 0 }, 'StampOrderList', 'orders') : Promise.resolve([]),
      ]);
      if (!ctx.alive()) return;
      if (reviewer) drawQueue(inReview);
      orders.sort((a, b) => b.id - a.id);
      fill(list, orders.length === 0
        ? h('p', { class: 'muted', 'data-test': 'stamp-orders-empty' }, 'No stamp order matches these filters.')
        : table(HEADERS, orders.map((o) => orderRow(ctx, o, 'stamp-order-row')), { 'data-test': 'stamp-orders-table' }));
    } catch (err) {
      fill(list, errorBox(err));
    }
  };
  const changed = () => {
    keepFilters('stamp-orders', [['region', region.value, '-1'], ['status', status.value, '-1']]);
    load();
  };
  region.addEventListener('change', changed);
  status.addEventListener('change', changed);
  load();
}

// ---------------------------------------------------------------- a new order

function mountForm(root, ctx) {
  ctx.setTitle('New stamp order');
  const body = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-stamp-order-new' }, heading('New stamp order'), body));
  if (!may('SubmitStampOrder')) {
    fill(body, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Your roles may not submit stamp orders.'));
    return;
  }
  (async () => {
    let settings;
    try {
      settings = await read('GetSettings', {}, 'SettingsView');
    } catch (err) {
      fill(body, errorBox(err));
      return;
    }
    if (!ctx.alive()) return;
    const region = select({ 'data-test': 'stamp-order-region' }, REGIONS.map((r) => ({ value: r, label: regionName(r) })), ctx.query.get('region') ?? 'FED');
    const submit = h('button', { type: 'submit', class: 'primary big', 'data-test': 'stamp-order-submit' }, 'Submit for review');
    const form = bundlesForm(settings, () => region.value, submit, { prefix: 'stamp-order' });
    region.addEventListener('change', form.update);
    const result = h('div', { 'aria-live': 'polite' });
    const el = h('form', { class: 'panel narrow', 'data-test': 'stamp-order-form' },
      field('Region', region, 'One region per order, as CRA takes them.'), form.el, h('div', { class: 'row' }, submit), result);
    el.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (submit.disabled) return;
      submit.disabled = true;
      try {
        const outcome = await command('SubmitStampOrder', { region: region.value, bundles: Number(form.bundles.value), notes: form.notes.value });
        if (outcome.code !== 'OK') {
          fill(result, refusal(outcome, { kind: 'SubmitStampOrder', names: ref.names() }));
          return;
        }
        notice('Stamp order submitted for review.');
        ctx.navigate(`#/stamp-orders/${outcome.result}`);
      } catch (err) {
        fill(result, errorBox(err));
      } finally {
        form.update();
      }
    });
    fill(body, el);
    form.update();
    form.bundles.focus();
  })();
}

// ---------------------------------------------------------------- one order

/** The order of id `id` (ListStampOrders from id − 1: there is no read of one order). */
async function stampOrder(id) {
  const list = await read('ListStampOrders', { after: id - 1 }, 'StampOrderList');
  const o = list.orders?.[0];
  return o && o.id === id ? o : null;
}

function steps(o) {
  const branch = o.status === 'Rejected' || o.status === 'ChangesRequested';
  const at = branch ? 0 : STEPS.indexOf(o.status);
  return h('ol', { class: 'steps', 'data-test': 'stamp-order-steps' },
    STEPS.map((s, i) => h('li', { class: ['step', i < at ? 'done' : '', i === at && !branch ? 'current' : ''], 'data-step': s },
      stampOrderStatusName(s),
      i === 0 && branch ? h('span', { class: ['step-branch', `so-${o.status}`] }, ` → ${stampOrderStatusName(o.status)}`) : null)));
}

function facts(o) {
  const rows = [
    ['Region', regionName(o.region)],
    ['Bundles ordered', num(o.bundles)],
    ['Stamps', `${num(o.bundles * o.stamps_per_bundle)} (${num(o.stamps_per_bundle)} a bundle)`],
    ['Security deposit', money(o.deposit_cents)],
    ['Submitted by', ref.userName(o.submitted_by) ?? `user ${o.submitted_by}`],
  ];
  if (o.status === 'Received') {
    rows.push(['Bundles received', num(o.received_bundles)]);
    rows.push(['Stamps received', num(o.received_bundles * o.stamps_per_bundle)]);
  }
  return h('dl', { class: 'facts', 'data-test': 'stamp-order-facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function mountOrder(root, ctx, id) {
  ctx.setTitle('Stamp order');
  const body = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-stamp-order', 'data-id': id }, body));
  let settings = null;

  const run = async (kind, request, done) => {
    const outcome = await command(kind, request);
    if (outcome.code !== 'OK') return outcome;
    notice(done);
    await draw();
    return null;
  };

  const draw = async () => {
    let o;
    try {
      await ref.ready(['Users']);
      settings ??= await read('GetSettings', {}, 'SettingsView');
      o = await stampOrder(id);
    } catch (err) {
      fill(body, errorBox(err));
      return;
    }
    if (!ctx.alive()) return;
    if (!o) {
      fill(body, h('p', { class: 'refusal', 'data-test': 'refusal' }, `Stamp order ${id} was not found.`));
      return;
    }
    ctx.setTitle(`Stamp order ${o.number}`);
    const result = h('div', { 'aria-live': 'polite', 'data-test': 'stamp-order-result' });
    const say = (outcome, kind) => fill(result, outcome ? refusal(outcome, { kind, names: ref.names() }) : null);
    fill(body,
      heading(`Stamp order ${o.number}`,
        h('span', { class: ['status', 'big-status', `so-${o.status}`], 'data-test': 'stamp-order-status', 'data-status': o.status }, stampOrderStatusName(o.status))),
      h('p', {}, h('a', { href: '#/stamp-orders' }, '← All stamp orders')),
      h('section', { class: 'panel' }, steps(o), facts(o),
        h('h3', {}, 'Notes'), h('p', { class: 'notes', 'data-test': 'stamp-order-notes' }, o.notes || '—'),
        o.review_note ? [h('h3', {}, o.status === 'Rejected' ? 'Reason for rejection' : 'Reviewer’s note'),
          h('p', { class: 'notes review-note', 'data-test': 'stamp-order-review-note' }, o.review_note)] : null,
        o.status === 'Received' ? h('p', {}, h('a', { href: `#/ledger?region=${REGIONS.indexOf(o.region)}&kind=0`, 'data-test': 'stamp-order-ledger' },
          'See the receipt in the stamp ledger')) : null),
      actions(o, settings, run, say),
      result,
      history);
    drawHistory(history, id, settings);
  };
  const history = h('section', { class: 'panel', 'data-test': 'stamp-order-history' });
  draw();
}

const STEP_WORDS = {
  submitted: 'Submitted', approved: 'Approved', rejected: 'Rejected', changes_requested: 'Changes requested',
  revised: 'Revised', ordered: 'Ordered from CRA', received: 'Received',
};

async function drawHistory(el, id, settings) {
  if (!reportsAvailable()) {
    fill(el, h('h2', {}, 'History'), h('p', { class: 'muted', 'data-test': 'stamp-order-history-unavailable' },
      'Who took each step, and when, is read from stampd’s log: this stamp-web runs without --data-dir.'));
    return;
  }
  if (!el.firstChild) fill(el, h('h2', {}, 'History'), loading());
  let r;
  try {
    r = await report({ report: 'stamp-order-history', stamp_order: id });
  } catch (err) {
    fill(el, h('h2', {}, 'History'), errorBox(err));
    return;
  }
  const zone = settings ?? (await ref.warehouseSettings().catch(() => null));
  const steps = r.steps ?? [];
  fill(el, h('h2', {}, 'History'), steps.length === 0 ? h('p', { class: 'muted' }, 'Nothing in the log yet.')
    : table(['When', 'Step', 'Who', { label: 'Bundles', class: 'num' }, 'Note', { label: 'LSN', class: 'num' }],
      steps.map((st) => h('tr', { 'data-test': 'stamp-order-history-step', 'data-what': st.what },
        h('td', { class: 'nowrap' }, instant(zone, st.time_us)),
        h('td', {}, STEP_WORDS[st.what] ?? st.what),
        h('td', { 'data-test': 'stamp-order-history-user' }, ref.userName(st.user) ?? `user ${st.user}`),
        h('td', { class: 'num' }, st.bundles ? num(st.bundles) : ''),
        h('td', {}, st.note || ''),
        h('td', { class: 'num' }, num(st.lsn))))),
    h('small', { class: 'muted block' }, `Read from stampd’s log up to LSN ${num(r.to_lsn)}.`));
}

// What the person may do with the order now: each offered only to roles that may, in its state.
function actions(o, settings, run, say) {
  const out = h('section', { class: 'panel', 'data-test': 'stamp-order-actions' });
  const mine = o.submitted_by === me()?.id;
  if (o.status === 'AdminReview' && may('ReviewStampOrder')) {
    if (mine) {
      out.append(h('p', { class: 'muted', 'data-test': 'review-not-yours' },
        'You submitted this stamp order: another administrator must review it.'));
    } else {
      const review = (action, note = '') => run('ReviewStampOrder', { order: o.id, action, note },
        action === 'Approve' ? 'Stamp order approved.' : action === 'Reject' ? 'Stamp order rejected.' : 'Changes requested.');
      out.append(h('h2', {}, 'Review'), h('div', { class: 'row' },
        actionButton('Approve', { class: 'primary big', 'data-test': 'review-approve' }, async () => say(await review('Approve'), 'ReviewStampOrder')),
        h('button', { type: 'button', class: 'big', 'data-test': 'review-request-changes',
          onclick: () => askText('Request changes', 'What should the submitter change?', 'dialog-request-changes', 'Send back',
            (text) => review('RequestChanges', text)) }, 'Request changes…'),
        h('button', { type: 'button', class: 'big danger', 'data-test': 'review-reject',
          onclick: () => askText('Reject the order', 'Why is it rejected? (final)', 'dialog-reject', 'Reject',
            (text) => review('Reject', text)) }, 'Reject…')));
    }
  }
  if (o.status === 'ChangesRequested' && may('ReviseStampOrder')) {
    const submit = h('button', { type: 'submit', class: 'primary big', 'data-test': 'revise-submit' }, 'Resubmit for review');
    const form = bundlesForm(settings, () => o.region, submit, { bundles: o.bundles, notes: o.notes, prefix: 'revise' });
    const el = h('form', { 'data-test': 'revise-form' }, h('h2', {}, 'Revise and resubmit'), form.el, h('div', { class: 'row' }, submit));
    el.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (submit.disabled) return;
      submit.disabled = true;
      try {
        say(await run('ReviseStampOrder', { order: o.id, bundles: Number(form.bundles.value), notes: form.notes.value },
          'Stamp order revised: back in review.'), 'ReviseStampOrder');
      } finally {
        if (el.isConnected) form.update();
      }
    });
    out.append(el);
    form.update();
  }
  if (o.status === 'Approved' && may('MarkStampOrderOrdered')) {
    out.append(h('h2', {}, 'Order from CRA'),
      h('p', {}, 'Once the request is submitted to CRA through its own process, mark the order as ordered.'),
      actionButton('Mark ordered', { class: 'primary big', 'data-test': 'mark-ordered' },
        async () => say(await run('MarkStampOrderOrdered', { order: o.id }, 'Stamp order marked ordered.'), 'MarkStampOrderOrdered')));
  }
  if (o.status === 'Ordered' && may('ReceiveStamps')) out.append(receiveForm(o, run, say));
  return out.children.length ? out : null;
}

function receiveForm(o, run, say) {
  const counted = h('input', { type: 'number', min: '1', step: '1', inputmode: 'numeric', 'data-test': 'receive-bundles' });
  const stamps = h('strong', { 'data-test': 'receive-stamps' }, '—');
  const differs = h('p', { class: 'hint', 'data-test': 'receive-differs' });
  const submit = h('button', { type: 'submit', class: 'primary big', 'data-test': 'receive-submit', disabled: true }, 'Confirm receipt');
  const update = () => {
    const n = Number(counted.value);
    const ok = counted.value !== '' && Number.isInteger(n) && n > 0;
    stamps.textContent = ok ? num(n * o.stamps_per_bundle) : '—';
    differs.textContent = ok && n !== o.bundles ? `${num(n)} counted, ${num(o.bundles)} ordered: both are kept.` : '';
    submit.disabled = !ok;
    submit.title = ok ? '' : 'Enter the bundles you counted.';
  };
  counted.addEventListener('input', update);
  const el = h('form', { 'data-test': 'receive-form' }, h('h2', {}, 'Receive the stamps'),
    h('p', {}, 'Count the bundles and check them against CRA’s packing slip: the count, not the order, goes into the ledger.'),
    field('Bundles counted', counted), h('p', {}, 'Stamps added to the ledger: ', stamps), differs,
    h('div', { class: 'row' }, submit));
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    try {
      say(await run('ReceiveStamps', { order: o.id, actual_bundles: Number(counted.value) }, 'Stamps received into the ledger.'), 'ReceiveStamps');
    } finally {
      if (el.isConnected) update();
    }
  });
  return el;
}

// A dialog asking for a text (a reason, a note) before `send(text)` → an Outcome (refused) or null.
function askText(title, label, test, confirmLabel, send) {
  const text = h('textarea', { rows: 3, maxLength: NOTES_MAX, 'data-test': `${test}-text` });
  const result = h('div', { 'aria-live': 'polite' });
  dialog({
    title, test, body: [field(label, text), result],
    actions: [
      { label: 'Back', test: `${test}-cancel`, onClick: (close) => close() },
      { label: confirmLabel, test: `${test}-confirm`, kind: 'primary', onClick: async (close) => {
        if (!text.value.trim()) {
          fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Write it down: the submitter reads it.'));
          return;
        }
        try {
          const refused = await send(text.value.trim());
          if (refused) fill(result, refusal(refused, { kind: 'ReviewStampOrder', names: ref.names() }));
          else close();
        } catch (err) {
          fill(result, errorBox(err));
        }
      } },
    ],
  });
}
