// The stamp ledger (SPEC §8): per region, the balance, the stamps reserved by open runs and those
// available to promise (GetBalances), and the region's entries oldest first with the balance after
// each (ListLedgerEntries, 500 a page, `next_after` to go on): kind, quantity, source (a stamp
// order, or a PO and its box, each a link), user, station and the override flag. Filters — region,
// kind, a period of days in the warehouse's zone — live in the URL (#/ledger?region=1&kind=0).
'use strict';

import { read, readAll } from '../api.js';
import { dayStartMs, instant, isoToDay, LEDGER_KINDS, ledgerKindName, num, REGIONS, regionName } from '../format.js';
import * as ref from '../ref.js';
import { errorBox, field, fill, h, heading, loading, pool, select, table } from '../ui.js';

export function mount(root, ctx) {
  ctx.setTitle('Stamp ledger');
  const q = ctx.query;
  const region = select({ 'data-test': 'ledger-filter-region' },
    REGIONS.map((r, i) => ({ value: String(i), label: regionName(r) })), q.get('region') ?? '0');
  const kind = select({ 'data-test': 'ledger-filter-kind' },
    [{ value: '-1', label: 'Every kind' }, ...LEDGER_KINDS.map((k, i) => ({ value: String(i), label: ledgerKindName(k) }))],
    q.get('kind') ?? '-1');
  const from = h('input', { type: 'date', value: q.get('from') ?? '', 'data-test': 'ledger-filter-from' });
  const to = h('input', { type: 'date', value: q.get('to') ?? '', 'data-test': 'ledger-filter-to' });
  const balances = h('section', { class: 'panel', 'data-test': 'ledger-balances' }, loading());
  const entries = h('section', { class: 'panel', 'data-test': 'ledger-entries' }, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-ledger' }, heading('Stamp ledger'),
    balances,
    h('form', { class: 'filters', onsubmit: (ev) => ev.preventDefault() },
      field('Region', region), field('Kind', kind), field('From', from), field('To (included)', to)),
    entries));

  let zone = null;
  const stampOrders = new Map(); // id → number
  let rows = [];
  let nextAfter = 0;

  const drawBalances = (b) => {
    fill(balances, h('h2', {}, 'Balances'), table(['Region', { label: 'Balance', class: 'num' }, { label: 'Reserved', class: 'num' },
      { label: 'Available to promise', class: 'num' }, { label: 'Entries', class: 'num' }],
    (b.regions ?? []).map((r) => h('tr', { 'data-test': 'ledger-balance-row', 'data-region': r.region,
      class: ['clickable', String(REGIONS.indexOf(r.region)) === region.value ? 'selected' : ''],
      onclick: () => { region.value = String(REGIONS.indexOf(r.region)); changed(); } },
    h('td', {}, regionName(r.region)),
    h('td', { class: 'num', 'data-test': 'ledger-balance' }, num(r.balance)),
    h('td', { class: 'num', 'data-test': 'ledger-reserved' }, num(r.reserved)),
    h('td', { class: 'num', 'data-test': 'ledger-available' }, num(r.available_to_promise)),
    h('td', { class: 'num' }, num(r.entries))))));
  };

  const source = (e) => {
    if (e.stamp_order) {
      return h('a', { href: `#/stamp-orders/${e.stamp_order}`, 'data-test': 'ledger-source', 'data-kind': 'stamp-order' },
        `Stamp order ${stampOrders.get(e.stamp_order) ?? e.stamp_order}`);
    }
    if (e.po) {
      return [h('a', { href: `#/orders/${e.po}`, 'data-test': 'ledger-source', 'data-kind': 'po' }, ref.poName(e.po) ?? `PO ${e.po}`),
        e.box ? h('small', { class: 'muted block' }, `box ${e.box}`) : null];
    }
    return '—';
  };

  const drawEntries = (more) => {
    const body = rows.map((e) => h('tr', { 'data-test': 'ledger-entry', 'data-id': e.sequence, 'data-kind': e.kind },
      h('td', { class: 'num' }, num(e.sequence)),
      h('td', { class: 'nowrap' }, instant(zone, e.time_us)),
      h('td', {}, ledgerKindName(e.kind)),
      h('td', { class: ['num', e.quantity < 0 ? 'negative-soft' : 'positive'], 'data-test': 'ledger-quantity' },
        `${e.quantity > 0 ? '+' : e.quantity < 0 ? '−' : ''}${num(Math.abs(e.quantity))}`),
      h('td', { class: 'num strong', 'data-test': 'ledger-balance-after' }, num(e.balance_after)),
      h('td', {}, source(e)),
      h('td', {}, ref.userName(e.user) ?? (e.user ? `user ${e.user}` : '—')),
      h('td', {}, e.station ? `station ${e.station}` : '—'),
      h('td', { 'data-test': 'ledger-override' }, e.overridden ? h('span', { class: 'badge urgent' }, 'Override') : '')));
    fill(entries, h('h2', {}, `${regionName(REGIONS[Number(region.value)])} entries`),
      rows.length === 0 ? h('p', { class: 'muted', 'data-test': 'ledger-empty' }, 'No ledger entry matches these filters.')
        : table([{ label: '#', class: 'num' }, 'When', 'Kind', { label: 'Stamps', class: 'num' }, { label: 'Balance after', class: 'num' },
          'Source', 'User', 'Station', 'Override'], body, { 'data-test': 'ledger-table' }),
      more ? h('button', { type: 'button', 'data-test': 'ledger-more', onclick: () => page() }, 'Show more') : null);
  };

  const body = () => {
    const b = { region: REGIONS[Number(region.value)], kind: Number(kind.value), after: nextAfter };
    const fromDay = isoToDay(from.value);
    const toDay = isoToDay(to.value);
    if (fromDay !== null) b.from_us = dayStartMs(zone, fromDay) * 1000;
    if (toDay !== null) b.to_us = dayStartMs(zone, toDay + 1) * 1000;
    return b;
  };

  // The names of what the page's entries refer to: POs by GetPo (each once), stamp orders by list.
  const nameSources = async (page) => {
    const pos = [...new Set(page.map((e) => e.po).filter((id) => id && !ref.poName(id)))].slice(0, 50);
    await pool(pos.map((id) => () => ref.poNumber(id)));
    if (page.some((e) => e.stamp_order && !stampOrders.has(e.stamp_order))) {
      for (const o of await readAll('ListStampOrders', {}, 'StampOrderList', 'orders')) stampOrders.set(o.id, o.number);
    }
  };

  const page = async () => {
    try {
      const reply = await read('ListLedgerEntries', body(), 'LedgerEntryList');
      await nameSources(reply.entries ?? []);
      if (!ctx.alive()) return;
      rows = rows.concat(reply.entries ?? []);
      nextAfter = reply.next_after ?? 0;
      drawEntries(reply.more);
    } catch (err) {
      fill(entries, errorBox(err, { kind: 'ListLedgerEntries' }));
    }
  };

  const load = async () => {
    rows = [];
    nextAfter = 0;
    fill(entries, loading());
    try {
      zone ??= await ref.warehouseSettings();
      await ref.ready(['Users']);
      const b = await read('GetBalances', {}, 'Balances');
      if (!ctx.alive()) return;
      drawBalances(b);
    } catch (err) {
      fill(balances, errorBox(err, { kind: 'GetBalances' }));
      fill(entries, '');
      return;
    }
    await page();
  };

  const changed = () => {
    const p = new URLSearchParams();
    p.set('region', region.value);
    if (kind.value !== '-1') p.set('kind', kind.value);
    if (from.value) p.set('from', from.value);
    if (to.value) p.set('to', to.value);
    history.replaceState(null, '', `#/ledger?${p}`);
    load();
  };
  for (const el of [region, kind, from, to]) el.addEventListener('change', changed);
  load();
}
