// Findings lists (Checks and Review screens): severity order, filter and search. Pure, unit-tested.
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

export interface FindingLike {
  severity: string;
  status: string;
  title: string;
  check?: string;
  evidence?: string;
  detail?: string;
  device_label?: string;
  device_id?: string | null;
}

export interface FindingFilter {
  text: string;
  severity: string; // 'any' or a severity
  status: string; // 'any' or a status
}

export const ALL_FINDINGS: FindingFilter = { text: '', severity: 'any', status: 'any' };

export function severityRank(s: string): number {
  const i = (SEVERITIES as readonly string[]).indexOf(s);
  return i < 0 ? SEVERITIES.length : i;
}

export function filterFindings<T extends FindingLike>(items: T[], f: FindingFilter): T[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  return items
    .filter((x) => f.severity === 'any' || x.severity === f.severity)
    .filter((x) => f.status === 'any' || x.status === f.status)
    .filter((x) => {
      const h = [x.title, x.check, x.evidence, x.detail, x.device_label, x.device_id]
        .filter(Boolean)
        .join(' ')
        .toLowerCase();
      return words.every((w) => h.includes(w));
    })
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}

export function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}
