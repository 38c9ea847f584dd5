// Production orders: the list with its filters (status and consignee asked of stampd; day,
// unscheduled and urgent applied here, ListPos has no such filters), newest first, and the way to
// a new PO. The filters live in the URL (#/orders?status=0&urgent=1) so a reload keeps them.
'use strict';

import { readAll } from '../api.js';
import { may } from '../access.js';
import { date, dayToIso, isoToDay, num, PO_STATUSES, poStatusName } from '../format.js';
import * as ref from '../ref.js';
import { errorBox, fill, h, heading, loading, select, table } from '../ui.js';

const ROWS_STEP = 200;

export function mount(root, ctx) {
  ctx.setTitle('Production orders');
  const q = ctx.query;
  const status = select({ 'data-test': 'orders-filter-status' },
    [{ value: '-1', label: 'Any status' }, ...PO_STATUSES.map((s, i) => ({ value: String(i), label: poStatusName(s) }))],
    q.get('status') ?? '-1');
  const consignee = select({ 'data-test': 'orders-filter-consignee' }, [{ value: '0', label: 'Any consignee' }], '0');
  const day = h('input', { type: 'date', value: q.get('day') ?? '', 'data-test': 'orders-filter-day' });
  const unscheduled = h('input', { type: 'checkbox', checked: q.get('unscheduled') === '1', 'data-test': 'orders-filter-unscheduled' });
  const urgent = h('input', { type: 'checkbox', checked: q.get('urgent') === '1', 'data-test': 'orders-filter-urgent' });
  const clear = h('button', { type: 'button', 'data-test': 'orders-filter-clear' }, 'Clear filters');
  const list = h('div', { class: 'orders-list' }, loading());

  root.append(h('div', { class: 'screen', 'data-test': 'screen-orders' },
    heading('Production orders',
      may('CreatePo') ? h('a', { class: 'button primary', href: '#/orders/new', 'data-test': 'orders-new' }, '+ New PO') : null),
    h('form', { class: 'filters', onsubmit: (ev) => ev.preventDefault() },
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Status'), status),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Consignee'), consignee),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Scheduled on'), day),
      h('label', { class: 'check' }, unscheduled, ' Unscheduled only'),
      h('label', { class: 'check' }, urgent, ' Urgent only'),
      clear),
    list));

  let all = [];
  let shown = ROWS_STEP;

  const keepInUrl = () => {
    const p = new URLSearchParams();
    if (status.value !== '-1') p.set('status', status.value);
    if (consignee.value !== '0') p.set('consignee', consignee.value);
    if (day.value) p.set('day', day.value);
    if (unscheduled.checked) p.set('unscheduled', '1');
    if (urgent.checked) p.set('urgent', '1');
    const hash = `#/orders${p.toString() ? `?${p}` : ''}`;
    history.replaceState(null, '', hash);
  };

  const draw = () => {
    const wantedDay = isoToDay(day.value);
    const rows = all.filter((p) => (wantedDay === null || p.scheduled === dayToIso(wantedDay)) &&
      (!unscheduled.checked || p.scheduled === null) && (!urgent.checked || p.urgent));
    rows.sort((a, b) => b.id - a.id);
    if (!rows.length) {
      fill(list, h('p', { class: 'muted', 'data-test': 'orders-empty' }, 'No production order matches these filters.'));
      return;
    }
    const body = rows.slice(0, shown).map((p) => h('tr', { 'data-test': 'order-row', 'data-id': p.id, class: 'clickable',
      onclick: (ev) => { if (!(ev.target instanceof HTMLAnchorElement)) ctx.navigate(`#/orders/${p.id}`); } },
      h('td', {}, h('a', { href: `#/orders/${p.id}`, class: 'po-number' }, p.number),
        p.parent ? h('small', { class: 'muted block' }, `segment of ${ref.poName(p.parent) ?? `PO ${p.parent}`}`) : null),
      h('td', {}, ref.consigneeName(p.consignee) ?? `consignee ${p.consignee}`),
      h('td', {}, ref.shipmentCode(p.shipment) ?? `shipment ${p.shipment}`),
      h('td', {}, h('span', { class: ['status', p.status] }, poStatusName(p.status))),
      h('td', {}, p.scheduled ? date(p.scheduled) : h('span', { class: 'muted' }, 'Unscheduled')),
      h('td', { class: 'num' }, num(p.units)),
      h('td', {}, p.urgent ? h('span', { class: 'badge urgent' }, 'Urgent') : '')));
    fill(list,
      h('p', { class: 'muted' }, `${num(rows.length)} production order${rows.length === 1 ? '' : 's'}.`),
      table(['PO', 'Consignee', 'Shipment', 'Status', 'Scheduled', { label: 'Units', class: 'num' }, ''], body,
        { 'data-test': 'orders-table' }),
      rows.length > shown ? h('button', { type: 'button', 'data-test': 'orders-more',
        onclick: () => { shown += ROWS_STEP; draw(); } }, `Show ${num(Math.min(ROWS_STEP, rows.length - shown))} more`) : null);
  };

  const load = async () => {
    fill(list, loading());
    try {
      all = await readAll('ListPos', { consignee: Number(consignee.value), status: Number(status.value) }, 'PoList', 'pos');
      if (!ctx.alive()) return;
      all.forEach((p) => ref.rememberPo(p.id, p.number));
      shown = ROWS_STEP;
      draw();
    } catch (err) {
      fill(list, errorBox(err));
    }
  };

  const changed = (server) => () => {
    keepInUrl();
    if (server) load();
    else draw();
  };
  status.addEventListener('change', changed(true));
  consignee.addEventListener('change', changed(true));
  day.addEventListener('change', () => {
    if (day.value) unscheduled.checked = false;
    changed(false)();
  });
  unscheduled.addEventListener('change', () => {
    if (unscheduled.checked) day.value = '';
    changed(false)();
  });
  urgent.addEventListener('change', changed(false));
  clear.addEventListener('click', () => {
    status.value = '-1';
    consignee.value = '0';
    day.value = '';
    unscheduled.checked = false;
    urgent.checked = false;
    changed(true)();
  });

  (async () => {
    await ref.ready(['Consignees', 'Shipments', 'Products']);
    if (!ctx.alive()) return;
    for (const c of ref.rows('Consignees')) {
      consignee.appendChild(h('option', { value: String(c.id) }, c.name || c.key));
    }
    consignee.value = q.get('consignee') ?? '0';
    if (!consignee.value) consignee.value = '0';
    load();
  })();
}
