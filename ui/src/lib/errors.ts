// What a failed command tells the user: the backend sends {code, message, hint}; anything else (a bug, a
// plugin error string) is wrapped so every error box shows a message and what to do.
import type { CommandError } from './bindings/CommandError';
import type { ErrorCode } from './bindings/ErrorCode';

const CODES: ErrorCode[] = [
  'project-locked',
  'not-found',
  'invalid-input',
  'disk-full',
  'keyring-unavailable',
  'verification-failed',
  'certificate-changed',
  'no-project',
  'cancelled',
  'internal',
];

export function isCommandError(e: unknown): e is CommandError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return typeof o.message === 'string' && typeof o.code === 'string' && CODES.includes(o.code as ErrorCode);
}

export function toCommandError(e: unknown): CommandError {
  if (isCommandError(e)) {
    return { code: e.code, message: e.message, hint: typeof e.hint === 'string' ? e.hint : '' };
  }
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return {
    code: 'internal',
    message: message || 'Something went wrong.',
    hint: 'Try again. If it keeps happening, note the message for support.',
  };
}

/** A one-line title for the error box. */
export function errorTitle(code: ErrorCode): string {
  switch (code) {
    case 'project-locked':
      return 'The project is open elsewhere';
    case 'not-found':
      return 'Not found';
    case 'invalid-input':
      return 'Not accepted';
    case 'disk-full':
      return 'The disk is full';
    case 'keyring-unavailable':
      return 'The keyring cannot be used';
    case 'verification-failed':
      return 'Verification failed';
    case 'certificate-changed':
      return 'The device presented another certificate';
    case 'no-project':
      return 'No project open';
    case 'cancelled':
      return 'Cancelled';
    default:
      return 'Something went wrong';
  }
}
