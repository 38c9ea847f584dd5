// Reference data a screen needs to name things (consignees, products, users, shipments), the
// warehouse's settings (its time zone gives "today"), and the names of production orders seen.
// Loaded once per login and on demand; cleared at logout. Names for format.js come from names().
'use strict';

import { readAll, read } from './api.js';
import { isConsignee } from './access.js';
import { DEFAULT_ZONE, localDay } from './format.js';

const lists = new Map(); // kind → Promise<Map id → row>
const settled = new Map(); // kind → Map id → row, once loaded (read synchronously by the names)
const poNames = new Map(); // id → number
const boxNames = new Map(); // id → barcode
let settings = null;

/** Forget everything (logout, or another person logs in). */
export function clear() {
  lists.clear();
  settled.clear();
  poNames.clear();
  boxNames.clear();
  settings = null;
}

/** ListReference of `kind` (Users, Consignees, Products, Shipments) as a Map id → row. */
export function reference(kind, { fresh = false } = {}) {
  if (kind === 'Users' && isConsignee()) return Promise.resolve(new Map());
  if (fresh || !lists.has(kind)) {
    const p = readAll('ListReference', { kind }, 'ReferenceList', 'rows')
      .then((found) => {
        const m = new Map(found.map((r) => [r.id, r]));
        settled.set(kind, m);
        return m;
      });
    p.catch(() => lists.delete(kind));
    lists.set(kind, p);
  }
  return lists.get(kind);
}

/**
 * Ensures the kinds are loaded and readable by the synchronous name functions below; a kind the
 * person may not read stays empty. `fresh` reloads them.
 */
export async function ready(kinds, { fresh = false } = {}) {
  await Promise.all(kinds.map((k) => reference(k, { fresh }).catch(() => new Map())));
}

export function consigneeName(id) {
  const r = settled.get('Consignees')?.get(id);
  return r ? r.name || r.key : null;
}

export function productName(id) {
  const r = settled.get('Products')?.get(id);
  return r ? `${r.name || r.key}` : null;
}

export function productRow(id) {
  return settled.get('Products')?.get(id) ?? null;
}

export function userName(id) {
  const r = settled.get('Users')?.get(id);
  return r ? r.name || r.key : null;
}

export function shipmentKey(id) {
  const r = settled.get('Shipments')?.get(id);
  return r ? `shipment ${r.key}` : null;
}

/** A shipment's key alone ("SH-3"), for a table cell. */
export function shipmentCode(id) {
  return settled.get('Shipments')?.get(id)?.key ?? null;
}

/** Rows of a loaded kind, as an array in id order. */
export function rows(kind) {
  return [...(settled.get(kind)?.values() ?? [])];
}

export function rememberPo(id, number) {
  if (id && number) poNames.set(Number(id), number);
}

export function rememberBox(id, barcode) {
  if (id && barcode) boxNames.set(Number(id), barcode);
}

export function poName(id) {
  const n = poNames.get(Number(id));
  return n ? n : null;
}

/** The names object format.js's describeOutcome / describeEvent take. */
export function names() {
  return {
    product: productName,
    consignee: consigneeName,
    user: userName,
    shipment: shipmentKey,
    po: (id) => (poName(id) ? poName(id) : null),
    box: (id) => (boxNames.get(Number(id)) ? `box ${boxNames.get(Number(id))}` : null),
  };
}

/** GetSettings (staff only; a consignee user gets the default zone). */
export async function warehouseSettings() {
  if (settings) return settings;
  if (isConsignee()) return DEFAULT_ZONE;
  try {
    settings = await read('GetSettings', {}, 'SettingsView');
  } catch {
    return DEFAULT_ZONE;
  }
  return settings;
}

/** Today's day number in the warehouse's time zone. */
export async function today() {
  return localDay(await warehouseSettings());
}

/** The number of a PO, from the cache or GetPo. */
export async function poNumber(id) {
  if (poNames.has(id)) return poNames.get(id);
  const po = await read('GetPo', { po: id }, 'PoView');
  rememberPo(po.id, po.number);
  return po.number;
}
