// The production calendar (#/calendar, #/calendar/week/2026-11-30, #/calendar/month/2026-12-01):
// each day's load against its capacity (GetCalendar), its POs in run order (urgent first), the
// open POs still to schedule and the split parents with their segments. Scheduling goes through
// schedule.js (Strict first; on CAPACITY_EXCEEDED, override or auto-split).
'use strict';

import { read, readAll } from '../api.js';
import { may } from '../access.js';
import { civil, date, dayOf, dayToIso, isoToDay, monthTitle, mondayOf, num, plural, poStatusName, shortDate, toDay, weekdayShort } from '../format.js';
import * as ref from '../ref.js';
import { scheduleDialog } from '../schedule.js';
import { errorBox, fill, h, heading, loading, pool, refresher, stackedBar, table } from '../ui.js';

const FALLBACK_REFRESH_MS = 30000;

export function mount(root, ctx) {
  ctx.setTitle('Calendar');
  const view = ctx.parts[1] === 'month' ? 'month' : 'week';
  const anchorGiven = isoToDay(ctx.parts[2] ?? '');
  const grid = h('div', { class: 'calendar-host' }, loading());
  const dayPanel = h('section', { class: 'panel day-panel', 'data-test': 'day-panel' });
  const unscheduledPanel = h('section', { class: 'panel', 'data-test': 'unscheduled-list' }, h('h2', {}, 'To schedule'), loading());
  const title = h('h2', { class: 'calendar-title', 'data-test': 'calendar-title' });
  const state = { view, anchor: anchorGiven, today: null, selected: null, pos: new Map() };

  const go = (v, anchor) => ctx.navigate(`#/calendar/${v}/${dayToIso(anchor)}`);
  const toolbar = h('div', { class: 'toolbar' },
    h('div', { class: 'segmented', role: 'group', 'aria-label': 'View' },
      h('button', { type: 'button', class: view === 'week' ? 'on' : '', 'aria-pressed': String(view === 'week'), 'data-test': 'calendar-week',
        onclick: () => go('week', state.anchor) }, 'Week'),
      h('button', { type: 'button', class: view === 'month' ? 'on' : '', 'aria-pressed': String(view === 'month'), 'data-test': 'calendar-month',
        onclick: () => go('month', state.anchor) }, 'Month')),
    h('button', { type: 'button', 'data-test': 'calendar-prev', 'aria-label': 'Previous',
      onclick: () => go(view, step(view, state.anchor, -1)) }, '‹ Previous'),
    h('button', { type: 'button', 'data-test': 'calendar-today', onclick: () => go(view, state.today) }, 'Today'),
    h('button', { type: 'button', 'data-test': 'calendar-next', 'aria-label': 'Next',
      onclick: () => go(view, step(view, state.anchor, 1)) }, 'Next ›'),
    title);

  root.append(h('div', { class: 'screen', 'data-test': 'screen-calendar', 'data-view': view },
    heading('Production calendar'), toolbar,
    h('div', { class: 'calendar-layout' }, grid, h('div', { class: 'calendar-side' }, dayPanel, unscheduledPanel))));

  const refresh = refresher(async () => {
    await ref.ready(['Consignees', 'Products']);
    state.today = await ref.today();
    if (state.anchor === null) state.anchor = state.today;
    if (state.selected === null) state.selected = state.anchor;
    const range = rangeOf(view, state.anchor);
    fill(title, view === 'week' ? `Week of ${date(range.from)}` : monthTitle(state.anchor));
    try {
      const cal = await read('GetCalendar', { from_day: range.from, days: range.days }, 'Calendar');
      const ids = [...new Set((cal.days ?? []).flatMap((d) => d.pos ?? []))];
      const got = await pool(ids.map((id) => () => read('GetPo', { po: id }, 'PoView')));
      if (!ctx.alive()) return;
      got.filter((r) => r.ok).forEach((r) => { state.pos.set(r.value.id, r.value); ref.rememberPo(r.value.id, r.value.number); });
      // Segments are named beside their parent's number.
      const parents = [...new Set([...state.pos.values()].map((p) => p.parent).filter((p) => p && !ref.poName(p)))];
      await pool(parents.map((p) => () => ref.poNumber(p)));
      state.days = cal.days ?? [];
      state.range = range;
      redraw();
      ctx.watch(ids.filter((id) => ['Open', 'InProduction'].includes(state.pos.get(id)?.status)));
    } catch (err) {
      fill(grid, errorBox(err));
    }
    await drawUnscheduled(unscheduledPanel, state, ctx, again);
  }, 1000);
  const again = () => refresh();
  const redraw = () => {
    drawGrid(grid, state, view, redraw);
    drawDay(dayPanel, state, again);
  };
  ctx.onLive(again);
  const timer = setInterval(again, FALLBACK_REFRESH_MS);
  refresh();
  return () => clearInterval(timer);
}

