// Review screen logic: verdict presentation, device search, export file names. Pure, unit-tested. The CSV columns
// are the report's own (the engine writes the export with the report's writers).
import type { ReviewDevice } from './bindings/ReviewDevice';
import type { CsvKind } from './bindings/CsvKind';
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

/** A default export file name next to the report: "report.pdf" -> "report-selected-findings.csv". Never the name
 * of one of the report's own twins ("report.csv", "report-findings.csv", "report-netbox.csv"), so an export of a
 * filtered selection does not replace them. */
export function exportName(reportPath: string, what: CsvKind): string {
  const base = reportPath.replace(/\.pdf$/i, '');
  return `${base}-selected-${what}.csv`;
}
