// Display helpers: durations, progress lines, dates. Pure functions, unit-tested.
import type { ProgressEvent } from './bindings/ProgressEvent';

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "less than a second", "12 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'less than a second';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** "3 of 10 · about 12 s left" while running; a closing line when finished. */
export function progressText(ev: ProgressEvent): string {
  if (ev.total === 0) {
    // The step does not know its size yet (e.g. discovery before anything answered).
    if (ev.finished) return `${ev.cancelled ? 'Cancelled' : 'Done'} in ${formatDuration(ev.elapsed_ms)}`;
    return `Working · ${formatDuration(ev.elapsed_ms)} so far`;
  }
  if (ev.finished) {
    const what = `${ev.done} of ${ev.total} in ${formatDuration(ev.elapsed_ms)}`;
    return ev.cancelled ? `Cancelled after ${what}` : `Done: ${what}`;
  }
  const count = `${ev.done} of ${ev.total}`;
  if (ev.eta_ms === null) return `${count} · estimating time left`;
  return `${count} · about ${formatDuration(ev.eta_ms)} left`;
}

/** A PDF date ("D:20261120163000Z" or with +01'00') as "2026-11-20 16:30:00 UTC"; unknown shapes pass through. */
export function pdfDate(s: string | null | undefined): string {
  if (!s) return 'unknown';
  const m = /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'?\d{2}'?)?/.exec(s);
  if (!m) return s;
  const [, y, mo, d, h, mi, se, tz] = m;
  let zone = 'UTC';
  if (tz && tz !== 'Z') zone = `UTC${tz.slice(0, 3)}:${tz.replace(/'/g, '').slice(3, 5)}`;
  return `${y}-${mo}-${d} ${h}:${mi}:${se} ${zone}`;
}

/** An RFC 3339 time as "2026-11-20 16:30 UTC". */
export function shortTime(s: string | null | undefined): string {
  if (!s) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(s);
  return m ? `${m[1]} ${m[2]} UTC` : s;
}

/** The common name in a DN ("CN=Ana Lopez, O=Brightline" -> "Ana Lopez"). */
export function commonName(dn: string): string {
  const m = /(?:^|,\s*)CN=([^,]+)/.exec(dn);
  return m ? m[1].trim() : dn;
}
