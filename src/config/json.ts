/**
 * JSONC text to plain data, stricter than jsonc-parser's `parse` where a config file needs it:
 * - objects have no prototype, so `__proto__` or `constructor` is an ordinary key (`parse` assigns
 *   `obj[key] = value` on a `{}`, where `"__proto__"` replaces the prototype and the key vanishes);
 * - a key repeated in one object is an error naming both places (JSON.parse keeps the last, silently);
 * - a leading UTF-8 byte order mark, which Windows editors write, is not content.
 * Comments and trailing commas are allowed, as in VS Code's mcp.json.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

export interface TextPosition {
  line: number;
  column: number;
}

export class JsonTextError extends Error {
  constructor(
    readonly kind: 'syntax' | 'duplicate-key',
    readonly at: TextPosition,
    message: string,
  ) {
    super(message);
  }
}

const BOM = '\uFEFF';

/** Throws a JsonTextError at the first syntax error or repeated key; positions ignore a BOM. */
export function parseJsonc(text: string): unknown {
  const source = text.startsWith(BOM) ? text.slice(BOM.length) : text;
  const errors: ParseError[] = [];
  const root = parseTree(source, errors, { allowTrailingComma: true });
  const error = errors[0];
  if (error) throw new JsonTextError('syntax', positionOf(source, error.offset), `invalid JSON (${describeSyntaxError(error)})`);
  return root === undefined ? undefined : toValue(root, source);
}

function toValue(node: Node, source: string): unknown {
  if (node.type === 'array') return (node.children ?? []).map((child) => toValue(child, source));
  if (node.type !== 'object') return node.value;
  const object: Record<string, unknown> = Object.create(null);
  const firstOffsets = new Map<string, number>();
  for (const property of node.children ?? []) {
    const [key, value] = property.children as [Node, Node];
    const name = key.value as string;
    const first = firstOffsets.get(name);
    if (first !== undefined) {
      const { line, column } = positionOf(source, first);
      throw new JsonTextError('duplicate-key', positionOf(source, key.offset), `duplicate key ${JSON.stringify(name)} (first at ${line}:${column})`);
    }
    firstOffsets.set(name, key.offset);
    object[name] = toValue(value, source);
  }
  return object;
}

function describeSyntaxError(error: ParseError): string {
  return printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function positionOf(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
