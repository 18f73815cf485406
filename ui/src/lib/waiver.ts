// Waiver terms from the form (reason, the customer's approver, an expiry date) and how a waiver reads back.
// Pure, unit-tested; the engine checks the same rules (reason length, approver not blank, a real date).
import type { WaiverDto } from './bindings/WaiverDto';

/** The engine's minimum reason length (`MIN_WAIVER_REASON_CHARS`), so the button stays off until it is met. */
export const MIN_REASON_CHARS = 5;

export interface WaiverForm {
  reason: string;
  approver: string;
  expires: string;
}

export const EMPTY_WAIVER: WaiverForm = { reason: '', approver: '', expires: '' };

/** The request fields: blank optional fields are left out (no approver yet, no expiry). */
export function waiverTerms(f: WaiverForm): { reason: string; approver: string | null; expires: string | null } {
  const given = (v: string) => (v.trim() === '' ? null : v.trim());
  return { reason: f.reason, approver: given(f.approver), expires: given(f.expires) };
}

/** Why the form cannot be sent yet, or null when it can. `today` is YYYY-MM-DD. */
export function waiverProblem(f: WaiverForm, today: string): string | null {
  if (f.reason.trim().length < MIN_REASON_CHARS) return `Give a reason IT can read (at least ${MIN_REASON_CHARS} characters).`;
  const e = f.expires.trim();
  if (e !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(e)) return 'The expiry must be a date (YYYY-MM-DD).';
  if (e !== '' && e < today) return 'The expiry is in the past.';
  return null;
}

/** One line for a waiver as the Checks screen shows it: who recorded it, who approved it, until when. */
export function describeWaiver(w: WaiverDto, when: (s: string) => string): string {
  const approval = w.approver ? `approved by ${w.approver}${w.expires ? ` until ${w.expires}` : ', no expiry'}` : 'not approved by the customer yet';
  return `Waived by ${w.by} on ${when(w.at)}, ${approval}: “${w.reason}”`;
}

/** A local calendar date as YYYY-MM-DD (what a date input gives). */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
