// Change one's own password: POST /api/password {current, new}. At least 10 characters.
'use strict';

import { password } from '../api.js';
import { errorBox, fill, h, heading, refusal } from '../ui.js';
import { PASSWORD_LENGTH_MIN } from './users.js';

export function mount(root, ctx) {
  ctx.setTitle('Change password');
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true, 'data-test': 'password-current' });
  const next = h('input', { type: 'password', autocomplete: 'new-password', minLength: PASSWORD_LENGTH_MIN, required: true, 'data-test': 'password-new' });
  const again = h('input', { type: 'password', autocomplete: 'new-password', minLength: PASSWORD_LENGTH_MIN, required: true, 'data-test': 'password-repeat' });
  const submit = h('button', { type: 'submit', class: 'primary big', 'data-test': 'password-submit' }, 'Change password');
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel narrow', novalidate: true },
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Current password'), current),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'New password'), next,
      h('small', { class: 'hint' }, `At least ${PASSWORD_LENGTH_MIN} characters.`)),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'New password again'), again),
    result, submit);
  root.append(h('div', { class: 'screen', 'data-test': 'screen-password' }, heading('Change password'), form));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const say = (text) => fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, text));
    if (!current.value) return say('Enter your current password.');
    if (next.value.length < PASSWORD_LENGTH_MIN) return say(`A password has at least ${PASSWORD_LENGTH_MIN} characters.`);
    if (next.value !== again.value) return say('The two new passwords differ.');
    if (next.value === current.value) return say('The new password is the current one.');
    submit.disabled = true;
    try {
      const outcome = await password({ current: current.value, new: next.value });
      if (outcome?.code && outcome.code !== 'OK') {
        fill(result, refusal(outcome));
        return;
      }
      form.reset();
      fill(result, h('p', { class: 'notice ok', 'data-test': 'password-done' }, 'Your password is changed.'));
    } catch (err) {
      fill(result, errorBox(err));
    } finally {
      submit.disabled = false;
    }
    return undefined;
  });
  current.focus();
}
