// Who may send what: a copy of engine/command_table.hpp's role column for the commands the
// console sends, used only to hide navigation and buttons a person's roles cannot use. stampd
// still decides every request (a FORBIDDEN answer renders as a refusal like any other).
'use strict';

const ROLES_OF = {
  admin: ['admin'],
  warehouse: ['supervisor', 'admin'],
  supervisor: ['supervisor'],
  stamping: ['stamper', 'supervisor'],
  verifying: ['verifier', 'supervisor'],
  ordering: ['supervisor', 'admin', 'finance'],
  purchasing: ['admin', 'finance'],
  invoicing: ['finance', 'admin'],
};

// engine/command_table.hpp: X(command, protocol table, roles allowed).
const COMMAND_ROLES = {
  CreateUser: ROLES_OF.admin,
  SetBundleSize: ROLES_OF.admin,
  SetDepositRate: ROLES_OF.admin,
  SetDutyRate: ROLES_OF.admin,
  SetTaxRate: ROLES_OF.admin,
  SetCapacity: ROLES_OF.admin,
  SetTimeZone: ROLES_OF.admin,
  CreateFeePreset: ROLES_OF.admin,
  CreateShipment: ROLES_OF.warehouse,
  StartReceiving: ROLES_OF.warehouse,
  ReceiveBox: ROLES_OF.warehouse,
  FinishReceiving: ROLES_OF.warehouse,
  CreatePo: ROLES_OF.warehouse,
  EditPoLines: ROLES_OF.warehouse,
  StartRun: ROLES_OF.stamping,
  ConfirmBox: ROLES_OF.stamping,
  EndRun: ROLES_OF.supervisor,
  VerifyPo: ROLES_OF.verifying,
  AmendLine: ROLES_OF.supervisor,
  CancelPo: ROLES_OF.warehouse,
  SchedulePo: ROLES_OF.warehouse,
  SubmitRequest: ['consignee'],
  ApproveRequest: ROLES_OF.warehouse,
  RejectRequest: ROLES_OF.warehouse,
  SetUserToken: ROLES_OF.admin,
  SetUserRoles: ROLES_OF.admin,
  SubmitStampOrder: ROLES_OF.ordering,
  ReviewStampOrder: ROLES_OF.admin,
  ReviseStampOrder: ROLES_OF.ordering,
  MarkStampOrderOrdered: ROLES_OF.purchasing,
  ReceiveStamps: ROLES_OF.warehouse,
  AddInvoiceFee: ROLES_OF.invoicing,
  RemoveInvoiceFee: ROLES_OF.invoicing,
  EditInvoice: ROLES_OF.invoicing,
  AdvanceInvoice: ROLES_OF.invoicing,
  CreateCreditNote: ROLES_OF.invoicing,
};

let roles = new Set();
let user = null;

/** Called by main.js with the session's user ({id, key, name, roles, consignee}). */
export function setUser(u) {
  user = u;
  roles = new Set((u?.roles ?? []).map((r) => String(r).toLowerCase()));
}

export function me() {
  return user;
}

export function hasRole(role) {
  return roles.has(role);
}

/** A consignee user: sees only its own consignee's data (SPEC §11), the minimal portal. */
export function isConsignee() {
  return roles.has('consignee');
}

/** Whether the person's roles may send this command kind. */
export function may(kind) {
  const allowed = COMMAND_ROLES[kind];
  if (!allowed) return false;
  return allowed.some((r) => roles.has(r));
}

// The screens of the navigation, in order, and who sees each.
export const SCREENS = [
  { route: 'dashboard', label: 'Dashboard', test: 'nav-dashboard', staff: true },
  { route: 'orders', label: 'Production orders', test: 'nav-orders', staff: true },
  { route: 'calendar', label: 'Calendar', test: 'nav-calendar', staff: true },
  { route: 'workspace', label: 'Stamper’s workspace', test: 'nav-workspace', staff: true, needs: ['StartRun', 'ConfirmBox'] },
  { route: 'verify', label: 'Verification', test: 'nav-verify', staff: true, needs: ['VerifyPo', 'AmendLine'] },
  { route: 'receiving', label: 'Receiving', test: 'nav-receiving', staff: true, needs: ['CreateShipment', 'ReceiveBox'] },
  { route: 'stamp-orders', label: 'Stamp orders', test: 'nav-stamp-orders', staff: true },
  { route: 'ledger', label: 'Stamp ledger', test: 'nav-ledger', staff: true },
  { route: 'accounting', label: 'Stamp Accounting', test: 'nav-accounting', staff: true, needs: ['AdvanceInvoice'] },
  { route: 'invoices', label: 'Invoices', test: 'nav-invoices', staff: true, needs: ['AdvanceInvoice'] },
  { route: 'users', label: 'Users', test: 'nav-users', staff: true, needs: ['CreateUser'] },
  { route: 'settings', label: 'Settings', test: 'nav-settings', staff: true, needs: ['SetDutyRate'] },
  { route: 'my-orders', label: 'My production orders', test: 'nav-my-orders', consignee: true },
  { route: 'my-requests', label: 'Shipments and requests', test: 'nav-my-requests', consignee: true },
  { route: 'my-invoices', label: 'My invoices', test: 'nav-my-invoices', consignee: true },
  { route: 'password', label: 'Change password', test: 'nav-password', everyone: true },
];

/** Whether the person may open a screen of SCREENS (by its route's first part). */
export function mayOpen(route) {
  const screen = SCREENS.find((s) => s.route === route);
  if (!screen) return false;
  if (screen.everyone) return true;
  if (screen.consignee) return isConsignee();
  if (isConsignee()) return false;
  if (!screen.needs) return true;
  return screen.needs.some(may);
}

/** The first screen after login. */
export function homeRoute() {
  if (isConsignee()) return 'my-orders';
  return 'dashboard';
}
