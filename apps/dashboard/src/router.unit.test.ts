import { describe, expect, it } from 'vitest';
import { matchRoute, workspacePath } from './router';
import { findPage } from './pages/registry';

describe('matchRoute', () => {
  it('matches workspace pages and what follows them', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/w/abc-1/events')).toEqual({ name: 'workspace', workspaceId: 'abc-1', page: 'events', rest: [] });
    expect(matchRoute('/w/abc-1/install/')).toEqual({ name: 'workspace', workspaceId: 'abc-1', page: 'install', rest: [] });
    expect(matchRoute('/w/abc-1/profiles/p%2F1')).toEqual({ name: 'workspace', workspaceId: 'abc-1', page: 'profiles', rest: ['p/1'] });
  });

  it('refuses malformed addresses', () => {
    expect(matchRoute('/w/abc-1')).toEqual({ name: 'notFound' });
    expect(matchRoute('/w//events')).toEqual({ name: 'notFound' });
    expect(matchRoute('/x/abc/events')).toEqual({ name: 'notFound' });
  });

  it('round-trips ids through workspacePath', () => {
    expect(matchRoute(workspacePath('a b/c', 'events'))).toEqual({ name: 'workspace', workspaceId: 'a b/c', page: 'events', rest: [] });
    expect(matchRoute(workspacePath('w', 'segments', 's 1'))).toMatchObject({ page: 'segments', rest: ['s 1'] });
  });

  it('knows the registered pages only', () => {
    expect(findPage('events')?.label).toBe('Events');
    expect(findPage('no-such-page')).toBeUndefined();
  });
});
