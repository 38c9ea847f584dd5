// A consignee user's minimal portal: its own production orders (stampd shows a consignee user
// only its own), with status, day and progress, updated live (watch of its consignee). The full
// portal (requests, invoices) is a later issue.
'use strict';

import { read, readAll } from '../api.js';
import { me } from '../access.js';
import { date, num, poStatusName, regionName } from '../format.js';
import * as ref from '../ref.js';
import { errorBox, fill, h, heading, loading, refresher, table } from '../ui.js';

export function mount(root, ctx) {
  ctx.setTitle('My production orders');
  const list = h('div', {}, loading());
  const detail = h('div');
  root.append(h('div', { class: 'screen', 'data-test': 'screen-my-orders' }, heading('My production orders'), list, detail));
  let open = null;

  const showDetail = async (id) => {
    open = id;
    try {
      const po = await read('GetPo', { po: id }, 'PoView');
      if (!ctx.alive() || open !== id) return;
      fill(detail, h('section', { class: 'panel', 'data-test': 'my-order-detail', 'data-id': id },
        h('h2', {}, po.number),
        table(['Product', 'Region', { label: 'Quantity', class: 'num' }, { label: 'Stamped', class: 'num' }],
          (po.lines ?? []).map((l) => h('tr', {},
            h('td', {}, ref.productName(l.product) ?? `product ${l.product}`),
            h('td', {}, regionName(l.region)),
            h('td', { class: 'num' }, num(l.quantity)),
            h('td', { class: 'num' }, num(l.deducted))))),
        po.boxes_total ? h('p', {}, `${num(po.boxes_confirmed)} of ${num(po.boxes_total)} boxes stamped.`) : null));
    } catch (err) {
      fill(detail, errorBox(err));
    }
  };

  const refresh = refresher(async () => {
    try {
      await ref.ready(['Products']);
      const pos = await readAll('ListPos', { consignee: 0, status: -1 }, 'PoList', 'pos');
      if (!ctx.alive()) return;
      ctx.watch([], me()?.consignee ?? 0);
      pos.sort((a, b) => b.id - a.id);
      fill(list, pos.length ? table(['PO', 'Status', 'Scheduled', { label: 'Units', class: 'num' }],
        pos.map((p) => h('tr', { 'data-test': 'my-order-row', 'data-id': p.id, class: 'clickable', onclick: () => showDetail(p.id) },
          h('td', {}, h('button', { type: 'button', class: 'link po-number', 'data-test': 'my-order-open' }, p.number)),
          h('td', {}, h('span', { class: ['status', p.status] }, poStatusName(p.status))),
          h('td', {}, p.scheduled ? date(p.scheduled) : 'Not yet scheduled'),
          h('td', { class: 'num' }, num(p.units)))))
        : h('p', { class: 'muted', 'data-test': 'my-orders-empty' }, 'You have no production order yet.'));
      if (open) showDetail(open);
    } catch (err) {
      fill(list, errorBox(err));
    }
  }, 1000);
  ctx.onLive(() => refresh());
  refresh();
}
