// Users (admin): every login user (ListReference Users) with its roles; a new user (CreateUser:
// key, name, roles, its consignee for a consignee user) with an optional first password; a
// person's password set or reset (POST /api/password {user, new}; at least 10 characters); and a
// station token (SetUserToken), made in the browser from 32 random bytes and shown once: stampd
// keeps only its hash, so nobody can read it again, and the one it replaces stops working; and a
// user's roles changed (SetUserRoles): a consignee user keeps that role alone, staff never take
// it, the last admin keeps admin — stampd decides each.
'use strict';

import { command, password } from '../api.js';
import * as ref from '../ref.js';
import { ROLE_ORDER, roleList, roleName, roleWords } from '../format.js';
import { actionButton, confirmDialog, dialog, errorBox, field, fill, h, heading, loading, notice, refusal, select, table } from '../ui.js';

export const PASSWORD_LENGTH_MIN = 10;

export function mount(root, ctx) {
  ctx.setTitle('Users');
  const list = h('div', {}, loading());
  const draw = async () => {
    try {
      await ref.ready(['Users', 'Consignees'], { fresh: true });
      if (!ctx.alive()) return;
      const users = ref.rows('Users');
      fill(list, table(['User', 'Name', 'Roles', 'Consignee', ''], users.map((u) => h('tr', { 'data-test': 'user-row', 'data-id': u.id, 'data-key': u.key },
        h('td', {}, u.key),
        h('td', {}, u.name),
        h('td', { 'data-test': 'user-roles-cell' }, roleWords(u.roles)),
        h('td', {}, u.consignee ? ref.consigneeName(u.consignee) ?? `consignee ${u.consignee}` : ''),
        h('td', { class: 'actions' },
          h('button', { type: 'button', 'data-test': 'user-edit-roles', onclick: () => editRoles(u, draw) }, 'Roles…'),
          h('button', { type: 'button', 'data-test': 'user-set-password', onclick: () => setPassword(u) }, 'Set password'),
          h('button', { type: 'button', 'data-test': 'user-new-token', onclick: () => newToken(u) }, 'New station token'))))),
      newUserForm(draw));
    } catch (err) {
      fill(list, errorBox(err));
    }
  };
  root.append(h('div', { class: 'screen', 'data-test': 'screen-users' }, heading('Users'),
    h('p', { class: 'muted' }, 'People log in with their user key and a password; stations and scripts with a token. A change of roles decides the person’s next request.'),
    list));
  draw();
}

/** 32 random bytes as 64 hex digits (stampd takes 16 to 128 characters and keeps only a hash). */
export function randomToken() {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function newUserForm(redraw) {
  const key = h('input', { type: 'text', maxLength: 32, size: 12, autocomplete: 'off', 'data-test': 'new-user-key' });
  const name = h('input', { type: 'text', maxLength: 128, size: 24, autocomplete: 'off', 'data-test': 'new-user-name' });
  const boxes = ROLE_ORDER.map((r) => h('input', { type: 'checkbox', value: r, 'data-test': 'new-user-role', 'data-role': r }));
  const consignee = select({ 'data-test': 'new-user-consignee' }, [{ value: '0', label: '—' },
    ...ref.rows('Consignees').map((c) => ({ value: String(c.id), label: c.name || c.key }))], '0');
  const first = h('input', { type: 'password', autocomplete: 'new-password', minLength: PASSWORD_LENGTH_MIN, 'data-test': 'new-user-password' });
  const result = h('div', { 'aria-live': 'polite', 'data-test': 'new-user-result' });
  const consigneeField = field('Consignee', consignee, 'A consignee user belongs to one consignee and has no other role.');
  const sync = () => {
    const isConsignee = boxes.find((b) => b.value === 'consignee').checked;
    consigneeField.hidden = !isConsignee;
    boxes.forEach((b) => { b.disabled = isConsignee && b.value !== 'consignee'; if (b.disabled) b.checked = false; });
  };
  boxes.forEach((b) => b.addEventListener('change', sync));
  sync();
  const create = actionButton('Create user', { class: 'primary', 'data-test': 'new-user-create' }, async () => {
    const roles = boxes.reduce((bits, b, i) => (b.checked ? bits | (1 << i) : bits), 0);
    const say = (text) => fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, text));
    if (!key.value.trim()) return say('A user needs a key: what they type to log in.');
    if (!roles) return say('Give the user at least one role.');
    const isConsignee = (roles >> ROLE_ORDER.indexOf('consignee')) & 1;
    if (isConsignee && consignee.value === '0') return say('Choose the consignee this user belongs to.');
    if (first.value && first.value.length < PASSWORD_LENGTH_MIN) return say(`A password has at least ${PASSWORD_LENGTH_MIN} characters.`);
    try {
      // The protocol wants a token with every new user: one is made here and shown once.
      const token = randomToken();
      const outcome = await command('CreateUser', { key: key.value.trim(), name: name.value.trim(), roles, consignee: isConsignee ? Number(consignee.value) : 0, token });
      if (outcome.code !== 'OK') {
        fill(result, refusal(outcome, { kind: 'CreateUser', names: ref.names() }));
        return undefined;
      }
      if (first.value) {
        const set = await password({ user: outcome.result, new: first.value });
        if (set?.code && set.code !== 'OK') {
          fill(result, refusal(set, { names: ref.names() }));
          return undefined;
        }
      }
      notice(`User ${key.value.trim()} created${first.value ? ' with a first password' : ': set a password for them to log in'}.`);
      await redraw();
      showToken(name.value.trim() || key.value.trim(), token);
    } catch (err) {
      fill(result, errorBox(err));
    }
    return undefined;
  });
  return h('section', { class: 'panel', 'data-test': 'new-user' }, h('h2', {}, 'New user'),
    h('div', { class: 'row bottom' }, field('User key', key), field('Name', name)),
    h('fieldset', { class: 'roles' }, h('legend', {}, 'Roles'),
      boxes.map((b) => h('label', { class: 'check' }, b, ` ${roleName(b.value)}`))),
    consigneeField, field('First password (optional)', first, `At least ${PASSWORD_LENGTH_MIN} characters; or set one later.`),
    h('div', { class: 'row' }, create), result);
}

