// Creating a production order (#/orders/new) and editing an Open one's lines (#/orders/3/edit):
// the source shipment (only Inventoried ones may be picked), one row per (product, region) with
// the product's availability on the shipment beside it (good − allocated, less what this form
// already asks for), and a preview of the effects (the same command sent as a dry run) before it
// is saved. A day may be given at creation; over capacity, the override / auto-split choice.
//
// Urgency and notes: protocol.fbs has no command that changes them after CreatePo (EditPoLines
// carries only the lines), so the urgent toggle and the notes are on the create form only.
'use strict';

import { command, read } from '../api.js';
import { may } from '../access.js';
import { isoToDay, num, poStatusName, REGIONS, regionName, shipmentStatusName } from '../format.js';
import * as ref from '../ref.js';
import { capacityChoice } from '../schedule.js';
import { dialog, effectsList, errorBox, fill, h, heading, loading, notice, pool, refusal, select } from '../ui.js';

const SHIPMENTS_CHECKED_MAX = 100;
const AVAILABILITY_REFRESH_MS = 15000;
const LINES_MAX = 32; // engine/constants.hpp lines_per_po_max

export function mount(root, ctx) {
  const editing = ctx.parts[1] !== 'new' ? Number(ctx.parts[1]) : null;
  ctx.setTitle(editing ? 'Edit production order' : 'New production order');
  const body = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-order-form' }, body));
  const needed = editing ? 'EditPoLines' : 'CreatePo';
  if (!may(needed)) {
    fill(body, heading('Production order'), refusal({ code: 'FORBIDDEN', about: 'None', message: 'your roles may not change production orders' }));
    return undefined;
  }
  let timer = null;
  (async () => {
    try {
      await ref.ready(['Consignees', 'Products', 'Shipments']);
      const po = editing ? await read('GetPo', { po: editing }, 'PoView') : null;
      if (po) ref.rememberPo(po.id, po.number);
      if (!ctx.alive()) return;
      if (po && (po.status !== 'Open' || (po.segments ?? []).length)) {
        fill(body, heading(`Edit lines of ${po.number}`),
          h('p', { class: 'refusal', 'data-test': 'refusal' }, (po.segments ?? []).length
            ? 'This PO was split into segments: edit its segments instead.'
            : `Only an Open PO’s lines may be edited; this one is ${poStatusName(po.status).toLowerCase()}.`),
          h('a', { class: 'button', href: `#/orders/${po.id}`, 'data-test': 'po-back' }, 'Back to the PO'));
        return;
      }
      const form = new OrderForm(ctx, po);
      fill(body, form.el);
      timer = setInterval(() => form.refreshAvailability(), AVAILABILITY_REFRESH_MS);
      await form.start();
    } catch (err) {
      if (ctx.alive()) fill(body, heading('Production order'), errorBox(err, { names: ref.names() }));
    }
  })();
  return () => clearInterval(timer);
}

