// A consignee user's shipments and customer requests (SPEC §3, §10; seed 003's portal): its own
// shipments with the availability of each product (GetShipment: good units less those on its
// orders), a new request — one inventoried shipment, quantities per product within availability,
// and a weekday with room left for them (GetCalendar: the days without room are not offered) —
// and its requests with their outcome (ListRequests), which a supervisor's approval or rejection
// updates live (the consignee's watch). stampd decides all of it again: what the page offers is
// only what stampd would take.
'use strict';

import { command, read, readAll } from '../api.js';
import { me } from '../access.js';
import { date, dayToIso, num, plural, REGIONS, regionName, shipmentStatusName, toDay } from '../format.js';
import * as ref from '../ref.js';
import { actionButton, errorBox, field, fill, h, heading, loading, notice, refresher, refusal, select, table } from '../ui.js';

const DAYS_OFFERED = 21; // three weeks of days to pick from
const REQUEST_STATUS_WORDS = { Pending: 'Waiting for the warehouse', Approved: 'Approved', Rejected: 'Rejected' };

export function mount(root, ctx) {
  ctx.setTitle('Shipments and requests');
  const shipmentsEl = h('section', { class: 'panel', 'data-test': 'my-shipments' }, loading());
  const formEl = h('section', { class: 'panel', 'data-test': 'request-form' });
  const requestsEl = h('section', { class: 'panel', 'data-test': 'my-requests' }, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-my-requests' }, heading('Shipments and requests'),
    h('p', { class: 'muted' }, 'Ask the warehouse to stamp goods of one of your received shipments on a day with room left; a supervisor approves or rejects the request.'),
    shipmentsEl, formEl, requestsEl));
  let shipments = [];
  let updateForm = null; // the form once drawn: brings its availability and days up to date

  const refresh = refresher(async () => {
    try {
      await ref.ready(['Products', 'Shipments'], { fresh: true });
      const rows = ref.rows('Shipments');
      const views = await Promise.all(rows.map((s) => read('GetShipment', { shipment: s.id }, 'ShipmentView')));
      const requests = await readAll('ListRequests', {}, 'RequestList', 'requests');
      if (!ctx.alive()) return;
      ctx.watch([], me()?.consignee ?? 0);
      shipments = views;
      drawShipments(shipmentsEl, views);
      drawRequests(requestsEl, requests, ctx);
      if (updateForm) updateForm();
      else updateForm = requestForm(formEl, () => shipments, () => refresh());
    } catch (err) {
      fill(shipmentsEl, errorBox(err));
    }
  }, 500);
  ctx.onLive(() => refresh());
  refresh();
}

function drawShipments(el, views) {
  fill(el, h('h2', {}, 'My shipments'), views.length === 0
    ? h('p', { class: 'muted', 'data-test': 'my-shipments-empty' }, 'No shipment of yours has been announced yet.')
    : table(['Shipment', 'Status', { label: 'Boxes', class: 'num' }, 'Product', { label: 'Good units', class: 'num' },
      { label: 'On orders', class: 'num' }, { label: 'Available', class: 'num' }],
    views.flatMap((s) => {
      const products = s.products?.length ? s.products : [null];
      return products.map((p, i) => h('tr', { 'data-test': 'my-shipment-product', 'data-id': s.id, 'data-product': p?.product ?? '' },
        h('td', {}, i === 0 ? h('strong', {}, s.key) : ''),
        h('td', {}, i === 0 ? h('span', { class: ['status', s.status] }, shipmentStatusName(s.status)) : ''),
        h('td', { class: 'num' }, i === 0 ? num(s.boxes) : ''),
        h('td', {}, p ? ref.productName(p.product) ?? `product ${p.product}` : h('span', { class: 'muted' }, 'No box received yet')),
        h('td', { class: 'num' }, p ? num(p.good_units) : ''),
        h('td', { class: 'num' }, p ? num(p.allocated_units) : ''),
        h('td', { class: 'num strong', 'data-test': 'my-shipment-available' }, p ? num(p.available) : '')));
    })));
}

