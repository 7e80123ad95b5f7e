import { describe, expect, it } from 'vitest';
import { parseArgs, requireFlag, UsageError } from './args';

describe('CLI arguments', () => {
  it('reads --name value, --name=value, boolean flags and positionals after --', () => {
    const args = parseArgs(['workspace', 'create', '--name', 'Shop', '--owner=a@b.c', '--json', '--', '--literal'], ['json']);
    expect(args).toEqual({ positionals: ['workspace', 'create', '--literal'], flags: { name: 'Shop', owner: 'a@b.c', json: true } });
    expect(requireFlag(args, 'name')).toBe('Shop');
  });

  it('keeps a value that contains = and an empty inline value', () => {
    expect(parseArgs(['--name=a=b', '--owner=']).flags).toEqual({ name: 'a=b', owner: '' });
  });

  it('a flag without its value, a value given to a boolean flag and a missing required flag are usage errors', () => {
    expect(() => parseArgs(['--name'])).toThrow(new UsageError('--name needs a value'));
    expect(() => parseArgs(['--name', '--json'], ['json'])).toThrow(new UsageError('--name needs a value'));
    expect(() => parseArgs(['--json=yes'], ['json'])).toThrow(UsageError);
    expect(() => requireFlag(parseArgs(['--name', ' ']), 'name')).toThrow(new UsageError('--name is required'));
  });
});
