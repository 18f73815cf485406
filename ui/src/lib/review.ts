// Review screen logic: verdict presentation, device search, CSV columns. Pure, unit-tested.
import type { ReviewDevice } from './bindings/ReviewDevice';
import type { ReviewFinding } from './bindings/ReviewFinding';
import type { ReviewVerdict } from './bindings/ReviewVerdict';

export const VERDICT: Record<ReviewVerdict, { title: string; tone: 'ok' | 'warn' | 'bad' }> = {
  trusted: { title: 'Valid and trusted', tone: 'ok' },
  'intact-untrusted': { title: 'Intact, signer not confirmed', tone: 'warn' },
  changed: { title: 'Changed or invalid', tone: 'bad' },
  'not-signed': { title: 'Not signed', tone: 'bad' },
};

/** Whether the embedded data is vouched for by a signer you trust (only the green verdict). */
export function trustworthy(v: ReviewVerdict): boolean {
  return v === 'trusted';
}

/** Whether the file is as signed, whoever signed it (green or amber). */
export function intact(v: ReviewVerdict): boolean {
  return v === 'trusted' || v === 'intact-untrusted';
}

export function filterReviewDevices(rows: ReviewDevice[], text: string): ReviewDevice[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((d) => {
    const h = [d.id, d.name, d.address, d.mac, d.maker, d.model, d.serial, d.firmware, `vlan ${d.vlan_id}`, d.credential, d.firmware_status]
      .join(' ')
      .toLowerCase();
    return words.every((w) => h.includes(w));
  });
}

export const DEVICE_COLUMNS: { header: string; value: (d: ReviewDevice) => unknown }[] = [
  { header: 'device_id', value: (d) => d.id },
  { header: 'name', value: (d) => d.name },
  { header: 'vlan_id', value: (d) => d.vlan_id },
  { header: 'address', value: (d) => d.address },
  { header: 'mac', value: (d) => d.mac },
  { header: 'maker', value: (d) => d.maker },
  { header: 'model', value: (d) => d.model },
  { header: 'serial', value: (d) => d.serial },
  { header: 'firmware', value: (d) => d.firmware },
  { header: 'firmware_status', value: (d) => d.firmware_status },
  { header: 'credential', value: (d) => d.credential },
  { header: 'placement_verified', value: (d) => d.placement_verified },
  { header: 'placement_evidence', value: (d) => d.placement_evidence },
  { header: 'services', value: (d) => d.services },
  { header: 'tls_certificate_sha256', value: (d) => d.tls_sha256 ?? '' },
];

export const FINDING_COLUMNS: { header: string; value: (f: ReviewFinding) => unknown }[] = [
  { header: 'finding_id', value: (f) => f.id },
  { header: 'device_id', value: (f) => f.device_id },
  { header: 'severity', value: (f) => f.severity },
  { header: 'status', value: (f) => f.status },
  { header: 'title', value: (f) => f.title },
  { header: 'detail', value: (f) => f.detail },
  { header: 'clauses', value: (f) => f.clauses },
  { header: 'waiver', value: (f) => f.waiver },
];

/** A default export file name next to the report: "report.pdf" -> "report-findings.csv". */
export function exportName(reportPath: string, what: 'devices' | 'findings'): string {
  const base = reportPath.replace(/\.pdf$/i, '');
  return `${base}-${what}.csv`;
}
