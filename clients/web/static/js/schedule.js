// Scheduling a PO on a day (SchedulePo) with the refuse / override / auto-split choice of SPEC §5:
// Strict first; on CAPACITY_EXCEEDED the figures and two ways on — past the capacity (recorded)
// or split into segments on the following weekdays, whose plan is previewed (a dry run) before it
// is made. Used by the calendar and the order screen; capacityChoice() also serves the commands
// that take override_capacity (EditPoLines, AmendLine, ApproveRequest).
'use strict';

import { command } from './api.js';
import { date, dayToIso, isoToDay, isWeekend, num } from './format.js';
import * as ref from './ref.js';
import { dialog, effectsList, fill, h, notice, refusal } from './ui.js';

/**
 * A CAPACITY_EXCEEDED refusal and the choice it leaves: resolves 'override', 'split' (when
 * `split`) or null (back).
 */
export function capacityChoice(outcome, { split = false, title = 'Over the day’s capacity' } = {}) {
  return new Promise((resolve) => {
    const actions = [
      { label: 'Back', test: 'capacity-back', onClick: (close) => { resolve(null); close(); } },
      { label: 'Go past capacity (recorded)', test: 'capacity-override', kind: 'danger',
        onClick: (close) => { resolve('override'); close(); } },
    ];
    if (split) {
      actions.push({ label: 'Auto-split over the next days', test: 'capacity-split', kind: 'primary', focus: true,
        onClick: (close) => { resolve('split'); close(); } });
    }
    dialog({
      title, test: 'dialog-capacity', actions, onCancel: () => resolve(null),
      body: [refusal(outcome, { names: ref.names() }),
        h('p', {}, 'Going past the capacity is recorded with your name for audit.')],
    });
  });
}

/**
 * The schedule dialog of a PO ({id, number, units, segment}); `day` is the day proposed. Resolves true
 * when the PO was scheduled (or split), false when left.
 */
export function scheduleDialog(po, day) {
  return new Promise((resolve) => {
    const names = ref.names();
    ref.rememberPo(po.id, po.number);
    const dayInput = h('input', { type: 'date', value: day !== null && day !== undefined ? dayToIso(day) : '',
      required: true, 'data-test': 'schedule-day' });
    const result = h('div', { class: 'dialog-result', 'aria-live': 'polite' });
    const submit = h('button', { type: 'button', class: 'primary big', 'data-test': 'schedule-submit' }, 'Schedule');
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      resolve(value);
    };
    const d = dialog({
      title: `Schedule ${po.number}`, test: 'dialog-schedule',
      body: [
        h('p', {}, `${num(po.units)} units.`),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Day'), dayInput),
        h('div', { class: 'row' }, submit),
        result,
      ],
      actions: [{ label: 'Back', test: 'schedule-cancel', onClick: (close) => { finish(false); close(); } }],
      onCancel: () => finish(false),
    });

    const send = async (mode, dryRun = false) => {
      const on = isoToDay(dayInput.value);
      if (on === null) {
        fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Choose a day.'));
        return null;
      }
      if (isWeekend(on)) {
        fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, `${date(on)} is a weekend day: the line is closed.`));
        return null;
      }
      return { on, outcome: await command('SchedulePo', { po: po.id, on, mode }, { dryRun }) };
    };
    const succeeded = (text) => {
      notice(text);
      finish(true);
      d.close();
    };
    const fail = (err) => fill(result, err.outcome ? refusal(err.outcome, { names }) :
      h('p', { class: 'refusal', 'data-test': 'refusal' }, err.message));

    // The split's plan is shown under the choices, which stay on screen.
    const offerSplitPlan = async (planHost) => {
      const r = await send('AutoSplit', true);
      if (!r) return;
      if (r.outcome.code !== 'OK') {
        fill(planHost, refusal(r.outcome, { names }));
        return;
      }
      const confirm = h('button', { type: 'button', class: 'primary big', 'data-test': 'schedule-split-confirm' },
        'Split and schedule');
      fill(planHost, h('div', { class: 'preview', 'data-test': 'preview' },
        h('h3', {}, 'The plan'),
        effectsList(r.outcome.effects, names),
        confirm));
      confirm.addEventListener('click', async () => {
        confirm.disabled = true;
        try {
          const real = await send('AutoSplit');
          if (real && real.outcome.code === 'OK') succeeded(`${po.number} split from ${date(real.on)}.`);
          else if (real) fill(planHost, refusal(real.outcome, { names }));
        } catch (err) {
          fail(err);
        } finally {
          confirm.disabled = false;
        }
      });
      confirm.focus();
    };

    const offerOverride = async () => {
      const r = await send('OverrideCapacity');
      if (!r) return;
      if (r.outcome.code === 'OK') succeeded(`${po.number} scheduled on ${date(r.on)}, past the day’s capacity (recorded).`);
      else fill(result, refusal(r.outcome, { names }));
    };

    submit.addEventListener('click', async () => {
      submit.disabled = true;
      try {
        const r = await send('Strict');
        if (!r) return;
        if (r.outcome.code === 'OK') {
          succeeded(`${po.number} scheduled on ${date(r.on)}.`);
          return;
        }
        if (r.outcome.code !== 'CAPACITY_EXCEEDED') {
          fill(result, refusal(r.outcome, { names }));
          return;
        }
        const override = h('button', { type: 'button', class: 'danger big', 'data-test': 'schedule-override' },
          'Go past capacity (recorded)');
        const split = h('button', { type: 'button', class: 'primary big', 'data-test': 'schedule-split' },
          'Auto-split over the next days');
        const planHost = h('div', { 'aria-live': 'polite' });
        override.addEventListener('click', () => offerOverride().catch(fail));
        split.addEventListener('click', () => offerSplitPlan(planHost).catch(fail));
        // A segment cannot be split again: only the override is offered for it.
        fill(result, refusal(r.outcome, { names }),
          h('p', {}, po.segment ? 'Schedule it anyway (recorded with your name), or choose another day.'
            : 'Schedule it anyway (recorded with your name), or split it into segments on the following weekdays, each taking the room left that day.'),
          h('div', { class: 'row' }, override, po.segment ? null : split), planHost);
        (po.segment ? override : split).focus();
      } catch (err) {
        fail(err);
      } finally {
        submit.disabled = false;
      }
    });
    dayInput.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        submit.click();
      }
    });
  });
}

/** Takes a PO off the calendar (SchedulePo without a day). Resolves the Outcome. */
export async function unschedule(po) {
  return command('SchedulePo', { po: po.id, mode: 'Strict' });
}
