// Dashboard: today's runs with live progress (POs scheduled today and every PO in production:
// boxes done / skipped / left), the week's load against capacity, pending customer requests
// (approve / reject for supervisors and admins), and stamp balances per region (available =
// balance − reserved). Live: watches the runs shown and the consignees (a new customer request is
// a consignee's event); every push re-fetches the screen.
'use strict';

import { read, readAll, command } from '../api.js';
import { may } from '../access.js';
import { capacityChoice } from '../schedule.js';
import { date, dayToIso, listWords, mondayOf, num, poStatusName, regionName, shortDate, toDay, weekdayShort } from '../format.js';
import * as ref from '../ref.js';
import { actionButton, dialog, errorBox, fill, h, heading, loading, notice, pool, refresher, refusal, stackedBar, table } from '../ui.js';

const RUNS_SHOWN_MAX = 40;
// Pushes come for the POs shown and the first 8 consignees: a run started on a PO of another
// day, or a request of a consignee past them, shows at the next fallback refresh.
const FALLBACK_REFRESH_MS = 30000;

export function mount(root, ctx) {
  ctx.setTitle('Dashboard');
  const runs = h('section', { class: 'panel', 'data-test': 'today-runs' }, h('h2', {}, 'Today’s runs'), loading());
  const week = h('section', { class: 'panel', 'data-test': 'week-load' }, h('h2', {}, 'This week’s load'), loading());
  const requests = h('section', { class: 'panel', 'data-test': 'pending-requests' }, h('h2', {}, 'Pending customer requests'), loading());
  const balances = h('section', { class: 'panel', 'data-test': 'balances' }, h('h2', {}, 'Stamp balances'), loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-dashboard' },
    heading('Dashboard'),
    h('div', { class: 'dash-grid' }, h('div', { class: 'dash-col' }, runs, requests), h('div', { class: 'dash-col' }, balances, week))));

  const refresh = refresher(async () => {
    await ref.ready(['Consignees', 'Products', 'Shipments']);
    const today = await ref.today();
    await Promise.all([
      drawRuns(runs, today, ctx),
      drawWeek(week, today),
      drawRequests(requests, ctx, () => refresh()),
      drawBalances(balances),
    ]);
  }, 1000);
  ctx.onLive(() => refresh());
  const timer = setInterval(() => refresh(), FALLBACK_REFRESH_MS);
  refresh();
  return () => clearInterval(timer);
}

async function section(el, title, draw) {
  try {
    const body = await draw();
    fill(el, h('h2', {}, title), body);
  } catch (err) {
    fill(el, h('h2', {}, title), errorBox(err));
  }
}

// ---------------------------------------------------------------- today's runs

async function drawRuns(el, today, ctx) {
  await section(el, 'Today’s runs', async () => {
    const [cal, running] = await Promise.all([
      read('GetCalendar', { from_day: today, days: 1 }, 'Calendar'),
      readAll('ListPos', { consignee: 0, status: 1 }, 'PoList', 'pos'),
    ]);
    const ids = [...new Set([...running.map((p) => p.id), ...(cal.days?.[0]?.pos ?? [])])].slice(0, RUNS_SHOWN_MAX);
    const results = await pool(ids.map((id) => () => read('GetPo', { po: id }, 'PoView')));
    if (!ctx.alive()) return h('div');
    const pos = results.filter((r) => r.ok).map((r) => r.value);
    pos.forEach((p) => ref.rememberPo(p.id, p.number));
    // Running first, then the day's run order.
    pos.sort((a, b) => (b.status === 'InProduction') - (a.status === 'InProduction'));
    ctx.watch(pos.filter((p) => p.status === 'InProduction' || p.status === 'Open').map((p) => p.id),
      ref.rows('Consignees').map((c) => c.id));
    if (!pos.length) return h('p', { class: 'muted', 'data-test': 'today-runs-empty' }, `Nothing scheduled today (${date(today)}) and nothing in production.`);
    return h('ul', { class: 'runs' }, pos.map((po) => runRow(po, today)));
  });
}

/** One PO's progress: a bar of boxes done / skipped / left and the figures. */
export function runProgress(po) {
  const total = po.boxes_total;
  if (!total) {
    return h('div', { class: 'run-progress', 'data-test': 'run-progress' },
      h('span', { class: 'muted' }, po.status === 'Open' ? 'Not started' : 'No boxes'));
  }
  return h('div', { class: 'run-progress', 'data-test': 'run-progress' },
    stackedBar([
      { value: po.boxes_confirmed, kind: 'done', label: `${num(po.boxes_confirmed)} done` },
      { value: po.boxes_skipped, kind: 'skipped', label: `${num(po.boxes_skipped)} skipped` },
      { value: po.boxes_left, kind: 'left', label: `${num(po.boxes_left)} left` },
    ], total),
    h('span', { class: 'figures' },
      h('span', { 'data-test': 'run-done' }, `${num(po.boxes_confirmed)} done`), ' · ',
      h('span', { 'data-test': 'run-skipped' }, `${num(po.boxes_skipped)} skipped`), ' · ',
      h('span', { 'data-test': 'run-left' }, `${num(po.boxes_left)} left`),
      ` of ${num(total)} boxes`));
}

function runRow(po, today) {
  const units = (po.lines ?? []).reduce((t, l) => t + Number(l.quantity), 0);
  const target = may('StartRun') && (po.status === 'Open' || po.status === 'InProduction')
    ? `#/workspace/${po.id}` : `#/orders/${po.id}`;
  return h('li', { class: 'run', 'data-test': 'today-run', 'data-id': po.id },
    h('div', { class: 'run-head' },
      h('a', { href: target, class: 'po-number' }, po.number),
      h('span', { class: ['status', po.status] }, poStatusName(po.status)),
      po.urgent ? h('span', { class: 'badge urgent' }, 'Urgent') : null,
      h('span', { class: 'muted' }, ref.consigneeName(po.consignee) ?? ''),
      h('span', { class: 'muted' }, `${num(units)} units`),
      po.scheduled && po.scheduled !== dayToIso(today) ? h('span', { class: 'muted' }, `scheduled ${date(po.scheduled)}`) : null),
    runProgress(po));
}

