// The live channel: one WebSocket to /api/live (same origin, cookie auth) per page. A screen says
// which POs (at most 16) and consignees (at most 8) it shows with watch(); stamp-web pushes "changed"
// (coalesced, at most ~10 a second) and the screen re-fetches what it shows. On a drop the socket
// reconnects with a growing delay; after a reconnect every listener is told to re-fetch, since
// pushes may have been missed. {"type":"expired"} ends the session (api.js's expired handler).
'use strict';

import { session } from './api.js';

const WATCH_POS_MAX = 16;
const WATCH_CONSIGNEES_MAX = 8; // clients/web/sessions.hpp watched_consignees_max
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30000;

let socket = null;
let running = false;
let backoffMs = BACKOFF_MIN_MS;
let reconnectTimer = null;
let wanted = { pos: [], consignees: [] };
let expiredHandler = () => {};
const listeners = new Set();
const statusListeners = new Set();
let status = 'off';
let openedBefore = false; // since start(): a later open is a reconnect, after which screens re-fetch

function setStatus(next) {
  status = next;
  statusListeners.forEach((fn) => fn(status));
}

/** 'off' | 'connecting' | 'live' | 'reconnecting' */
export function liveStatus() {
  return status;
}

export function onStatus(fn) {
  statusListeners.add(fn);
  fn(status);
  return () => statusListeners.delete(fn);
}

/** fn({pos, consignees, lsn, reconnected}) on every change pushed. */
export function onChanged(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function onExpired(fn) {
  expiredHandler = fn;
}

function sendWatch() {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ watch: wanted }));
  }
}

/**
 * Replaces the watched POs (the first 16) and consignees (an id or a list, the first 8; 0: none).
 * A consignee user's pages follow its own consignee whatever they name (stamp-web decides).
 */
export function watch(pos = [], consignees = []) {
  const ids = (list, max) => [...new Set(list.map(Number).filter((id) => id > 0))].slice(0, max);
  const next = { pos: ids(pos, WATCH_POS_MAX), consignees: ids([consignees].flat(), WATCH_CONSIGNEES_MAX) };
  if (JSON.stringify(next) === JSON.stringify(wanted)) return; // screens re-send on every refresh
  wanted = next;
  sendWatch();
}

function emit(message) {
  listeners.forEach((fn) => {
    try {
      fn(message);
    } catch (err) {
      console.error('live listener failed', err);
    }
  });
}

function connect() {
  clearTimeout(reconnectTimer);
  if (!running) return;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  setStatus(status === 'off' ? 'connecting' : 'reconnecting');
  let opened = false;
  const ws = new WebSocket(`${scheme}//${location.host}/api/live`);
  socket = ws;
  ws.addEventListener('open', () => {
    opened = true;
    backoffMs = BACKOFF_MIN_MS;
    setStatus('live');
    sendWatch();
    if (openedBefore) emit({ type: 'changed', pos: wanted.pos, consignees: [], reconnected: true });
    openedBefore = true;
  });
  ws.addEventListener('message', (ev) => {
    let message;
    try {
      message = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (message.type === 'changed') emit(message);
    else if (message.type === 'expired') {
      stop();
      expiredHandler();
    }
  });
  ws.addEventListener('close', () => {
    if (socket !== ws) return;
    socket = null;
    if (!running) return;
    setStatus('reconnecting');
    scheduleReconnect(opened);
  });
}

async function scheduleReconnect(wasOpen) {
  if (!wasOpen) {
    // A refused upgrade looks like any drop: an ended session is told by /api/session.
    try {
      if (!(await session())) {
        stop();
        expiredHandler();
        return;
      }
    } catch {
      // The network is down: keep trying.
    }
  }
  const delay = backoffMs * (0.75 + Math.random() / 2);
  backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
  reconnectTimer = setTimeout(connect, delay);
}

/** Opens the channel (after login). */
export function start() {
  if (running) return;
  running = true;
  openedBefore = false;
  backoffMs = BACKOFF_MIN_MS;
  connect();
}

/** Closes the channel (logout, expiry). */
export function stop() {
  running = false;
  clearTimeout(reconnectTimer);
  wanted = { pos: [], consignees: [] };
  const ws = socket;
  socket = null;
  if (ws) ws.close();
  setStatus('off');
}
