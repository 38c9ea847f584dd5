// Login: user key and password → POST /api/login. A refusal (wrong password, the throttle's
// "refused for another 240 s") is shown as the server words it.
'use strict';

import { login } from '../api.js';
import { errorBox, fill, h } from '../ui.js';

export function mount(root, { expired, onLogin }) {
  const user = h('input', { type: 'text', name: 'user', autocomplete: 'username', required: true,
    autocapitalize: 'none', 'data-test': 'login-user' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password',
    required: true, 'data-test': 'login-password' });
  const submit = h('button', { type: 'submit', class: 'primary big', 'data-test': 'login-submit' }, 'Log in');
  const message = h('div', { class: 'login-message', 'aria-live': 'polite' },
    expired ? h('p', { class: 'notice warn', 'data-test': 'login-expired' },
      'Your session has expired. Please log in again.') : null);

  const form = h('form', { class: 'login-form', novalidate: true },
    h('h1', {}, 'stamp-web'),
    h('p', { class: 'muted' }, 'The console of the stamp production line.'),
    message,
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'User'), user),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Password'), password),
    submit);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!user.value.trim() || !password.value) {
      fill(message, h('p', { class: 'refusal', 'data-test': 'login-error' }, 'Enter your user and password.'));
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Logging in…';
    try {
      const session = await login(user.value.trim(), password.value);
      password.value = '';
      onLogin(session);
    } catch (err) {
      password.value = '';
      fill(message, errorBox(err, {}, 'login-error'));
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Log in';
    }
  });

  root.append(h('div', { class: 'login-screen', 'data-test': 'screen-login' }, form));
  (user.value ? password : user).focus();
}
