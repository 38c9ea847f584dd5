// The console's entry point: restores the session (GET /api/session), draws the shell (left
// navigation, the person's name and roles top right, logout), and routes the URL hash to one
// screen module at a time (#/dashboard, #/orders/3, #/workspace/3 …). A screen is
// mount(root, ctx) → optional cleanup; ctx gives it the route's parts, navigation, the live
// channel (watches and listeners undone when the screen goes) and the signed-in person.
'use strict';

import * as api from './api.js';
import * as live from './live.js';
import * as ref from './ref.js';
import { SCREENS, homeRoute, mayOpen, me, setUser } from './access.js';
import { roleName } from './format.js';
import { clearNotices, clearStaleNotices, fill, h } from './ui.js';

import * as loginScreen from './screens/login.js';
import * as dashboardScreen from './screens/dashboard.js';
import * as ordersScreen from './screens/orders.js';
import * as orderScreen from './screens/order.js';
import * as orderFormScreen from './screens/order-form.js';
import * as calendarScreen from './screens/calendar.js';
import * as workspaceScreen from './screens/workspace.js';
import * as verifyScreen from './screens/verify.js';
import * as receivingScreen from './screens/receiving.js';
import * as usersScreen from './screens/users.js';
import * as settingsScreen from './screens/settings.js';
import * as stampOrdersScreen from './screens/stamp-orders.js';
import * as ledgerScreen from './screens/ledger.js';
import * as accountingScreen from './screens/accounting.js';
import * as invoicesScreen from './screens/invoices.js';
import * as passwordScreen from './screens/password.js';
import * as myOrdersScreen from './screens/my-orders.js';
import * as myRequestsScreen from './screens/my-requests.js';

// route's first part → the module that draws it (the module picks list or detail from the rest).
const MODULES = {
  dashboard: dashboardScreen,
  orders: ordersScreen,
  calendar: calendarScreen,
  workspace: workspaceScreen,
  verify: verifyScreen,
  receiving: receivingScreen,
  users: usersScreen,
  settings: settingsScreen,
  'stamp-orders': stampOrdersScreen,
  ledger: ledgerScreen,
  accounting: accountingScreen,
  invoices: invoicesScreen,
  'my-invoices': invoicesScreen,
  password: passwordScreen,
  'my-orders': myOrdersScreen,
  'my-requests': myRequestsScreen,
};

let current = { cleanup: null, disposers: [] };
let liveBadgeUnsubscribe = () => {};
let returnTo = null;
let expiredMessage = false;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, query: new URLSearchParams(query) };
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function unmount() {
  for (const fn of current.disposers.splice(0)) {
    try {
      fn();
    } catch (err) {
      console.error(err);
    }
  }
  if (current.cleanup) {
    try {
      current.cleanup();
    } catch (err) {
      console.error(err);
    }
  }
  current = { cleanup: null, disposers: [] };
  live.watch([], []);
}

function moduleFor(parts) {
  const [first, second, third] = parts;
  if (first === 'orders') {
    if (second === 'new' || third === 'edit') return orderFormScreen;
    if (second) return orderScreen;
  }
  return MODULES[first] ?? null;
}

// ---------------------------------------------------------------- the shell

function drawShell() {
  const user = me();
  const nav = h('nav', { class: 'sidenav', 'data-test': 'nav', 'aria-label': 'Screens' },
    h('ul', {}, SCREENS.filter((s) => mayOpen(s.route)).map((s) =>
      h('li', {}, h('a', { href: `#/${s.route}`, 'data-test': s.test, 'data-route': s.route }, s.label)))));
  const liveBadge = h('span', { class: 'live-status', 'data-test': 'live-status' });
  liveBadgeUnsubscribe();
  liveBadgeUnsubscribe = live.onStatus((st) => {
    liveBadge.dataset.status = st;
    liveBadge.textContent = st === 'live' ? 'Live' : st === 'off' ? 'Offline' : 'Reconnecting…';
  });
  const top = h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: `#/${homeRoute()}`, 'data-test': 'brand' }, 'stamp-web'),
    h('div', { class: 'who' },
      liveBadge,
      h('span', { class: 'user-name', 'data-test': 'user-name' }, user?.name || user?.key || ''),
      h('span', { class: 'user-roles', 'data-test': 'user-roles' }, (user?.roles ?? []).map(roleName).join(', ')),
      h('button', { type: 'button', class: 'logout', 'data-test': 'logout', onclick: doLogout }, 'Log out')));
  const main = h('main', { id: 'main', tabindex: '-1' });
  fill(document.getElementById('app'), h('div', { class: 'shell', 'data-test': 'app-shell' }, top, nav, main));
}

