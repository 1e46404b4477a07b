/** The YAML writer: what it writes reads back, with a YAML 1.1 parser as Kubernetes uses, as the same data. */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toYaml, type Yaml } from '../../src/export/yaml.js';

const roundTrip = (value: Yaml) => parse(toYaml(value), { version: '1.1' }) as unknown;

describe('toYaml', () => {
  it('writes a string plain only where no YAML version reads it as something else', () => {
    const tricky = [
      'yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'null', '~', '', ' lead', 'trail ', '0755', '1_000', '1e3', '0x1F', '.5', '.inf',
      '12:30', '2026-11-25', '-', '--server', '- item', '? key', ': x', 'a: b', 'a #b', '#c', '&a', '*a', '!tag', '|', '>', '%x', '@x', '`x',
      '[a]', '{a}', 'a,b', '"q"', "'q'", 'tab\there', 'bell\u0007', 'del\u007f', 'nel\u0085', 'ls\u2028', 'bom\ufeff', 'émoji 🎉', 'back\\slash',
      '${VAR}', 'key:', 'http://memory', '900m', '384Mi', '/readyz',
    ];
    expect(roundTrip({ values: tricky })).toEqual({ values: tricky });
    expect(toYaml({ a: '/readyz', b: 'http://memory', c: '384Mi', d: 'memory' })).toBe('a: /readyz\nb: http://memory\nc: 384Mi\nd: memory\n');
    expect(toYaml({ a: 'yes', b: '8080', c: '0.0.0.0' })).toBe('a: "yes"\nb: "8080"\nc: "0.0.0.0"\n');
  });

  it('writes nested maps and lists, empty ones inline, numbers and booleans as themselves', () => {
    const value: Yaml = {
      spec: {
        replicas: 1,
        paused: false,
        containers: [{ name: 'orch', args: ['serve', '--server', 'memory'], ports: [{ containerPort: 8080 }] }],
        volumes: [{ name: 'tmp', emptyDir: {} }],
        list: [],
        nested: [['a', 'b'], []],
      },
    };
    expect(roundTrip(value)).toEqual(value);
    expect(toYaml({ containers: [{ name: 'orch', emptyDir: {} }] })).toBe('containers:\n  - name: orch\n    emptyDir: {}\n');
  });

  it('keeps multi-line text readable as a literal block, and quotes what a block would change', () => {
    const json = `${JSON.stringify({ mcpServers: { memory: { command: 'node', args: ['a # b', 'c: d'] } } }, null, 2)}\n`;
    const text = toYaml({ data: { 'mcp.json': json } });
    expect(text).toContain('  mcp.json: |\n    {\n      "mcpServers": {\n');
    for (const value of [json, 'no final newline\nhere', 'two\nfinal\n\n', ' leading\nspace\n', 'tab\tin\nblock\n', 'blank\n\nline\n']) {
      expect(roundTrip({ [`k`]: value })).toEqual({ k: value });
      expect(roundTrip([value])).toEqual([value]);
    }
  });

  it('joins documents with ---', () => {
    expect(toYaml({ a: 1 }, { b: 2 })).toBe('a: 1\n---\nb: 2\n');
  });
});
