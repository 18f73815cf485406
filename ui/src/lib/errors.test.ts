import { describe, expect, it } from 'vitest';
import { errorTitle, isCommandError, toCommandError } from './errors';

describe('errors', () => {
  it('keeps a backend error as it came', () => {
    const e = { code: 'project-locked', message: 'open elsewhere', hint: 'Close it there.' };
    expect(isCommandError(e)).toBe(true);
    expect(toCommandError(e)).toEqual(e);
    expect(errorTitle('project-locked')).toBe('The project is open elsewhere');
    expect(isCommandError({ code: 'keyring-unavailable', message: 'locked' })).toBe(true);
    expect(errorTitle('keyring-unavailable')).toBe('The keyring cannot be used');
    const changed = { code: 'certificate-changed', message: 'not the pinned one', hint: 'Nothing was sent.' };
    expect(toCommandError(changed)).toEqual(changed);
    expect(errorTitle('certificate-changed')).toBe('The device presented another certificate');
  });
  it('wraps anything else as internal with a hint', () => {
    for (const raw of ['plugin failed', new Error('boom'), { code: 'made-up', message: 'x' }, 42]) {
      const e = toCommandError(raw);
      expect(e.code).toBe('internal');
      expect(e.message.length).toBeGreaterThan(0);
      expect(e.hint).toMatch(/Try again/);
    }
    expect(toCommandError(new Error('boom')).message).toBe('boom');
  });
});