function markNav(first) {
  document.querySelectorAll('.sidenav a').forEach((a) => {
    const on = a.dataset.route === first;
    a.classList.toggle('current', on);
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

// ---------------------------------------------------------------- routing

function route() {
  unmount();
  clearStaleNotices();
  const { parts, query } = parseHash();
  if (!me()) {
    if (parts[0] && parts[0] !== 'login') returnTo = location.hash;
    showLogin();
    return;
  }
  if (!parts.length || parts[0] === 'login') {
    location.replace(`#/${homeRoute()}`);
    return;
  }
  const module = moduleFor(parts);
  if (!module || !mayOpen(parts[0])) {
    location.replace(`#/${homeRoute()}`);
    return;
  }
  if (!document.getElementById('main')) drawShell();
  markNav(parts[0]);
  const root = document.getElementById('main');
  root.replaceChildren();
  const disposers = current.disposers;
  const ctx = {
    parts,
    query,
    user: me(),
    navigate,
    /** Whether the screen is still the one shown (async results for a left screen are dropped). */
    alive: () => current.disposers === disposers,
    watch: (pos, consignees = []) => live.watch(pos, consignees),
    onLive: (fn) => disposers.push(live.onChanged(fn)),
    onDispose: (fn) => disposers.push(fn),
    setTitle: (title) => { document.title = `${title} — stamp-web`; },
  };
  try {
    current.cleanup = module.mount(root, ctx) ?? null;
  } catch (err) {
    console.error(err);
    root.append(h('p', { class: 'refusal', 'data-test': 'refusal' }, `This screen failed: ${err.message}`));
  }
  root.focus({ preventScroll: true });
}

function showLogin() {
  live.stop();
  document.title = 'Log in — stamp-web';
  const app = document.getElementById('app');
  app.replaceChildren();
  const expired = expiredMessage;
  expiredMessage = false;
  loginScreen.mount(app, { expired, onLogin: startSession });
}

function startSession(session) {
  setUser(session.user);
  ref.clear();
  drawShell();
  live.start();
  const target = returnTo;
  returnTo = null;
  if (target && target !== location.hash) location.hash = target;
  else route();
}

async function doLogout() {
  unmount();
  live.stop();
  try {
    await api.logout();
  } catch {
    // Logged out here whatever the server says.
  }
  setUser(null);
  ref.clear();
  clearNotices();
  returnTo = null;
  if (location.hash !== '#/login') location.hash = '#/login'; // hashchange → route() → the login screen
  else showLogin();
}

function sessionExpired() {
  if (!me()) return;
  unmount();
  live.stop();
  setUser(null);
  ref.clear();
  clearNotices();
  const { parts } = parseHash();
  if (parts[0] && parts[0] !== 'login') returnTo = location.hash;
  expiredMessage = true;
  showLogin();
}

async function boot() {
  api.onExpired(sessionExpired);
  live.onExpired(sessionExpired);
  window.addEventListener('hashchange', route);
  let session = null;
  try {
    session = await api.session();
  } catch (err) {
    fill(document.getElementById('app'), h('div', { class: 'login-screen' }, h('div', { class: 'login-form' },
      h('h1', {}, 'stamp-web'),
      h('p', { class: 'refusal', 'data-test': 'refusal' }, err.message),
      h('button', { type: 'button', class: 'primary big', 'data-test': 'retry', onclick: () => location.reload() }, 'Try again'))));
    return;
  }
  if (session) startSession(session);
  else route();
}

boot();