function drawRequests(el, requests, ctx) {
  requests.sort((a, b) => b.id - a.id);
  fill(el, h('h2', {}, 'My requests'), requests.length === 0
    ? h('p', { class: 'muted', 'data-test': 'my-requests-empty' }, 'No request yet.')
    : table(['Request', 'Shipment', 'Day', 'Lines', 'Status', ''], requests.map((r) => h('tr', { 'data-test': 'my-request', 'data-id': r.id, 'data-status': r.status },
      h('td', {}, `#${r.id}`),
      h('td', {}, ref.shipmentCode(r.shipment) ?? `shipment ${r.shipment}`),
      h('td', {}, date(r.on)),
      h('td', {}, (r.lines ?? []).map((l) => h('span', { class: 'block' }, `${num(l.quantity)} × ${ref.productName(l.product) ?? `product ${l.product}`} (${regionName(l.region)})`))),
      h('td', {}, h('span', { class: ['status', `req-${r.status}`], 'data-test': 'my-request-status' }, REQUEST_STATUS_WORDS[r.status] ?? r.status),
        r.reason ? h('small', { class: 'block', 'data-test': 'my-request-reason' }, `Reason: ${r.reason}`) : null),
      h('td', {}, r.po ? h('a', { href: '#/my-orders', 'data-test': 'my-request-po', onclick: () => ctx.navigate('#/my-orders') }, 'See the production order') : '')))));
}