// ---------------------------------------------------------------- the week

async function drawWeek(el, today) {
  await section(el, 'This week’s load', async () => {
    const monday = mondayOf(today);
    const cal = await read('GetCalendar', { from_day: monday, days: 7 }, 'Calendar');
    const days = (cal.days ?? []).filter((d) => !d.closed || Number(d.load) > 0);
    return h('ul', { class: 'week' }, days.map((d) => {
      const load = Number(d.load);
      const capacity = Number(d.capacity);
      const over = load > capacity;
      return h('li', { class: ['week-day', d.day === dayToIso(today) ? 'today' : null], 'data-test': 'week-day', 'data-day': d.day },
        h('span', { class: 'week-name' }, `${weekdayShort(toDay(d.day))} ${shortDate(d.day)}`),
        stackedBar([
          { value: Math.min(load, capacity), kind: 'load', label: `${num(load)} units planned` },
          { value: Math.max(0, load - capacity), kind: 'over', label: `${num(load - capacity)} over capacity` },
          { value: Math.max(0, capacity - load), kind: 'free', label: `${num(capacity - load)} free` },
        ], Math.max(capacity, load)),
        h('span', { class: ['figures', over ? 'over' : null], 'data-test': 'week-day-load' },
          `${num(load)} / ${num(capacity)}`),
        d.overridden ? h('span', { class: 'badge warn', title: 'A supervisor went past the capacity (recorded)' }, 'Overridden') : null);
    }));
  });
}

// ---------------------------------------------------------------- customer requests

async function drawRequests(el, ctx, again) {
  await section(el, 'Pending customer requests', async () => {
    const all = await readAll('ListRequests', {}, 'RequestList', 'requests');
    const pending = all.filter((r) => r.status === 'Pending');
    if (!pending.length) return h('p', { class: 'muted', 'data-test': 'pending-requests-empty' }, 'No pending requests.');
    const rows = pending.map((r) => h('tr', { 'data-test': 'request-row', 'data-id': r.id },
      h('td', {}, ref.consigneeName(r.consignee) ?? `consignee ${r.consignee}`),
      h('td', {}, date(r.on)),
      h('td', {}, listWords((r.lines ?? []).map((l) => `${num(l.quantity)} × ${ref.productName(l.product) ?? `product ${l.product}`} (${regionName(l.region)})`))),
      h('td', { class: 'actions' },
        may('ApproveRequest') ? actionButton('Approve', { class: 'primary', 'data-test': 'request-approve' }, () => approve(r, again)) : null,
        may('RejectRequest') ? actionButton('Reject', { 'data-test': 'request-reject' }, () => reject(r, again)) : null)));
    return table(['Consignee', 'Day', 'Lines', ''], rows);
  });
}

async function approve(r, again) {
  const names = ref.names();
  let outcome = await command('ApproveRequest', { request: r.id });
  if (outcome.code === 'CAPACITY_EXCEEDED') {
    const choice = await capacityChoice(outcome);
    if (choice !== 'override') return;
    outcome = await command('ApproveRequest', { request: r.id, override_capacity: true });
  }
  if (outcome.code === 'OK') {
    notice(`Request approved: production order created for ${date(r.on)}.`);
    again();
  } else {
    dialog({ title: 'Not approved', test: 'dialog-refusal', body: [refusal(outcome, { names })],
      actions: [{ label: 'Close', test: 'dialog-close', focus: true, onClick: (close) => close() }] });
  }
}

function reject(r, again) {
  const reason = h('textarea', { rows: 3, maxLength: 1024, 'data-test': 'reject-reason' });
  const result = h('div');
  dialog({
    title: 'Reject the request', test: 'dialog-reject',
    body: [h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Reason (the customer sees it)'), reason), result],
    actions: [
      { label: 'Back', test: 'reject-cancel', onClick: (close) => close() },
      { label: 'Reject request', test: 'reject-confirm', kind: 'danger', onClick: async (close) => {
        try {
          const outcome = await command('RejectRequest', { request: r.id, reason: reason.value.trim() });
          if (outcome.code === 'OK') {
            notice('Request rejected.');
            close();
            again();
          } else fill(result, refusal(outcome, { names: ref.names() }));
        } catch (err) {
          fill(result, errorBox(err));
        }
      } },
    ],
  });
}

// ---------------------------------------------------------------- balances

async function drawBalances(el) {
  await section(el, 'Stamp balances', async () => {
    const b = await read('GetBalances', {}, 'Balances');
    const rows = (b.regions ?? []).map((r) => h('tr', { 'data-test': 'balance-row', 'data-region': r.region },
      h('th', { scope: 'row' }, regionName(r.region)),
      h('td', { class: ['num', r.balance < 0 ? 'negative' : null], 'data-test': 'balance-balance' }, num(r.balance)),
      h('td', { class: 'num', 'data-test': 'balance-reserved' }, num(r.reserved)),
      h('td', { class: ['num', 'strong', r.available_to_promise < 0 ? 'negative' : null], 'data-test': 'balance-available' },
        num(r.available_to_promise))));
    return table(['Region', { label: 'Balance', class: 'num' }, { label: 'Reserved', class: 'num' },
      { label: 'Available', class: 'num' }], rows, { class: 'grid compact', 'data-test': 'balances-table' });
  });
}