class OrderForm {
  constructor(ctx, po) {
    this.ctx = ctx;
    this.po = po;
    this.shipment = null; // ShipmentView
    this.rows = [];
    this.names = ref.names();

    this.consignee = select({ 'data-test': 'po-consignee', disabled: Boolean(po) },
      [{ value: '', label: 'Choose a consignee' }, ...ref.rows('Consignees').map((c) => ({ value: c.id, label: c.name || c.key }))],
      po ? po.consignee : '');
    this.shipmentSelect = select({ 'data-test': 'po-shipment', disabled: true }, [{ value: '', label: 'Choose a consignee first' }], '');
    this.number = h('input', { type: 'text', maxLength: 32, placeholder: 'Blank: numbered for you (PO-…)', 'data-test': 'po-number',
      value: po ? po.number : '', disabled: Boolean(po) });
    this.urgent = h('input', { type: 'checkbox', 'data-test': 'po-urgent', checked: Boolean(po?.urgent), disabled: Boolean(po) });
    this.notes = h('textarea', { rows: 3, maxLength: 1024, 'data-test': 'po-notes', value: po?.notes ?? '', disabled: Boolean(po) });
    this.day = h('input', { type: 'date', 'data-test': 'po-day' });
    this.linesBody = h('tbody');
    this.addLine = h('button', { type: 'button', 'data-test': 'line-add', onclick: () => this.addRow() }, '+ Add line');
    this.result = h('div', { 'aria-live': 'polite' });
    this.save = h('button', { type: 'submit', class: 'primary big', 'data-test': 'po-save' }, po ? 'Preview and save lines' : 'Preview and save PO');

    const title = po ? `Edit lines of ${po.number}` : 'New production order';
    this.el = h('form', { class: 'po-form', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); this.submit(); } },
      heading(title, po ? h('a', { class: 'button', href: `#/orders/${po.id}`, 'data-test': 'po-back' }, 'Back to the PO') : null),
      h('div', { class: 'form-grid' },
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Consignee'), this.consignee),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Source shipment'), this.shipmentSelect,
          h('small', { class: 'hint' }, 'Only inventoried shipments can be a source.')),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'PO number (optional)'), this.number),
        po ? null : h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Schedule on (optional)'), this.day),
        h('label', { class: 'check' }, this.urgent, ' Urgent: first in its day’s run order',
          po ? h('small', { class: 'hint block' }, 'Urgency is set when the PO is created.') : null),
        h('label', { class: 'field wide' }, h('span', { class: 'field-label' }, 'Notes for the stamper'), this.notes)),
      h('h2', {}, 'Lines'),
      h('table', { class: 'grid lines-table', 'data-test': 'po-lines' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Product'), h('th', {}, 'Region'), h('th', { class: 'num' }, 'Quantity'),
          h('th', {}, 'Availability on the shipment'), h('th', {}, ''))),
        this.linesBody),
      this.addLine,
      this.result,
      h('div', { class: 'actions-bar' }, this.save));

    this.consignee.addEventListener('change', () => this.loadShipments());
    this.shipmentSelect.addEventListener('change', () => this.loadShipment());
  }

  async start() {
    if (this.po) {
      await this.loadShipments();
      for (const l of this.po.lines ?? []) this.addRow(l);
    } else {
      const fromUrl = Number(this.ctx.query.get('shipment'));
      const c = fromUrl ? ref.rows('Shipments').find((s) => s.id === fromUrl)?.consignee : null;
      if (c) {
        this.consignee.value = String(c);
        await this.loadShipments(fromUrl);
      }
      if (!this.rows.length) this.addRow();
    }
  }

  // The consignee's shipments, newest first; GetShipment tells which are Inventoried.
  async loadShipments(preferred = null) {
    const consignee = Number(this.consignee.value);
    fill(this.shipmentSelect, h('option', { value: '' }, consignee ? 'Loading shipments…' : 'Choose a consignee first'));
    this.shipmentSelect.disabled = true;
    this.shipment = null;
    this.drawAvailability();
    if (!consignee) return;
    const candidates = ref.rows('Shipments').filter((s) => s.consignee === consignee)
      .sort((a, b) => b.id - a.id).slice(0, SHIPMENTS_CHECKED_MAX);
    if (this.po && !candidates.some((s) => s.id === this.po.shipment)) candidates.push({ id: this.po.shipment, key: `shipment ${this.po.shipment}` });
    const views = await pool(candidates.map((s) => () => read('GetShipment', { shipment: s.id }, 'ShipmentView')));
    if (!this.ctx.alive()) return;
    const options = [{ value: '', label: 'Choose a shipment' }];
    candidates.forEach((s, i) => {
      const v = views[i].ok ? views[i].value : null;
      const ok = v?.status === 'Inventoried';
      options.push({ value: s.id, label: `${s.key}${v ? ` — ${shipmentStatusName(v.status)}` : ''}`, disabled: !ok });
    });
    fill(this.shipmentSelect, options.map((o) => h('option', { value: String(o.value), disabled: o.disabled }, o.label)));
    const inventoried = options.filter((o) => o.value && !o.disabled);
    if (!inventoried.length) fill(this.shipmentSelect, h('option', { value: '' }, 'This consignee has no inventoried shipment'));
    this.shipmentSelect.disabled = Boolean(this.po) || !inventoried.length;
    const want = this.po ? this.po.shipment : preferred;
    if (want) this.shipmentSelect.value = String(want);
    else if (inventoried.length === 1) this.shipmentSelect.value = String(inventoried[0].value);
    await this.loadShipment();
  }

  async loadShipment() {
    const id = Number(this.shipmentSelect.value);
    this.shipment = null;
    if (id) {
      try {
        this.shipment = await read('GetShipment', { shipment: id }, 'ShipmentView');
      } catch (err) {
        fill(this.result, errorBox(err, { names: this.names }));
      }
    }
    this.rows.forEach((r) => this.fillProducts(r));
    this.drawAvailability();
  }

  async refreshAvailability() {
    if (!this.shipment || !this.ctx.alive()) return;
    try {
      this.shipment = await read('GetShipment', { shipment: this.shipment.id }, 'ShipmentView');
      this.drawAvailability();
    } catch {
      // Shown again at the next try; the save's dry run has the last word anyway.
    }
  }

  productOptions() {
    const products = this.shipment?.products ?? [];
    return [{ value: '', label: products.length ? 'Choose a product' : 'Choose a shipment first' },
      ...products.map((p) => ({ value: p.product, label: ref.productName(p.product) ?? `product ${p.product}` }))];
  }

  fillProducts(row) {
    const keep = row.product.value || (row.initial ? String(row.initial.product) : '');
    fill(row.product, this.productOptions().map((o) => h('option', { value: String(o.value) }, o.label)));
    if ([...row.product.options].some((o) => o.value === keep)) row.product.value = keep;
  }

  addRow(line = null) {
    if (this.rows.length >= LINES_MAX) return;
    const row = {
      initial: line,
      product: h('select', { 'data-test': 'line-product' }),
      region: select({ 'data-test': 'line-region' }, REGIONS.map((r) => ({ value: r, label: regionName(r) })), line?.region ?? 'FED'),
      quantity: h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', 'data-test': 'line-quantity',
        value: line ? String(line.quantity) : '' }),
      availability: h('td', { class: 'availability', 'data-test': 'line-availability' }),
    };
    row.el = h('tr', { 'data-test': 'line-row' },
      h('td', {}, row.product), h('td', {}, row.region), h('td', { class: 'num' }, row.quantity), row.availability,
      h('td', {}, h('button', { type: 'button', class: 'link', 'data-test': 'line-remove', 'aria-label': 'Remove this line',
        onclick: () => this.removeRow(row) }, 'Remove')));
    this.fillProducts(row);
    for (const el of [row.product, row.region, row.quantity]) {
      el.addEventListener('input', () => this.drawAvailability());
      el.addEventListener('change', () => this.drawAvailability());
    }
    this.rows.push(row);
    this.linesBody.appendChild(row.el);
    this.drawAvailability();
    if (!line) row.product.focus();
  }

  removeRow(row) {
    this.rows = this.rows.filter((r) => r !== row);
    row.el.remove();
    if (!this.rows.length) this.addRow();
    this.drawAvailability();
  }

  // Available now for `product`: the shipment's figure, plus this PO's own units when editing
  // (EditPoLines releases the old lines before it allocates the new ones).
  availableFor(product) {
    const sp = (this.shipment?.products ?? []).find((p) => p.product === product);
    if (!sp) return null;
    const own = this.po ? (this.po.lines ?? []).filter((l) => l.product === product)
      .reduce((t, l) => t + Number(l.quantity), 0) : 0;
    return { good: Number(sp.good_units), allocated: Number(sp.allocated_units) - own, available: Number(sp.available) + own };
  }

  drawAvailability() {
    const asked = new Map();
    for (const r of this.rows) {
      const p = Number(r.product.value);
      if (p) asked.set(p, (asked.get(p) ?? 0) + (Number(r.quantity.value) || 0));
    }
    for (const r of this.rows) {
      const p = Number(r.product.value);
      const a = p ? this.availableFor(p) : null;
      if (!a) {
        fill(r.availability, h('span', { class: 'muted' }, '—'));
        continue;
      }
      const left = a.available - (asked.get(p) ?? 0);
      r.availability.classList.toggle('over', left < 0);
      fill(r.availability,
        h('strong', { 'data-test': 'line-available' }, `${num(a.available)} available`),
        h('span', { class: 'muted' }, ` of ${num(a.good)} good, ${num(a.allocated)} on other orders`),
        h('span', { class: ['block', left < 0 ? 'negative' : 'muted'], 'data-test': 'line-left' },
          left < 0 ? `${num(-left)} more than available on this form` : `${num(left)} left after this form`));
    }
  }

  lines() {
    return this.rows.filter((r) => r.product.value || r.quantity.value).map((r) => ({
      product: Number(r.product.value), region: r.region.value, quantity: Number(r.quantity.value),
    }));
  }

  check(lines) {
    if (!this.po && !Number(this.consignee.value)) return 'Choose a consignee.';
    if (!Number(this.shipmentSelect.value)) return 'Choose an inventoried source shipment.';
    if (!lines.length) return 'Add at least one line.';
    for (const [i, l] of lines.entries()) {
      if (!l.product) return `Choose the product of line ${i + 1}.`;
      if (!Number.isInteger(l.quantity) || l.quantity < 1) return `Give line ${i + 1} a quantity of at least 1.`;
    }
    return null;
  }

  // The command and body for the form as it is, with the capacity choice made so far.
  request(choice) {
    const lines = this.lines();
    if (this.po) {
      return { kind: 'EditPoLines', body: { po: this.po.id, lines, override_capacity: choice === 'override' } };
    }
    const body = {
      number: this.number.value.trim(), consignee: Number(this.consignee.value), shipment: Number(this.shipmentSelect.value),
      lines, urgent: this.urgent.checked, notes: this.notes.value.trim(),
      mode: choice === 'override' ? 'OverrideCapacity' : choice === 'split' ? 'AutoSplit' : 'Strict',
    };
    const on = isoToDay(this.day.value);
    if (on !== null) body.on = on;
    return { kind: 'CreatePo', body };
  }

  async submit() {
    const lines = this.lines();
    const problem = this.check(lines);
    if (problem) {
      fill(this.result, h('p', { class: 'refusal', 'data-test': 'refusal' }, problem));
      return;
    }
    fill(this.result);
    this.save.disabled = true;
    try {
      let choice = null;
      for (;;) {
        const { kind, body } = this.request(choice);
        const outcome = await command(kind, body, { dryRun: true });
        if (!this.ctx.alive()) return;
        if (outcome.code === 'CAPACITY_EXCEEDED' && choice === null) {
          choice = await capacityChoice(outcome, { split: !this.po });
          if (!choice) return;
          continue;
        }
        if (outcome.code !== 'OK') {
          fill(this.result, refusal(outcome, { names: this.names, kind, lineCount: lines.length }));
          return;
        }
        this.preview(kind, body, outcome);
        return;
      }
    } catch (err) {
      fill(this.result, errorBox(err));
    } finally {
      this.save.disabled = false;
    }
  }

  preview(kind, body, dry) {
    const result = h('div', { 'aria-live': 'polite' });
    dialog({
      title: this.po ? `Save the lines of ${this.po.number}?` : 'Save this production order?', test: 'dialog-preview',
      body: [h('div', { class: 'preview', 'data-test': 'preview' },
        h('p', {}, 'What saving records:'),
        effectsList(dry.effects, this.names)),
      result],
      actions: [
        { label: 'Back to the form', test: 'preview-back', onClick: (close) => close() },
        { label: this.po ? 'Save lines' : 'Save PO', test: 'preview-confirm', kind: 'primary', focus: true, onClick: async (close) => {
          try {
            const outcome = await command(kind, body);
            if (outcome.code !== 'OK') {
              fill(result, refusal(outcome, { names: this.names, kind, lineCount: body.lines.length }));
              return;
            }
            close();
            const id = this.po ? this.po.id : outcome.result;
            notice(this.po ? 'Lines saved.' : 'Production order created.');
            this.ctx.navigate(`#/orders/${id}`);
          } catch (err) {
            fill(result, errorBox(err));
          }
        } },
      ],
    });
  }
}
