// Receiving (SPEC §3). #/receiving: create a shipment (CreateShipment) and the recent shipments
// with their status. #/receiving/2: start receiving, receive boxes by scanning (ReceiveBox: the
// scan field works like the stamper's — barcode then Enter — with the product, units and damaged
// units set beside it), finish receiving (FinishReceiving: the shipment is inventoried), and the
// availability per product (GetShipment: good, allocated, available).
'use strict';

import { command, read } from '../api.js';
import { may } from '../access.js';
import { num, shipmentStatusName } from '../format.js';
import * as ref from '../ref.js';
import { actionButton, confirmDialog, dialogOpen, errorBox, fill, h, heading, loading, notice, pool, refusal, table } from '../ui.js';

const SHIPMENTS_LISTED_MAX = 50;
const LOG_ROWS_MAX = 50;

export function mount(root, ctx) {
  if (ctx.parts[1]) return mountShipment(root, ctx, Number(ctx.parts[1]));
  return mountList(root, ctx);
}

// ---------------------------------------------------------------- the list and a new shipment

function mountList(root, ctx) {
  ctx.setTitle('Receiving');
  const key = h('input', { type: 'text', maxLength: 32, required: true, autocomplete: 'off', 'data-test': 'shipment-key' });
  const consignee = h('select', { required: true, 'data-test': 'shipment-consignee' });
  const result = h('div', { 'aria-live': 'polite' });
  const create = h('button', { type: 'submit', class: 'primary big', 'data-test': 'shipment-create' }, 'Create shipment');
  const list = h('div', {}, loading());
  const form = h('form', { class: 'panel inline-form', novalidate: true },
    h('h2', {}, 'Expect a new shipment'),
    h('div', { class: 'form-grid' },
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Shipment key'), key),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Consignee'), consignee)),
    result, create);
  root.append(h('div', { class: 'screen', 'data-test': 'screen-receiving' }, heading('Receiving'),
    may('CreateShipment') ? form : null, h('section', { class: 'panel' }, h('h2', {}, 'Recent shipments'), list)));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!key.value.trim() || !Number(consignee.value)) {
      fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Give the shipment a key and choose its consignee.'));
      return;
    }
    create.disabled = true;
    try {
      const outcome = await command('CreateShipment', { key: key.value.trim(), consignee: Number(consignee.value) });
      if (outcome.code === 'OK') {
        notice(`Shipment ${key.value.trim()} created.`);
        await ref.ready(['Shipments'], { fresh: true });
        ctx.navigate(`#/receiving/${outcome.result}`);
      } else {
        await ref.ready(['Shipments'], { fresh: true });
        fill(result, refusal(outcome, { names: ref.names(), kind: 'CreateShipment' }));
      }
    } catch (err) {
      fill(result, errorBox(err));
    } finally {
      create.disabled = false;
    }
  });

  (async () => {
    try {
      await ref.ready(['Consignees']);
      await ref.ready(['Shipments'], { fresh: true });
      if (!ctx.alive()) return;
      fill(consignee, h('option', { value: '' }, 'Choose a consignee'),
        ref.rows('Consignees').map((c) => h('option', { value: String(c.id) }, c.name || c.key)));
      const recent = ref.rows('Shipments').sort((a, b) => b.id - a.id).slice(0, SHIPMENTS_LISTED_MAX);
      const views = await pool(recent.map((s) => () => read('GetShipment', { shipment: s.id }, 'ShipmentView')));
      if (!ctx.alive()) return;
      if (!recent.length) {
        fill(list, h('p', { class: 'muted' }, 'No shipment yet.'));
        return;
      }
      fill(list, table(['Shipment', 'Consignee', 'Status', { label: 'Boxes', class: 'num' }], recent.map((s, i) => {
        const v = views[i].ok ? views[i].value : null;
        return h('tr', { 'data-test': 'shipment-row', 'data-id': s.id },
          h('td', {}, h('a', { href: `#/receiving/${s.id}`, 'data-test': 'shipment-open' }, s.key)),
          h('td', {}, ref.consigneeName(s.consignee) ?? ''),
          h('td', {}, v ? h('span', { class: ['status', v.status] }, shipmentStatusName(v.status)) : '—'),
          h('td', { class: 'num' }, v ? num(v.boxes) : '—'));
      })));
    } catch (err) {
      fill(list, errorBox(err));
    }
  })();
  key.focus();
  return undefined;
}

