// The JSON API of stamp-web, same origin: login, session, logout, password and /api/call, which
// carries one stampd request kind (protocol.fbs, union Body) and answers its reply table as JSON.
// Every POST carries the session's CSRF token. A 401 means the session ended: the handler set by
// onExpired (main.js) takes the person back to the login screen.
'use strict';

/** An HTTP-level failure: {status, code, message} (UNAUTHENTICATED, CSRF, BAD_REQUEST, NETWORK…). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** A read answered with an Outcome instead of its reply table (NOT_FOUND, FORBIDDEN…). */
export class RefusalError extends Error {
  constructor(outcome) {
    super(outcome?.message || outcome?.code || 'refused');
    this.name = 'RefusalError';
    this.outcome = outcome;
    this.code = outcome?.code;
  }
}

let csrf = null;
let reportsOn = false;
let expiredHandler = () => {};

/** Called (once per expiry) when the server says the session is over. */
export function onExpired(fn) {
  expiredHandler = fn;
}

function expired() {
  csrf = null;
  expiredHandler();
}

async function send(method, path, body, { retryCsrf = true, expireOn401 = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach stamp-web: check the network and try again.');
  }
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'BAD_ANSWER', `stamp-web answered something that is not JSON (HTTP ${res.status}).`);
    }
  }
  if (res.ok) return data;
  const code = data?.error?.code ?? `HTTP_${res.status}`;
  const message = data?.error?.message ?? `HTTP ${res.status}`;
  if (res.status === 403 && code === 'CSRF' && retryCsrf) {
    // The token may have been renewed by another tab: fetch it again and retry once.
    const s = await session();
    if (s) return send(method, path, body, { retryCsrf: false, expireOn401 });
  }
  if (res.status === 401 && expireOn401) expired();
  throw new ApiError(res.status, code, message);
}

function remember(s) {
  csrf = s?.csrf ?? null;
  reportsOn = Boolean(s?.reports);
  return s;
}

/** Whether this stamp-web makes reports (it was started with --data-dir). */
export function reportsAvailable() {
  return reportsOn;
}

/** POST /api/login → the session {user, csrf, idle_timeout_s, absolute_timeout_s}. */
export async function login(user, secret) {
  return remember(await send('POST', '/api/login', { user, password: secret }, { expireOn401: false }));
}

/** GET /api/session → the session, or null when not logged in. */
export async function session() {
  try {
    return remember(await send('GET', '/api/session', undefined, { expireOn401: false }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export async function logout() {
  try {
    await send('POST', '/api/logout', {}, { expireOn401: false });
  } finally {
    csrf = null;
  }
}

/**
 * POST /api/password: {current, new} changes one's own; {user, new} sets another person's first
 * password (admin). Answers the Outcome. A 401 here may be a wrong current password rather than
 * an ended session: only an ended session (GET /api/session is 401 too) goes back to login.
 */
export async function password(body) {
  try {
    return await send('POST', '/api/password', body, { expireOn401: false });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && !(await session())) expired();
    throw err;
  }
}

/** POST /api/call: one request kind; answers the reply JSON ({type: ...}). */
export async function call(kind, body = {}, { dryRun = false } = {}) {
  return send('POST', '/api/call', { kind, body, dry_run: dryRun });
}

/**
 * A read: its reply table, or a RefusalError when stampd answered an Outcome instead.
 * `type` names the reply table expected (e.g. "PoView").
 */
export async function read(kind, body = {}, type = null) {
  const reply = await call(kind, body);
  if (reply?.type === 'Outcome' && type !== 'Outcome') throw new RefusalError(reply);
  if (type && reply?.type !== type) {
    throw new ApiError(200, 'BAD_ANSWER', `Expected ${type} for ${kind}, got ${reply?.type ?? 'nothing'}.`);
  }
  return reply;
}

/** A command: its Outcome (code OK or a refusal with figures). dryRun lists `effects`. */
export async function command(kind, body = {}, { dryRun = false } = {}) {
  const reply = await call(kind, body, { dryRun });
  if (reply?.type !== 'Outcome') {
    throw new ApiError(200, 'BAD_ANSWER', `Expected an Outcome for ${kind}, got ${reply?.type ?? 'nothing'}.`);
  }
  return reply;
}

/**
 * Every row of a paged list read: asks again with after = the last id while `more`.
 * `rowsKey`: the vector's name (pos, rows, requests…). Stops after `pagesMax` pages.
 */
export async function readAll(kind, body, type, rowsKey, { pagesMax = 20, idKey = 'id' } = {}) {
  const out = [];
  let after = 0;
  for (let page = 0; page < pagesMax; page += 1) {
    const reply = await read(kind, { ...body, after }, type);
    const rows = reply[rowsKey] ?? [];
    out.push(...rows);
    if (!reply.more || rows.length === 0) break;
    after = rows[rows.length - 1][idKey];
  }
  return out;
}

/**
 * POST /api/report as JSON: {report: 'stamp-accounting', month | quarter | from, to, at_lsn} →
 * the report (the same figures the PDF and CSV print).
 */
export async function report(body) {
  return send('POST', '/api/report', { ...body, format: 'json' });
}

/**
 * POST /api/report for a file (format 'pdf' or 'csv'): {blob, filename, computedFrom}. Errors as
 * send()'s (403 FORBIDDEN, 404 NOT_FOUND / NO_DATA_DIR, 503 BUSY with the seconds to wait).
 */
export async function reportFile(body) {
  let res;
  try {
    res = await fetch('/api/report', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ?? '' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach stamp-web: check the network and try again.');
  }
  if (!res.ok) {
    let data = null;
    try {
      data = await res.json();
    } catch {
      // not JSON: said by its status below
    }
    if (res.status === 401) expired();
    const retry = res.headers.get('Retry-After');
    const message = data?.error?.message ?? `HTTP ${res.status}`;
    throw new ApiError(res.status, data?.error?.code ?? `HTTP_${res.status}`, retry ? `${message} (retry in ${retry} s)` : message);
  }
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const named = /filename="([^"]*)"/.exec(disposition);
  return { blob: await res.blob(), filename: named ? named[1] : 'report', computedFrom: res.headers.get('X-Computed-From') };
}

/** Hands a fetched file to the browser as a download. */
export function saveFile({ blob, filename }) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
