// Waiver form rules: what is sent, what blocks the button, and how a waiver reads back.
import { describe, expect, it } from 'vitest';
import { EMPTY_WAIVER, describeWaiver, isoDay, waiverProblem, waiverTerms } from './waiver';

describe('waiver form', () => {
  it('sends blank optional fields as absent, trimmed otherwise', () => {
    expect(waiverTerms({ reason: 'Phase 2 move', approver: '  ', expires: '' })).toEqual({ reason: 'Phase 2 move', approver: null, expires: null });
    expect(waiverTerms({ reason: 'Phase 2 move', approver: ' M. Lindqvist (IT) ', expires: '2027-03-31' })).toEqual({
      reason: 'Phase 2 move',
      approver: 'M. Lindqvist (IT)',
      expires: '2027-03-31',
    });
  });

  it('blocks a short reason, a malformed or past expiry', () => {
    const today = '2026-12-07';
    expect(waiverProblem(EMPTY_WAIVER, today)).toMatch(/at least 5/);
    expect(waiverProblem({ reason: 'ok  ', approver: '', expires: '' }, today)).toMatch(/at least 5/);
    expect(waiverProblem({ reason: 'Phase 2 move', approver: '', expires: '' }, today)).toBeNull();
    expect(waiverProblem({ reason: 'Phase 2 move', approver: '', expires: '31/03/2027' }, today)).toMatch(/YYYY-MM-DD/);
    expect(waiverProblem({ reason: 'Phase 2 move', approver: '', expires: '2026-12-06' }, today)).toMatch(/past/);
    expect(waiverProblem({ reason: 'Phase 2 move', approver: '', expires: '2026-12-07' }, today)).toBeNull();
  });

  it('says who approved and until when, or that the customer has not', () => {
    const w = { reason: 'Panel has no HTTPS', by: 'Ana', at: '2026-12-07T10:00:00Z', approver: null, expires: null };
    const when = (s: string) => s.slice(0, 10);
    expect(describeWaiver(w, when)).toBe('Waived by Ana on 2026-12-07, not approved by the customer yet: “Panel has no HTTPS”');
    expect(describeWaiver({ ...w, approver: 'R. Osei (IT)', expires: '2027-03-07' }, when)).toContain('approved by R. Osei (IT) until 2027-03-07');
    expect(describeWaiver({ ...w, approver: 'R. Osei (IT)' }, when)).toContain('approved by R. Osei (IT), no expiry');
  });

  it('writes a local day as YYYY-MM-DD', () => {
    expect(isoDay(new Date(2027, 0, 5))).toBe('2027-01-05');
  });
});
