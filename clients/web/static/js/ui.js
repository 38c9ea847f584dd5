// DOM helpers shared by every screen: h() builds elements from text nodes only (never innerHTML,
// so nothing from the server is ever parsed as HTML), modal dialogs that Escape cancels, the
// refusal box that says an Outcome in words, progress bars, notices and a coalescing refresher.
'use strict';

import { describeEffects, describeOutcome } from './format.js';

/**
 * h('button', {class: 'primary', 'data-test': 'login-submit', onclick: fn}, 'Log in')
 * Attributes: class, data-*, aria-*, any DOM property (value, checked, disabled, type, ...),
 * on<event> handlers. Children: strings (as text nodes), numbers, nodes, arrays, null/false.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
    } else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'for' ||
               key === 'list' || key === 'form' || key === 'inputmode' || key === 'autocomplete') {
      el.setAttribute(key, value === true ? '' : String(value));
    } else if (key in el) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replace the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A labelled form field: <label><span>Label</span>control<small>hint</small></label> */
export function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control,
    hint ? h('small', { class: 'hint' }, hint) : null);
}

/** A select of options [{value, label}], `selected` chosen. */
export function select(attrs, options, selected) {
  const el = h('select', attrs);
  for (const o of options) {
    el.appendChild(h('option', { value: String(o.value), selected: String(o.value) === String(selected) }, o.label));
  }
  return el;
}

/**
 * The refusal box: the Outcome in words, then its code in small type. `context` as for
 * describeOutcome. data-test="refusal", data-code="<CODE>".
 */
export function refusal(outcome, context = {}, test = 'refusal') {
  return h('div', { class: 'refusal', role: 'alert', 'data-test': test, 'data-code': outcome?.code ?? 'ERROR' },
    h('p', { class: 'refusal-text' }, describeOutcome(outcome, context)),
    h('small', { class: 'code' }, outcome?.code ?? 'ERROR'));
}

/** A refusal box for a thrown error (api.js ApiError / RefusalError, or anything else). */
export function errorBox(err, context = {}, test = 'refusal') {
  if (err && err.outcome) return refusal(err.outcome, context, test);
  const code = err?.code ?? 'ERROR';
  return h('div', { class: 'refusal', role: 'alert', 'data-test': test, 'data-code': code },
    h('p', { class: 'refusal-text' }, err?.message ?? String(err)),
    h('small', { class: 'code' }, code));
}

/** A dry run's effects as a list of sentences (data-test="preview-effect" each). */
export function effectsList(effects, names = {}) {
  const lines = describeEffects(effects, names);
  return h('ul', { class: 'effects' }, lines.length ? lines.map((t) => h('li', { 'data-test': 'preview-effect' }, t))
    : h('li', {}, 'Nothing would change.'));
}

const NOTICES_SHOWN_MAX = 2;

/** A short-lived message at the top of the page ("Box 4 confirmed"). */
export function notice(text, kind = 'ok') {
  const host = document.getElementById('notices');
  if (!host) return;
  const el = h('div', { class: ['notice', kind], role: 'status', 'data-test': 'notice' }, text);
  el.dataset.shownAt = String(Date.now());
  host.appendChild(el);
  while (host.children.length > NOTICES_SHOWN_MAX) host.firstElementChild.remove(); // a pile hid the screen
  setTimeout(() => el.remove(), 5000);
}

// A notice younger than this outlives a change of screen: it tells what brought the person to the
// new one ("Credit note drafted." as the note opens); an older one belongs to the screen left.
const NOTICE_CARRIED_MS = 1500;

/** On a change of screen: removes the notices that belong to the screen left. */
export function clearStaleNotices(now = Date.now()) {
  for (const el of [...(document.getElementById('notices')?.children ?? [])]) {
    if (now - Number(el.dataset.shownAt ?? 0) >= NOTICE_CARRIED_MS) el.remove();
  }
}

/** Removes every notice (logout: the next person must not read the last one's). */
export function clearNotices() {
  document.getElementById('notices')?.replaceChildren();
}

// ---------------------------------------------------------------- dialogs

let openDialogs = 0;

/** Whether a modal dialog is open (the scan fields do not take the focus back then). */
export function dialogOpen() {
  return openDialogs > 0;
}

/**
 * A modal dialog. actions: [{label, test, kind: 'primary'|'danger'|'', onClick(close) → maybe
 * Promise, focus: true}]. Escape (or the browser's cancel) calls onCancel. Returns {close, body,
 * el}. The element has data-test=<test>.
 */