// ---------------------------------------------------------------- one shipment

function mountShipment(root, ctx, id) {
  ctx.setTitle('Receiving');
  const names = ref.names();
  const head = h('div', {}, loading());
  const work = h('section', { class: 'panel' });
  const availability = h('section', { class: 'panel', 'data-test': 'availability' });
  const log = h('ol', { class: 'receive-log', 'data-test': 'receive-log', reversed: true });
  const message = h('div', { 'aria-live': 'assertive' });
  root.append(h('div', { class: 'screen', 'data-test': 'screen-shipment', 'data-id': id },
    head, h('div', { class: 'two-col' }, work, availability)));

  let shipment = null;
  let busy = false;
  const entered = []; // barcodes scanned while an earlier box was being sent, in order
  const product = h('select', { 'data-test': 'receive-product' });
  const units = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', 'data-test': 'receive-units' });
  const damaged = h('input', { type: 'number', min: 0, step: 1, inputmode: 'numeric', value: '0', 'data-test': 'receive-damaged' });
  const scan = h('input', { type: 'text', class: 'scan-input', autocomplete: 'off', autocapitalize: 'none',
    placeholder: 'Scan a box', 'aria-label': 'Barcode', 'data-test': 'receive-scan' });
  const scanButton = h('button', { type: 'button', class: 'big primary', 'data-test': 'receive-submit' }, 'Receive box');

  const focusScan = () => {
    if (ctx.alive() && !dialogOpen() && shipment?.status === 'Receiving' && document.activeElement !== scan) scan.focus({ preventScroll: true });
  };

  const drawAvailability = () => {
    fill(availability, h('h2', {}, 'Availability per product'),
      (shipment.products ?? []).length ? table(['Product', { label: 'Good units', class: 'num' }, { label: 'On orders', class: 'num' },
        { label: 'Available', class: 'num' }], shipment.products.map((p) => h('tr', { 'data-test': 'availability-row', 'data-product': p.product },
        h('td', {}, ref.productName(p.product) ?? `product ${p.product}`),
        h('td', { class: 'num' }, num(p.good_units)),
        h('td', { class: 'num' }, num(p.allocated_units)),
        h('td', { class: 'num strong', 'data-test': 'availability-available' }, num(p.available)))),
      { 'data-test': 'availability-table' }) : h('p', { class: 'muted' }, 'No box received yet.'));
  };

  const draw = () => {
    const canAct = may('ReceiveBox');
    fill(head, heading(`Shipment ${shipment.key}`,
      h('span', { class: ['status', shipment.status], 'data-test': 'shipment-status' }, shipmentStatusName(shipment.status))),
    h('p', { class: 'muted' }, `${ref.consigneeName(shipment.consignee) ?? ''} · ${num(shipment.boxes)} boxes received`));
    drawAvailability();
    if (shipment.status === 'Expected') {
      fill(work, h('h2', {}, 'Not receiving yet'),
        h('p', {}, 'Start receiving when the shipment is at the dock.'),
        canAct ? actionButton('Start receiving', { class: 'primary huge', 'data-test': 'receiving-start' }, async () => {
          const outcome = await command('StartReceiving', { shipment: id });
          if (outcome.code === 'OK') notice('Receiving started.');
          else fill(message, refusal(outcome, { names }));
          await reload();
        }) : null, message);
      return;
    }
    if (shipment.status === 'Receiving') {
      const products = ref.rows('Products').filter((p) => p.consignee === shipment.consignee);
      const keep = product.value;
      fill(product, products.length ? products.map((p) => h('option', { value: String(p.id) }, `${p.name || p.key} (${p.key})`))
        : h('option', { value: '' }, 'This consignee has no product'));
      if (keep) product.value = keep;
      fill(work, h('h2', {}, 'Receive boxes'),
        h('div', { class: 'form-grid' },
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Product'), product),
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Units in the box'), units),
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Damaged units'), damaged)),
        h('div', { class: 'scan-row' }, scan, scanButton),
        message,
        h('h3', {}, 'Received here'), log,
        canAct ? h('div', { class: 'actions-bar' }, actionButton('Finish receiving', { class: 'big', 'data-test': 'finish-receiving' }, finish)) : null);
      focusScan();
      return;
    }
    fill(work, h('h2', {}, 'Inventoried'),
      h('p', { 'data-test': 'shipment-inventoried' }, 'Receiving is finished: this shipment can be the source of production orders.'),
      may('CreatePo') ? h('a', { class: 'button primary', href: `#/orders/new?shipment=${id}`, 'data-test': 'shipment-new-po' }, 'New PO from this shipment') : null,
      message);
  };

  async function reload() {
    try {
      await ref.ready(['Consignees', 'Products']);
      shipment = await read('GetShipment', { shipment: id }, 'ShipmentView');
      if (!ctx.alive()) return;
      ctx.setTitle(`Shipment ${shipment.key}`);
      draw();
    } catch (err) {
      if (ctx.alive()) fill(head, heading(`Shipment ${id}`), errorBox(err, { names }));
    }
  }

  // Barcode then Enter: queued, then received one after the other (a refusal drops the rest).
  function onEnter() {
    const barcode = scan.value.trim();
    scan.value = '';
    if (barcode) entered.push(barcode);
    drain();
  }

  async function drain() {
    if (busy) return;
    while (entered.length && ctx.alive()) {
      await receive(entered.shift());
      if (dialogOpen() || message.querySelector('.refusal')) entered.length = 0;
    }
  }

  async function receive(barcode) {
    const u = Number(units.value);
    const d = Number(damaged.value || 0);
    if (!Number(product.value)) {
      fill(message, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Choose the product in the box.'));
      return;
    }
    if (!Number.isInteger(u) || u < 1) {
      fill(message, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Give the units in the box (at least 1), then scan again.'));
      units.focus();
      return;
    }
    if (!Number.isInteger(d) || d < 0 || d > u) {
      fill(message, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Damaged units are from 0 to the units in the box.'));
      damaged.focus();
      return;
    }
    busy = true;
    try {
      const outcome = await command('ReceiveBox', { shipment: id, barcode, product: Number(product.value), units: u, damaged: d });
      if (!ctx.alive()) return;
      if (outcome.code === 'OK') {
        ref.rememberBox(outcome.result, barcode);
        fill(message, h('p', { class: 'ok-line', 'data-test': 'last-box' }, `Box ${barcode} received.`));
        log.prepend(h('li', { 'data-test': 'receive-log-row' },
          `${barcode}: ${num(u)} × ${ref.productName(Number(product.value)) ?? 'product'}${d ? `, ${num(d)} damaged` : ''}`));
        while (log.children.length > LOG_ROWS_MAX) log.lastChild.remove();
        damaged.value = '0';
        shipment = await read('GetShipment', { shipment: id }, 'ShipmentView');
        if (ctx.alive()) {
          drawAvailability();
          head.querySelector('p.muted').textContent = `${ref.consigneeName(shipment.consignee) ?? ''} · ${num(shipment.boxes)} boxes received`;
        }
      } else {
        fill(message, refusal(outcome, { names, kind: 'ReceiveBox', barcode }));
      }
    } catch (err) {
      fill(message, errorBox(err));
    } finally {
      busy = false;
      focusScan();
    }
  }

  async function finish() {
    const ok = await confirmDialog({ title: `Finish receiving ${shipment.key}?`, test: 'finish',
      text: `${num(shipment.boxes)} boxes received. The shipment is then inventoried: no more boxes can be added, and production orders may use it.`,
      confirmLabel: 'Finish receiving' });
    if (!ok) {
      focusScan();
      return;
    }
    const outcome = await command('FinishReceiving', { shipment: id });
    if (outcome.code === 'OK') notice(`Shipment ${shipment.key} inventoried.`);
    else fill(message, refusal(outcome, { names, kind: 'FinishReceiving' }));
    await reload();
  }

  scan.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      onEnter();
    } else if (ev.key === 'Escape') {
      scan.value = '';
    }
  });
  scanButton.addEventListener('click', onEnter);
  scan.addEventListener('blur', () => setTimeout(() => {
    const a = document.activeElement;
    if (!a || a === document.body || a.id === 'main') focusScan();
  }, 0));
  units.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      focusScan();
    }
  });
  damaged.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      focusScan();
    }
  });
  reload();
  return undefined;
}
