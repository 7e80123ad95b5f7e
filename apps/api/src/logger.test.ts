import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger';

function captured(fn: () => void): string {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return lines.join('');
}

describe('log lines', () => {
  afterEach(() => vi.restoreAllMocks());

  it('carry no user ids or email addresses, but the same pseudonym for the same person', () => {
    const log = createLogger('debug');
    const out = captured(() => {
      log.error('request failed', {
        url: '/v1/profiles/user-4242/export?email=ada%40example.com',
        error: 'Error: A user with email Ada@Example.com already exists\n    at createUser (users.ts:14)',
        userId: 'user-4242',
        job: { id: 'j1', data: { anonymousId: 'anon-777', traits: { email: 'ada@example.com', plan: 'pro' } } },
      });
      log.warn('sign-in from ada@example.com', { user_id: 'user-4242' });
    });
    expect(out).not.toMatch(/user-4242|anon-777|ada@example\.com|Ada@Example\.com|ada%40example/i);
    const [first, second] = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first!.userId).toMatch(/^ref_[0-9a-f]{12}$/);
    expect(second!.user_id).toBe(first!.userId);
    expect(String(first!.url)).toBe(`/v1/profiles/${String(first!.userId)}/export?…`);
    expect(String(first!.error)).toContain('already exists');
    expect(second!.msg).toMatch(/^sign-in from ref_[0-9a-f]{12}$/);
  });
});
