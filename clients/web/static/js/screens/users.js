// Users (admin): every login user (ListReference Users) with its roles, and the admin's "set a
// person's first password" (POST /api/password {user, new}). Passwords: at least 10 characters.
'use strict';

import { password } from '../api.js';
import * as ref from '../ref.js';
import { roleWords } from '../format.js';
import { dialog, errorBox, fill, h, heading, loading, notice, refusal, table } from '../ui.js';

export const PASSWORD_LENGTH_MIN = 10;

export function mount(root, ctx) {
  ctx.setTitle('Users');
  const list = h('div', {}, loading());
  root.append(h('div', { class: 'screen', 'data-test': 'screen-users' }, heading('Users'), list));
  (async () => {
    try {
      await ref.ready(['Users', 'Consignees'], { fresh: true });
      if (!ctx.alive()) return;
      const users = ref.rows('Users');
      fill(list, table(['User', 'Name', 'Roles', 'Consignee', ''], users.map((u) => h('tr', { 'data-test': 'user-row', 'data-id': u.id, 'data-key': u.key },
        h('td', {}, u.key),
        h('td', {}, u.name),
        h('td', {}, roleWords(u.roles)),
        h('td', {}, u.consignee ? ref.consigneeName(u.consignee) ?? `consignee ${u.consignee}` : ''),
        h('td', {}, h('button', { type: 'button', 'data-test': 'user-set-password', onclick: () => setPassword(u) }, 'Set first password'))))));
    } catch (err) {
      fill(list, errorBox(err));
    }
  })();
}

function setPassword(user) {
  const first = h('input', { type: 'password', autocomplete: 'new-password', minLength: PASSWORD_LENGTH_MIN, 'data-test': 'set-password-new' });
  const again = h('input', { type: 'password', autocomplete: 'new-password', minLength: PASSWORD_LENGTH_MIN, 'data-test': 'set-password-repeat' });
  const result = h('div', { 'aria-live': 'polite' });
  dialog({
    title: `First password of ${user.name || user.key}`, test: 'dialog-set-password',
    body: [h('p', {}, `Give ${user.name || user.key} a first password (at least ${PASSWORD_LENGTH_MIN} characters); they can change it after logging in.`),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Password'), first),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'The same again'), again), result],
    actions: [
      { label: 'Back', test: 'set-password-cancel', onClick: (close) => close() },
      { label: 'Set password', test: 'set-password-submit', kind: 'primary', onClick: async (close) => {
        if (first.value.length < PASSWORD_LENGTH_MIN) {
          fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, `A password has at least ${PASSWORD_LENGTH_MIN} characters.`));
          return;
        }
        if (first.value !== again.value) {
          fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'The two passwords differ.'));
          return;
        }
        try {
          const outcome = await password({ user: user.id, new: first.value });
          if (outcome?.code && outcome.code !== 'OK') {
            fill(result, refusal(outcome, { names: ref.names() }));
            return;
          }
          close();
          notice(`Password of ${user.name || user.key} set.`);
        } catch (err) {
          fill(result, errorBox(err));
        }
      } },
    ],
  });
}
