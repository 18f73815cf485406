import { describe, expect, it } from 'vitest';
import type { AccountDto } from './bindings/AccountDto';
import type { CustodyRow } from './bindings/CustodyRow';
import { accountFlags, custodyComplete, custodyCounts, exportProblem, flaggedAccounts, outcomeTone, rotatable, searchCustody, stateInfo } from './credentials';

const row = (device: number, state: string, p: Partial<CustodyRow> = {}): CustodyRow => ({
  device, label: `cam-${device}`, address: `127.20.0.${device}`, manufacturer: 'Axis', account: 'root', state,
  matched_default: null, rotated_at: null, rotated_by: null, reachable: true, ...p,
});

describe('custody', () => {
  const rows = [row(1, 'factory-default'), row(2, 'technician-supplied'), row(3, 'rotated'), row(4, 'unknown'), row(5, 'none'), row(6, 'factory-default', { reachable: false })];

  it('counts devices per state, every state present', () => {
    const c = custodyCounts(rows);
    expect(c).toEqual({ none: 1, unknown: 1, 'factory-default': 2, 'technician-supplied': 1, rotated: 1, 'service-account': 0 });
  });

  it('searches name, address, maker, account and the state as shown', () => {
    const ids = (t: string) => searchCustody(rows, t).map((r) => r.device);
    expect(ids('')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ids('factory')).toEqual([1, 6]);
    expect(ids('127.20.0.3')).toEqual([3]);
    expect(ids('axis root unknown')).toEqual([4]);
    expect(ids('nothing-like-it')).toEqual([]);
  });

  it('rotates defaults and supplied passwords on reachable devices only', () => {
    expect(rotatable(rows).map((r) => r.device)).toEqual([1, 2]);
    expect(rotatable([row(1, 'rotated'), row(2, 'unknown')])).toEqual([]);
  });

  it('is complete only when every reachable device is rotated or a service account', () => {
    expect(custodyComplete(rows)).toBe(false);
    expect(custodyComplete([row(1, 'rotated'), row(2, 'service-account'), row(3, 'unknown', { reachable: false })])).toBe(true);
    expect(custodyComplete([])).toBe(false);
  });

  it('says what each state means and what to do next', () => {
    expect(stateInfo('factory-default')).toMatchObject({ tone: 'bad', next: 'Rotate it now.' });
    expect(stateInfo('rotated')).toMatchObject({ label: 'Rotated', tone: 'ok', next: '' });
    expect(stateInfo('unknown').next).toContain('Set the password');
    expect(stateInfo('from-a-newer-version')).toEqual({ label: 'from-a-newer-version', tone: '', next: '' });
  });
});

describe('export for IT', () => {
  it('needs a path, 12 characters or more, and the same password twice', () => {
    expect(exportProblem(' ', 'correct horse battery', 'correct horse battery')).toContain('where to save');
    expect(exportProblem('/tmp/it.kdbx', 'short', 'short')).toContain('12 characters');
    expect(exportProblem('/tmp/it.kdbx', 'correct horse battery', 'correct horse batterY')).toContain('differ');
    expect(exportProblem('/tmp/it.kdbx', 'correct horse battery', 'correct horse battery')).toBeNull();
    // Counted in characters, not UTF-16 units: 12 emoji pass, 11 do not.
    expect(exportProblem('/x', '🔑'.repeat(12), '🔑'.repeat(12))).toBeNull();
    expect(exportProblem('/x', '🔑'.repeat(11), '🔑'.repeat(11))).toContain('12 characters');
  });
});

describe('outcomes and accounts', () => {
  it('colours outcomes by what the technician must do', () => {
    expect(outcomeTone('rotated')).toBe('ok');
    expect(outcomeTone('rolled-back')).toBe('warn');
    expect(outcomeTone('unsettled')).toBe('bad');
    expect(outcomeTone('something-new')).toBe('');
  });

  const acct = (username: string, p: Partial<AccountDto> = {}): AccountDto => ({ username, level: 'Operator', held: false, extra_admin: false, factory_name: false, ...p });

  it('flags administrators and factory names Handover does not hold', () => {
    expect(accountFlags(acct('root', { held: true, level: 'Administrator' }))).toEqual([{ text: 'Held by Handover', tone: 'ok' }]);
    expect(accountFlags(acct('installer', { level: 'Administrator', extra_admin: true })).map((f) => f.tone)).toEqual(['bad']);
    expect(accountFlags(acct('admin', { extra_admin: true, factory_name: true })).map((f) => f.text)).toEqual(['Administrator Handover does not hold', 'Factory account name']);
    expect(accountFlags(acct('viewer'))).toEqual([]);
    const list = [acct('root', { held: true }), acct('installer', { extra_admin: true }), acct('viewer'), acct('admin', { factory_name: true })];
    expect(flaggedAccounts(list).map((a) => a.username)).toEqual(['installer', 'admin']);
  });
});

describe('run headlines', () => {
  it('say what each run did and what to do next', async () => {
    const { findHeadline, rotateHeadline, recoverHeadline } = await import('./credentials');
    expect(findHeadline({ defaults_found: 22, already_held: 0, held_refused: 0, unknown: 1, factory_new: 1, failed_attempts: 9 })).toBe(
      "Defaults work on 22 · already held 0 · unknown 1 · need activation 1 · 9 failed attempts, each below the device's lockout threshold",
    );
    expect(findHeadline({ defaults_found: 1, already_held: 3, held_refused: 1, unknown: 0, factory_new: 0, failed_attempts: 2 })).toContain(
      '1 refused the password held',
    );
    const none = { rolled_back: 0, unsettled: 0, skipped: 0, refused: 0, failed: 0 };
    expect(rotateHeadline({ ...none, rotated: 23 })).toBe(
      'Rotated 23 · rolled back 0 · unsettled 0 · skipped 0 · nothing sent 0 · failed 0.',
    );
    expect(rotateHeadline({ ...none, rotated: 1, unsettled: 2 })).toContain('run Recover');
    expect(rotateHeadline({ ...none, rotated: 1, refused: 1 })).toContain('each row says why');
    const manual = rotateHeadline({ ...none, rotated: 20, cannot_rotate: 2, cannot_rotate_default: 1 });
    expect(manual).toContain('cannot rotate 2');
    expect(manual).toContain("2 accounts cannot be changed over ONVIF (1 still on a factory default): change them in the vendor's tool");
    expect(recoverHeadline({ on_new: 1, on_old: 2, still_unsettled: 0, journal_closed: 3 })).toContain('Settled 1 on the new password and 2 on the old');
  });
});