export function dialog({ title, test = 'dialog', body = [], actions = [], onCancel = () => {}, onClose = () => {} }) {
  const content = h('div', { class: 'dialog-body' }, body);
  const bar = h('div', { class: 'dialog-actions' });
  const el = h('dialog', { class: 'dialog', 'data-test': test, 'aria-labelledby': `${test}-title` },
    h('h2', { id: `${test}-title` }, title), content, bar);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    openDialogs -= 1;
    if (el.open) el.close();
    el.remove();
    // Closing gives the focus back to the field that had it; after a tap or click on the dialog,
    // Chromium then drops the characters typed there (a wedge scanner's barcode) until the field
    // is focused anew.
    const back = document.activeElement;
    if (back && back !== document.body && back.matches('input, textarea')) {
      back.blur();
      back.focus({ preventScroll: true });
    }
    onClose();
  };
  let focusTarget = null;
  for (const a of actions) {
    const button = h('button', { type: 'button', class: ['big', a.kind], 'data-test': a.test },
      a.label);
    button.addEventListener('click', async () => {
      if (button.disabled) return;
      bar.querySelectorAll('button').forEach((b) => { b.disabled = true; });
      try {
        await a.onClick(close);
      } finally {
        bar.querySelectorAll('button').forEach((b) => { b.disabled = false; });
      }
    });
    bar.appendChild(button);
    if (a.focus) focusTarget = button;
  }
  el.addEventListener('cancel', (ev) => {
    ev.preventDefault();
    onCancel();
    close();
  });
  document.body.appendChild(el);
  openDialogs += 1;
  el.showModal();
  (focusTarget ?? el.querySelector('input, select, textarea, button'))?.focus();
  return { close, body: content, el, actions: bar };
}

/** A dialog asking for one thing to be confirmed; resolves true (confirmed) or false. */
export function confirmDialog({ title, text, confirmLabel, test = 'confirm-dialog', kind = 'primary' }) {
  return new Promise((resolve) => {
    dialog({
      title, test, body: [h('p', {}, text)],
      actions: [
        { label: 'Back', test: `${test}-cancel`, onClick: (close) => { resolve(false); close(); } },
        { label: confirmLabel, test: `${test}-confirm`, kind, focus: true,
          onClick: (close) => { resolve(true); close(); } },
      ],
      onCancel: () => resolve(false),
    });
  });
}

// ---------------------------------------------------------------- bars

/**
 * A stacked bar of parts [{value, kind, label}] out of `total`. kind: done, skipped, left, load,
 * over. data-test on the wrapper.
 */
export function stackedBar(parts, total, attrs = {}) {
  const bar = h('div', { class: 'bar', role: 'img', ...attrs });
  const sum = Math.max(Number(total) || 0, parts.reduce((t, p) => t + Number(p.value || 0), 0));
  bar.setAttribute('aria-label', parts.map((p) => `${p.label}`).join(', '));
  for (const p of parts) {
    const v = Number(p.value || 0);
    if (v <= 0 || sum <= 0) continue;
    const seg = h('span', { class: ['bar-part', p.kind], title: p.label });
    seg.style.width = `${(100 * v) / sum}%`;
    bar.appendChild(seg);
  }
  return bar;
}

// ---------------------------------------------------------------- refreshing

/**
 * Wraps an async refresh so that triggers coalesce: at most one run at a time, and one more
 * run after it when triggered meanwhile (live pushes come up to ten a second), no sooner than
 * `gapMs` after the previous run began.
 */
export function refresher(run, gapMs = 0) {
  let running = false;
  let again = false;
  const trigger = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const began = Date.now();
        try {
          await run();
        } catch (err) {
          console.error('refresh failed', err);
        }
        const wait = gapMs - (Date.now() - began);
        if (again && wait > 0) await new Promise((r) => setTimeout(r, wait));
      } while (again);
    } finally {
      running = false;
    }
  };
  return trigger;
}

/** Runs `tasks` (functions returning promises) with at most `limit` at once. */
export async function pool(tasks, limit = 6) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await tasks[i]() };
      } catch (err) {
        results[i] = { ok: false, error: err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A button that shows it is busy while its async handler runs (no double submits). */
export function actionButton(label, attrs, handler) {
  const button = h('button', { type: 'button', ...attrs }, label);
  button.addEventListener('click', async (ev) => {
    if (button.disabled) return;
    button.disabled = true;
    button.classList.add('busy');
    try {
      await handler(ev);
    } finally {
      button.disabled = false;
      button.classList.remove('busy');
    }
  });
  return button;
}

/** <table> from headers and rows of cells (cells: strings or nodes). */
export function table(headers, rows, attrs = {}) {
  return h('div', { class: 'table-wrap' }, h('table', { ...attrs, class: attrs.class ?? 'grid' },
    h('thead', {}, h('tr', {}, headers.map((x) => (typeof x === 'object' && !(x instanceof Node)
      ? h('th', { class: x.class }, x.label) : h('th', {}, x))))),
    h('tbody', {}, rows)));
}

/**
 * Keeps a list's filters in the URL without a new history entry: keepFilters('invoices',
 * [['status', select.value, '-1'], ...]) leaves out each filter at its "any" value.
 */
export function keepFilters(route, filters) {
  const p = new URLSearchParams();
  for (const [name, value, any] of filters) if (value !== any && value !== '') p.set(name, value);
  history.replaceState(null, '', `#/${route}${p.toString() ? `?${p}` : ''}`);
}

/** A placeholder while a screen loads. */
export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', 'data-test': 'loading' }, text);
}

/** A screen's heading row: title and optional actions on the right. */
export function heading(title, ...actions) {
  return h('div', { class: 'screen-head' }, h('h1', {}, title), h('div', { class: 'head-actions' }, actions));
}
