/**
 * The files kustomize's `secretGenerator` reads (`envs:`): `KEY=value` a line, taken verbatim (no
 * quotes, no escapes), `#` comments. The values stay out of every YAML file: the export writes the
 * keys, and the user (or `--with-secrets`) the values. A value kustomize cannot hold on one line is
 * left empty, with a note.
 */

export interface EnvFile {
  text: string;
  /** Keys whose value is empty: what the user still has to fill in. */
  empty: string[];
  notes: string[];
}

export function renderEnvFile(header: string[], values: ReadonlyMap<string, string>): EnvFile {
  const notes: string[] = [];
  const empty: string[] = [];
  const lines = [...values].map(([key, value]) => {
    if (/[\r\n]/.test(value)) {
      notes.push(`${key} holds a line break, which a kustomize env file cannot: left empty, set it in the Secret yourself`);
      value = '';
    }
    if (value === '') empty.push(key);
    return `${key}=${value}`;
  });
  return { text: `${header.map((line) => `# ${line}`.trimEnd()).join('\n')}\n${lines.join('\n')}\n`, empty, notes };
}

/** The values an env file holds, read as kustomize reads them (the first `=` splits; the rest is the value). */
export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.replace(/^\ufeff/, '').split('\n')) {
    const line = raw.replace(/\r$/, '').trimStart();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    values.set(at === -1 ? line : line.slice(0, at), at === -1 ? '' : line.slice(at + 1));
  }
  return values;
}

/** The new keys, each with the value the user already filled in where there is one: a new export keeps them. */
export function keepFilledIn(keys: ReadonlyMap<string, string>, previous: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...keys].map(([key, value]) => [key, value !== '' ? value : (previous.get(key) ?? '')]));
}
