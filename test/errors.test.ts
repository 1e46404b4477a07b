import { describe, expect, it } from 'vitest';
import { isOrchError, OrchError } from '../src/errors.js';

describe('isOrchError', () => {
  it('knows an OrchError from another copy of the module, as the bin and the split build each hold one', async () => {
    // @ts-expect-error: a query makes a second instance of the module, which TypeScript does not resolve.
    const copy = (await import('../src/errors.ts?copy')) as typeof import('../src/errors.js');
    const theirs = new copy.OrchError('USAGE', 'bad flag');
    expect(theirs).not.toBeInstanceOf(OrchError);
    expect(isOrchError(theirs)).toBe(true);
    expect(copy.isOrchError(new OrchError('USAGE', 'bad flag'))).toBe(true);
    expect(isOrchError(new Error('bug'))).toBe(false);
    expect(isOrchError(Object.assign(new Error('looks alike'), { name: 'OrchError', code: 'USAGE' }))).toBe(false);
  });
});