function step(view, anchor, dir) {
  if (view === 'week') return anchor + 7 * dir;
  const c = civil(anchor);
  const m = c.month - 1 + dir;
  return dayOf(c.year + Math.floor(m / 12), ((m % 12) + 12) % 12 + 1, 1);
}

// Week: Monday to Sunday. Month: whole weeks from the Monday before the 1st (at most 42 days,
// under GetCalendar's 62).
function rangeOf(view, anchor) {
  if (view === 'week') return { from: mondayOf(anchor), days: 7 };
  const c = civil(anchor);
  const first = dayOf(c.year, c.month, 1);
  const next = c.month === 12 ? dayOf(c.year + 1, 1, 1) : dayOf(c.year, c.month + 1, 1);
  const from = mondayOf(first);
  const weeks = Math.ceil((next - from) / 7);
  return { from, days: weeks * 7, month: c.month };
}

function units(po) {
  return (po?.lines ?? []).reduce((t, l) => t + Number(l.quantity), 0);
}

function drawGrid(host, state, view, select) {
  const { range } = state;
  const cells = state.days.map((d) => {
    const day = toDay(d.day);
    const load = Number(d.load);
    const capacity = Number(d.capacity);
    const over = load > capacity;
    const outside = view === 'month' && civil(day).month !== range.month;
    const chips = (d.pos ?? []).map((id) => {
      const po = state.pos.get(id);
      return h('li', {}, h('a', { href: `#/orders/${id}`, class: ['chip', po?.status, po?.urgent ? 'urgent' : null],
        'data-test': 'calendar-po', 'data-id': id, title: po ? `${poStatusName(po.status)}, ${num(units(po))} units` : '' },
      po?.urgent ? '! ' : '', po?.number ?? `PO ${id}`,
      view === 'week' && po ? h('span', { class: 'chip-detail' }, ` ${num(units(po))} units · ${ref.consigneeName(po.consignee) ?? ''}`) : null));
    });
    return h('div', {
      class: ['cal-day', d.closed ? 'closed' : null, outside ? 'outside' : null, day === state.today ? 'today' : null,
        day === state.selected ? 'selected' : null, over ? 'over' : null],
      'data-test': 'calendar-day', 'data-day': d.day,
    },
    h('button', { type: 'button', class: 'cal-day-head', 'data-test': 'calendar-day-select',
      'aria-label': `${date(day)}: ${num(load)} of ${num(capacity)} units`,
      onclick: () => { state.selected = day; select(); } },
    h('span', { class: 'cal-date' }, view === 'week' ? `${weekdayShort(day)} ${shortDate(day)}`
      : outside || civil(day).day === 1 ? shortDate(day) : String(civil(day).day))),
    d.closed ? h('span', { class: 'muted small' }, 'Closed') : [
      stackedBar([
        { value: Math.min(load, capacity), kind: 'load', label: `${num(load)} planned` },
        { value: Math.max(0, load - capacity), kind: 'over', label: `${num(load - capacity)} over` },
        { value: Math.max(0, capacity - load), kind: 'free', label: `${num(capacity - load)} free` },
      ], Math.max(load, capacity)),
      h('span', { class: ['figures', over ? 'over' : null], 'data-test': 'day-load' }, `${num(load)} / ${num(capacity)}`),
      d.overridden ? h('span', { class: 'badge warn', title: 'Past capacity by a supervisor’s override (recorded)' }, 'Override') : null,
    ],
    chips.length ? h('ul', { class: 'chips' }, chips) : null);
  });
  const heads = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => h('div', { class: 'cal-head' }, d));
  fill(host, h('div', { class: ['cal-grid', view] }, view === 'month' ? heads : null, cells));
}