async function newToken(user) {
  const who = user.name || user.key;
  const ok = await confirmDialog({ title: `New station token for ${who}?`, test: 'dialog-new-token', confirmLabel: 'Make a new token',
    text: `A new token replaces ${who}’s present one, which stops working at once (a station logged in with it must log in again). The new one is shown once.` });
  if (!ok) return;
  const token = randomToken();
  let outcome;
  try {
    outcome = await command('SetUserToken', { user: user.id, token });
  } catch (err) {
    dialog({ title: 'The token was not set', test: 'dialog-refusal', body: [errorBox(err)], actions: [{ label: 'Close', test: 'dialog-close', onClick: (close) => close() }] });
    return;
  }
  if (outcome.code !== 'OK') {
    dialog({ title: 'The token was not set', test: 'dialog-refusal', body: [refusal(outcome, { kind: 'SetUserToken', names: ref.names() })],
      actions: [{ label: 'Close', test: 'dialog-close', onClick: (close) => close() }] });
    return;
  }
  showToken(who, token);
}

/** The station token just set, shown this once. */
function showToken(who, token) {
  const shown = h('code', { class: 'token', 'data-test': 'token-shown' }, token);
  dialog({ title: `Station token of ${who}`, test: 'dialog-token',
    body: [h('p', {}, 'Copy it now into the station’s token file: it is shown this once. stampd keeps only its hash.'), shown],
    actions: [{ label: 'Copied — close', test: 'token-close', kind: 'primary', onClick: (close) => close() }] });
}

function setPassword(user) {
  const first = h('input', { type: 'password', autocomplete: 'new-password', minLength: PASSWORD_LENGTH_MIN, 'data-test': 'set-password-new' });
  const again = h('input', { type: 'password', autocomplete: 'new-password', minLength: PASSWORD_LENGTH_MIN, 'data-test': 'set-password-repeat' });
  const result = h('div', { 'aria-live': 'polite' });
  dialog({
    title: `Password of ${user.name || user.key}`, test: 'dialog-set-password',
    body: [h('p', {}, `Set ${user.name || user.key}’s password (at least ${PASSWORD_LENGTH_MIN} characters): a first one, or a reset — the old one stops working. They can change it after logging in.`),
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

function editRoles(user, redraw) {
  const held = new Set(roleList(user.roles));
  const portal = Boolean(user.consignee);
  // A consignee user has the consignee role alone; staff never take it: offered accordingly.
  const boxes = ROLE_ORDER.filter((r) => (r === 'consignee') === portal).map((r) => h('input', {
    type: 'checkbox', value: r, checked: held.has(r), 'data-test': 'edit-roles-role', 'data-role': r }));
  const result = h('div', { 'aria-live': 'polite', 'data-test': 'edit-roles-result' });
  const who = user.name || user.key;
  dialog({
    title: `Roles of ${who}`, test: 'dialog-edit-roles',
    body: [h('p', {}, `From now on: ${who}’s next request is decided with these roles.`),
      h('fieldset', { class: 'roles' }, h('legend', {}, 'Roles'), boxes.map((b) => h('label', { class: 'check' }, b, ` ${roleName(b.value)}`))),
      portal ? h('p', { class: 'muted' }, 'A consignee user belongs to its consignee and has no other role.') : null, result],
    actions: [
      { label: 'Back', test: 'edit-roles-cancel', onClick: (close) => close() },
      { label: 'Save roles', test: 'edit-roles-save', kind: 'primary', onClick: async (close) => {
        const roles = boxes.reduce((bits, b) => (b.checked ? bits | (1 << ROLE_ORDER.indexOf(b.value)) : bits), 0);
        if (!roles) {
          fill(result, h('p', { class: 'refusal', 'data-test': 'refusal' }, 'Give the user at least one role.'));
          return;
        }
        try {
          const outcome = await command('SetUserRoles', { user: user.id, roles });
          if (outcome.code !== 'OK') {
            fill(result, refusal(outcome, { kind: 'SetUserRoles', names: ref.names() }));
            return;
          }
          close();
          notice(`${who} has the roles of ${roleWords(roles)} from now on.`);
          await redraw();
        } catch (err) {
          fill(result, errorBox(err));
        }
      } },
    ],
  });
}
