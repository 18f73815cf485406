// The Credentials screen's logic: what each custody state means and what to do next, counts, which devices a
// rotation covers, the export form's checks, outcome and account badges. Pure, unit-tested.
import type { AccountDto } from './bindings/AccountDto';
import type { CustodyRow } from './bindings/CustodyRow';

export type Tone = 'ok' | 'warn' | 'bad' | '';

/** Every custody state the backend sends, in the order of the walk. */
export const CUSTODY_STATES = ['none', 'unknown', 'factory-default', 'technician-supplied', 'rotated', 'service-account'] as const;
export type CustodyState = (typeof CUSTODY_STATES)[number];

export const STATE_INFO: Record<CustodyState, { label: string; tone: Tone; next: string }> = {
  none: { label: 'Not tried', tone: '', next: 'Find defaults, or set the password you know.' },
  unknown: { label: 'Password unknown', tone: 'bad', next: 'Set the password you know (ask whoever changed it).' },
  'factory-default': { label: 'Factory default', tone: 'bad', next: 'Rotate it now.' },
  'technician-supplied': { label: 'Supplied', tone: 'warn', next: 'Rotate it to a unique password.' },
  rotated: { label: 'Rotated', tone: 'ok', next: '' },
  'service-account': { label: 'Service account', tone: 'ok', next: '' },
};

export function stateInfo(state: string) {
  return STATE_INFO[state as CustodyState] ?? { label: state, tone: '' as Tone, next: '' };
}

export function custodyCounts(rows: CustodyRow[]): Record<CustodyState, number> {
  const out = Object.fromEntries(CUSTODY_STATES.map((s) => [s, 0])) as Record<CustodyState, number>;
  for (const r of rows) if (r.state in out) out[r.state as CustodyState] += 1;
  return out;
}

/** Devices a "rotate all" covers: a factory default or a supplied password, on a device Handover can reach. */
export function rotatable(rows: CustodyRow[]): CustodyRow[] {
  return rows.filter((r) => r.reachable && (r.state === 'factory-default' || r.state === 'technician-supplied'));
}

/** Every reachable device's password is rotated (or is a service account Handover created). */
export function custodyComplete(rows: CustodyRow[]): boolean {
  const reachable = rows.filter((r) => r.reachable);
  return reachable.length > 0 && reachable.every((r) => r.state === 'rotated' || r.state === 'service-account');
}

/** Rows matching every word of the search in name, address, maker, account or state. */
export function searchCustody(rows: CustodyRow[], text: string): CustodyRow[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((r) => {
    const h = [r.label, r.address, r.manufacturer, r.account, stateInfo(r.state).label].filter(Boolean).join(' ').toLowerCase();
    return words.every((w) => h.includes(w));
  });
}

/** Mirrors handover-vault's MIN_EXPORT_PASSWORD_CHARS (the backend enforces it too). */
export const MIN_EXPORT_PASSWORD = 12;

/** What is wrong with the export form, or null when it can be sent. */
export function exportProblem(path: string, password: string, confirm: string): string | null {
  if (!path.trim()) return 'Choose where to save the KeePass file for IT.';
  if ([...password].length < MIN_EXPORT_PASSWORD) return `The file's password needs ${MIN_EXPORT_PASSWORD} characters or more (IT types it to open the file).`;
  if (password !== confirm) return 'The two passwords differ: type the same password twice.';
  return null;
}

const OUTCOME_TONE: Record<string, Tone> = {
  rotated: 'ok',
  'default-found': 'ok',
  'settled-new': 'ok',
  'settled-old': 'ok',
  'rotated-old-still-works': 'warn',
  'rolled-back': 'warn',
  'needs-activation': 'warn',
  skipped: '',
  unknown: 'bad',
  'locked-out': 'bad',
  unreachable: 'bad',
  unsettled: 'bad',
  error: 'bad',
};

export function outcomeTone(outcome: string): Tone {
  return OUTCOME_TONE[outcome] ?? '';
}

/** The badges of one account on a device. */
export function accountFlags(a: AccountDto): { text: string; tone: Tone }[] {
  const out: { text: string; tone: Tone }[] = [];
  if (a.held) out.push({ text: 'Held by Handover', tone: 'ok' });
  if (a.extra_admin) out.push({ text: 'Administrator Handover does not hold', tone: 'bad' });
  if (a.factory_name) out.push({ text: 'Factory account name', tone: 'warn' });
  return out;
}

/** Accounts that need a decision (remove them, or take custody of them). */
export function flaggedAccounts(list: AccountDto[]): AccountDto[] {
  return list.filter((a) => a.extra_admin || a.factory_name);
}

/** One line per run, as the CLI prints it. */
export function findHeadline(f: {
  defaults_found: number;
  already_held: number;
  held_refused: number;
  unknown: number;
  factory_new: number;
  failed_attempts: number;
}): string {
  const refused = f.held_refused > 0 ? ` · ${f.held_refused} refused the password held (see each row)` : '';
  return `Defaults work on ${f.defaults_found} · already held ${f.already_held}${refused} · unknown ${f.unknown} · need activation ${f.factory_new} · ${f.failed_attempts} failed attempts, each below the device's lockout threshold`;
}

export function rotateHeadline(r: {
  rotated: number;
  rolled_back: number;
  unsettled: number;
  skipped: number;
  refused: number;
  failed: number;
  cannot_rotate?: number;
  cannot_rotate_default?: number;
}): string {
  const unsettled = r.unsettled > 0 ? ' Some devices did not answer: run Recover when they are back.' : '';
  const refused = r.refused > 0 ? ' Nothing was sent to some devices (identity, certificate or plain HTTP): each row says why.' : '';
  const cannot = r.cannot_rotate ?? 0;
  const onDefault = r.cannot_rotate_default ?? 0;
  const manual =
    cannot > 0
      ? ` ${cannot} account${cannot === 1 ? '' : 's'} cannot be changed over ONVIF${onDefault > 0 ? ` (${onDefault} still on a factory default)` : ''}: change ${cannot === 1 ? 'it' : 'them'} in the vendor's tool or web page, then give Handover the new password with Set password.`
      : '';
  return `Rotated ${r.rotated} · rolled back ${r.rolled_back} · unsettled ${r.unsettled} · skipped ${r.skipped} · nothing sent ${r.refused} · failed ${r.failed}${cannot > 0 ? ` · cannot rotate ${cannot}` : ''}.${unsettled}${refused}${manual}`;
}

export function recoverHeadline(r: { on_new: number; on_old: number; still_unsettled: number; journal_closed: number }): string {
  return `Settled ${r.on_new} on the new password and ${r.on_old} on the old · ${r.still_unsettled} still unsettled · ${r.journal_closed} journal entries closed`;
}
