/** Server names as Kubernetes object names: valid DNS-1035 labels, unchanged when already one, never two alike. */
import { describe, expect, it } from 'vitest';
import { OrchError } from '../../src/errors.js';
import { kubernetesName, kubernetesNames } from '../../src/export/names.js';

const LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

describe('kubernetesName', () => {
  it('keeps a name that is already a label', () => {
    expect(['memory', 'server-everything', 'a1'].map(kubernetesName)).toEqual(['memory', 'server-everything', 'a1']);
  });

  it('makes any other name a label of at most 63 characters, with a hash of the original', () => {
    for (const name of ['GitHub', 'my server', 'github.com/owner/repo', '1password', '---', 'ünïcode', 'x'.repeat(70), '9'.repeat(80)]) {
      const object = kubernetesName(name);
      expect(object, name).toMatch(LABEL);
      expect(object.length).toBeLessThanOrEqual(63);
      expect(object).toMatch(/-[0-9a-f]{6}$/);
    }
    expect(kubernetesName('1password')).toMatch(/^mcp-1password-/);
    expect(kubernetesName('My Server')).not.toBe(kubernetesName('my server'));
  });

  it('maps many names at once and refuses a collision', () => {
    expect([...kubernetesNames(['memory', 'My Server'])]).toEqual([
      ['memory', 'memory'],
      ['My Server', kubernetesName('My Server')],
    ]);
    expect(() => kubernetesNames(['My Server', kubernetesName('My Server')])).toThrow(OrchError);
  });
});
