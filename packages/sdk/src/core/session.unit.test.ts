import { describe, expect, it } from 'vitest';
import { sessionTimeout, touchSession } from './session';

let n = 0;
const id = () => `s${++n}`;
const none = { camp: '', referrer: '' };

describe('touchSession', () => {
  it('starts the first visit', () => {
    const [s, started] = touchSession(undefined, 1000, { camp: '', referrer: 'google.com' }, id);
    expect(started).toBe(true);
    expect(s).toMatchObject({ start: 1000, last: 1000, first: 1000, count: 1, pages: 0, referrer: 'google.com' });
    expect(s.prev).toBeUndefined();
  });

  it('continues within 30 minutes of inactivity and restarts after', () => {
    const [a] = touchSession(undefined, 0, none, id);
    const [b, again] = touchSession(a, sessionTimeout - 1, none, id);
    expect(again).toBe(false);
    expect(b.id).toBe(a.id);
    expect(b.last).toBe(sessionTimeout - 1);
    const [c, next] = touchSession(b, b.last + sessionTimeout, none, id);
    expect(next).toBe(true);
    expect(c.id).not.toBe(a.id);
    expect(c).toMatchObject({ count: 2, first: 0, prev: sessionTimeout - 1 });
  });

  it('starts a new session when the visitor comes back through another campaign', () => {
    const [a] = touchSession(undefined, 0, { camp: 'k1', referrer: '' }, id);
    expect(touchSession(a, 10, { camp: 'k1', referrer: '' }, id)[1]).toBe(false);
    expect(touchSession(a, 10, none, id)[1]).toBe(false);
    const [b, started] = touchSession(a, 10, { camp: 'k2', campaign: { source: 'x' }, referrer: '' }, id);
    expect(started).toBe(true);
    expect(b).toMatchObject({ count: 2, camp: 'k2', campaign: { source: 'x' } });
  });
});