function drawDay(panel, state, again) {
  const d = state.days?.find((x) => toDay(x.day) === state.selected);
  if (!d) {
    fill(panel, h('h2', {}, date(state.selected)), h('p', { class: 'muted' }, 'Outside the range shown.'));
    return;
  }
  const load = Number(d.load);
  const capacity = Number(d.capacity);
  const rows = (d.pos ?? []).map((id, i) => {
    const po = state.pos.get(id);
    return h('tr', { 'data-test': 'day-po', 'data-id': id },
      h('td', {}, String(i + 1)),
      h('td', {}, h('a', { href: `#/orders/${id}`, class: 'po-number' }, po?.number ?? `PO ${id}`),
        po?.urgent ? h('span', { class: 'badge urgent' }, 'Urgent') : null,
        po?.parent ? h('small', { class: 'muted block' }, `segment of ${ref.poName(po.parent) ?? `PO ${po.parent}`}`) : null),
      h('td', {}, ref.consigneeName(po?.consignee) ?? ''),
      h('td', { class: 'num' }, num(units(po))),
      h('td', {}, po ? h('span', { class: ['status', po.status] }, poStatusName(po.status)) : ''),
      h('td', {}, po && po.status === 'Open' && may('SchedulePo')
        ? h('button', { type: 'button', 'data-test': 'day-po-move',
          onclick: async () => { if (await scheduleDialog({ id, number: po.number, units: units(po), segment: Boolean(po.parent) }, state.selected)) again(); } }, 'Move…')
        : ''));
  });
  fill(panel,
    h('h2', { 'data-test': 'day-title' }, date(state.selected)),
    d.closed ? h('p', {}, 'Weekend: the line is closed.') : h('p', {},
      `${num(load)} of ${num(capacity)} units planned; `,
      load > capacity ? h('strong', { class: 'negative' }, `${num(load - capacity)} over capacity`) : `${num(capacity - load)} free`,
      d.overridden ? ' (capacity overridden, recorded).' : '.'),
    rows.length ? table(['#', 'PO', 'Consignee', { label: 'Units', class: 'num' }, 'Status', ''], rows) : h('p', { class: 'muted' }, 'No PO on this day.'));
}

// Open POs with no day, and split parents (whose segments carry the days).
async function drawUnscheduled(panel, state, ctx, again) {
  try {
    const open = await readAll('ListPos', { consignee: 0, status: 0 }, 'PoList', 'pos');
    const candidates = open.filter((p) => p.scheduled === null && !p.parent);
    const views = (await pool(candidates.map((p) => () => read('GetPo', { po: p.id }, 'PoView')))).filter((r) => r.ok).map((r) => r.value);
    if (!ctx.alive()) return;
    const toSchedule = views.filter((p) => !(p.segments ?? []).length);
    const parents = views.filter((p) => (p.segments ?? []).length);
    // A segment's day and status: from the open list, else (started or done) from GetPo.
    const segmentsOf = new Map(open.filter((p) => p.parent).map((p) => [p.id, p]));
    const missing = parents.flatMap((p) => p.segments).filter((s) => !segmentsOf.has(s));
    (await pool(missing.map((s) => () => read('GetPo', { po: s }, 'PoView'))))
      .forEach((r) => { if (r.ok) segmentsOf.set(r.value.id, r.value); });
    if (!ctx.alive()) return;
    const scheduleButton = (po) => (may('SchedulePo') ? h('button', { type: 'button', class: 'primary', 'data-test': 'schedule-open',
      onclick: async () => { if (await scheduleDialog({ id: po.id, number: po.number, units: units(po) }, state.selected)) again(); } },
    'Schedule…') : null);
    fill(panel,
      h('h2', {}, 'To schedule'),
      toSchedule.length ? h('ul', { class: 'plain' }, toSchedule.sort((a, b) => b.urgent - a.urgent || a.id - b.id).map((po) =>
        h('li', { class: 'unscheduled', 'data-test': 'unscheduled-row', 'data-id': po.id },
          h('a', { href: `#/orders/${po.id}`, class: 'po-number' }, po.number),
          po.urgent ? h('span', { class: 'badge urgent' }, 'Urgent') : null,
          h('span', { class: 'muted' }, ` ${ref.consigneeName(po.consignee) ?? ''}, ${num(units(po))} units `),
          scheduleButton(po))))
        : h('p', { class: 'muted', 'data-test': 'unscheduled-empty' }, 'Every open PO has a day.'),
      parents.length ? [h('h3', {}, 'Split orders'), h('ul', { class: 'plain' }, parents.map((p) =>
        h('li', { 'data-test': 'split-parent', 'data-id': p.id },
          h('a', { href: `#/orders/${p.id}`, class: 'po-number' }, p.number), ` ${num(units(p))} units in ${plural(p.segments.length, 'segment', 'segments')}:`,
          h('ul', {}, p.segments.map((s) => {
            const seg = segmentsOf.get(s);
            return h('li', { 'data-test': 'split-segment', 'data-id': s },
              h('a', { href: `#/orders/${s}` }, seg?.number ?? `PO ${s}`),
              seg ? ` — ${seg.scheduled ? date(seg.scheduled) : 'unscheduled'}, ${num(seg.units ?? units(seg))} units, ${poStatusName(seg.status).toLowerCase()}` : '');
          })))))] : null);
  } catch (err) {
    fill(panel, h('h2', {}, 'To schedule'), errorBox(err));
  }
}