// The form: the shipment, a quantity and region per product (within availability), then a day
// among those with room for the units asked (the others are not offered). Returns the function
// that brings it up to date after a change (an approval elsewhere takes units and room: what was
// typed stays, the figures and the days offered follow), or null while no shipment is
// inventoried (the next refresh draws it again).
function requestForm(el, shipmentsNow, done) {
  const shipment = select({ 'data-test': 'request-shipment' }, [], '');
  const lines = h('div', { 'data-test': 'request-lines' });
  const day = select({ 'data-test': 'request-day' }, [], '');
  const dayNote = h('p', { class: 'hint', 'data-test': 'request-day-note' });
  const result = h('div', { 'aria-live': 'polite', 'data-test': 'request-result' });
  let inputs = [];
  let calendar = [];

  const units = () => inputs.reduce((t, i) => t + (Number(i.quantity.value) || 0), 0);
  const problem = () => {
    if (!shipment.value) return 'Choose a shipment.';
    for (const i of inputs) {
      const q = Number(i.quantity.value || 0);
      if (!Number.isInteger(q) || q < 0) return 'Quantities are whole numbers.';
      if (q > i.available) return `${ref.productName(i.product) ?? `Product ${i.product}`}: ${num(q)} is more than the ${num(i.available)} available.`;
    }
    if (units() === 0) return 'Ask for at least one unit.';
    if (!day.value) return 'No day in the next three weeks has room for these units: ask for fewer, or ask the warehouse.';
    return null;
  };
  const submit = actionButton('Send the request', { class: 'primary big', 'data-test': 'request-submit' }, async () => {
    const why = problem();
    if (why) {
      fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, why));
      return;
    }
    const body = { shipment: Number(shipment.value), on: Number(day.value),
      lines: inputs.filter((i) => Number(i.quantity.value) > 0).map((i) => ({ product: i.product, region: i.region.value, quantity: Number(i.quantity.value) })) };
    try {
      const outcome = await command('SubmitRequest', body);
      if (outcome.code !== 'OK') {
        fill(result, refusal(outcome, { kind: 'SubmitRequest', names: ref.names() }));
        return;
      }
      fill(result);
      notice(`Request sent for ${date(body.on)}: the warehouse will approve or reject it.`);
      inputs.forEach((i) => { i.quantity.value = ''; });
      await done();
      await offerDays();
    } catch (err) {
      fill(result, errorBox(err));
    }
  });

  // The days with room for the units asked; the others are left out.
  const offerDays = async () => {
    try {
      calendar = (await read('GetCalendar', { days: DAYS_OFFERED }, 'Calendar')).days ?? [];
    } catch (err) {
      fill(result, errorBox(err));
      return;
    }
    drawDays();
  };
  const drawDays = () => {
    const want = Math.max(units(), 1);
    const before = day.value;
    const open = calendar.filter((d) => !d.closed && Number(d.capacity) - Number(d.load) >= want);
    const full = calendar.filter((d) => !d.closed && Number(d.capacity) - Number(d.load) < want).length;
    fill(day, open.map((d) => h('option', { value: String(toDay(d.day)), 'data-day': dayToIso(toDay(d.day)) },
      `${date(d.day)} — room for ${num(Number(d.capacity) - Number(d.load))} units`)));
    if ([...day.options].some((o) => o.value === before)) day.value = before;
    dayNote.textContent = full ? `${plural(full, 'weekday has', 'weekdays have')} no room for ${plural(want, 'unit', 'units')} and ${full === 1 ? 'is' : 'are'} not offered; weekends are closed.` : 'Weekends are closed.';
    submit.disabled = Boolean(problem());
  };

  const drawLines = () => {
    const s = shipmentsNow().find((x) => String(x.id) === shipment.value);
    inputs = (s?.products ?? []).filter((p) => Number(p.available) > 0).map((p) => ({
      product: p.product, available: Number(p.available),
      availableCell: h('td', { class: 'num', 'data-test': 'request-available' }, num(p.available)),
      quantity: h('input', { type: 'number', min: '0', max: String(p.available), step: '1', inputmode: 'numeric', 'data-test': 'request-quantity', 'data-product': p.product }),
      region: select({ 'data-test': 'request-region', 'data-product': p.product }, REGIONS.map((r) => ({ value: r, label: regionName(r) })), 'ON'),
    }));
    inputs.forEach((i) => i.quantity.addEventListener('input', drawDays));
    fill(lines, inputs.length === 0 ? h('p', { class: 'muted', 'data-test': 'request-nothing-available' }, 'Nothing of this shipment is left to stamp.')
      : table(['Product', { label: 'Available', class: 'num' }, 'Quantity', 'Stamps of'], inputs.map((i) => h('tr', { 'data-test': 'request-line', 'data-product': i.product },
        h('td', {}, ref.productName(i.product) ?? `product ${i.product}`),
        i.availableCell,
        h('td', {}, i.quantity), h('td', {}, i.region)))));
    drawDays();
  };

  const inventoried = shipmentsNow().filter((s) => s.status === 'Inventoried');
  if (inventoried.length === 0) {
    fill(el, h('h2', {}, 'New request'), h('p', { class: 'muted', 'data-test': 'request-no-shipment' }, 'A request needs a shipment the warehouse has received in full (inventoried).'));
    return null;
  }
  fill(shipment, inventoried.map((s) => h('option', { value: String(s.id) }, s.key)));
  shipment.addEventListener('change', drawLines);
  day.addEventListener('change', () => { submit.disabled = Boolean(problem()); });
  fill(el, h('h2', {}, 'New request'),
    field('Shipment (inventoried)', shipment),
    lines,
    field('Day', day), dayNote,
    h('div', { class: 'row' }, submit), result);
  drawLines();
  offerDays();

  return () => {
    const fresh = shipmentsNow().filter((x) => x.status === 'Inventoried');
    const chosen = shipment.value;
    fill(shipment, fresh.map((x) => h('option', { value: String(x.id) }, x.key)));
    if (fresh.some((x) => String(x.id) === chosen)) shipment.value = chosen;
    const now = new Map((shipmentsNow().find((x) => String(x.id) === shipment.value)?.products ?? [])
      .filter((p) => Number(p.available) > 0).map((p) => [p.product, Number(p.available)]));
    const same = shipment.value === chosen && now.size === inputs.length && inputs.every((i) => now.has(i.product));
    if (same) {
      for (const i of inputs) {
        i.available = now.get(i.product);
        i.quantity.max = String(i.available);
        i.availableCell.textContent = num(i.available);
      }
    } else {
      const typed = new Map(inputs.map((i) => [i.product, [i.quantity.value, i.region.value]]));
      drawLines();
      for (const i of inputs) {
        if (!typed.has(i.product)) continue;
        [i.quantity.value, i.region.value] = typed.get(i.product);
      }
    }
    offerDays();
  };
}
