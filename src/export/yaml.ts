/**
 * A YAML writer for the subset `orch export` produces: maps, lists, strings, numbers and booleans,
 * in the order the objects were built, so the same input gives the same bytes. Kubernetes reads YAML
 * 1.1, where `yes`, `on`, `0755` and `1_000` are not strings: a string is written plain only when no
 * YAML version could read it as anything else, otherwise double-quoted; a multi-line string is a
 * literal block (`|`), so the config inside the ConfigMap stays readable.
 */

export type Yaml = string | number | boolean | readonly Yaml[] | { readonly [key: string]: Yaml };

/** One document per object, `---` between them, ending with a newline. */
export function toYaml(...documents: Yaml[]): string {
  return documents.map((document) => `${block(document, 0).join('\n')}\n`).join('---\n');
}

/** Letters or `/` first, then nothing YAML gives a meaning to (no `#`, no `: `, no flow characters). */
const PLAIN = /^[A-Za-z_/][\w./@+=:-]*$/;
/** YAML 1.1 booleans and nulls: plain, they would not be strings. */
const RESERVED = /^(y|yes|n|no|true|false|on|off|null)$/i;
/** Kubernetes quantities (`900m`, `384Mi`): digits first, but no resolver reads them as numbers. */
const QUANTITY = /^[0-9]+(m|Ki|Mi|Gi|Ti)$/;

function scalar(value: string | number | boolean): string {
  if (typeof value !== 'string') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`yaml: cannot write ${value}`);
    return String(value);
  }
  if ((PLAIN.test(value) && !value.endsWith(':') && !RESERVED.test(value)) || QUANTITY.test(value)) return value;
  return quoted(value);
}

/** JSON's string syntax is YAML's double-quoted one; escape what JSON leaves raw but YAML 1.1 treats as a break or BOM. */
function quoted(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A literal block keeps every character as is, so only text of printable lines that ends in one newline goes there. */
function literalBlock(value: string): boolean {
  return /\n/.test(value) && /^[^\s]/.test(value) && !/[\p{Cc}\u2028\u2029\ufeff]/u.test(value.replaceAll('\n', '')) && /[^\n]\n$/.test(value);
}

function isMap(value: Yaml): value is { readonly [key: string]: Yaml } {
  return typeof value === 'object' && !Array.isArray(value);
}

/** The lines of `value` written at `indent`; a scalar is one line without indentation of its own. */
function block(value: Yaml, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item: Yaml) => {
      if (!isNested(item)) return [`${pad}- ${inline(item, indent + 2)}`];
      const lines = block(item, indent + 2);
      return [`${pad}- ${lines[0]!.slice(indent + 2)}`, ...lines.slice(1)];
    });
  }
  if (isMap(value)) {
    return Object.entries(value).flatMap(([key, item]) => {
      const head = `${pad}${scalar(key)}:`;
      if (!isNested(item)) return [`${head} ${inline(item, indent + 2)}`];
      return [head, ...block(item, indent + 2)];
    });
  }
  return [inline(value, indent)];
}

/** A non-empty map or list takes lines of its own; anything else follows its key or dash. */
function isNested(value: Yaml): boolean {
  return typeof value === 'object' && Object.keys(value).length > 0;
}

function inline(value: Yaml, indent: number): string {
  if (Array.isArray(value)) return '[]';
  if (isMap(value)) return '{}';
  if (typeof value === 'string' && literalBlock(value)) {
    const pad = ' '.repeat(indent);
    return `|\n${value.slice(0, -1).split('\n').map((line) => (line === '' ? '' : pad + line)).join('\n')}`;
  }
  return scalar(value as string | number | boolean);
}
