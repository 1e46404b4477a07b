/**
 * Variable expansion as the MCP clients write it: `${VAR}` and `${VAR:-default}` (Claude Code),
 * `${env:VAR}`, `${userHome}`, `${workspaceFolder}` and `${input:ID}` (VS Code, Cursor).
 */
const PATTERN =
  /\$\{(?:env:([A-Za-z_][A-Za-z0-9_]*)|input:([A-Za-z0-9_.-]+)|([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z]+):(?!-)[^}]*)(?::-([^}]*))?\}/g;

export interface Variables {
  env: Record<string, string | undefined>;
  /** `${userHome}`; without it the name is read from `env` like any other. */
  userHome?: string;
  /** `${workspaceFolder}`: the folder holding `.vscode/`, or why there is none. */
  workspaceFolder?: string | { unresolvable: string };
  /** `${input:ID}`: the value, or `undefined` when none is stored. */
  input?: (id: string) => string | undefined;
}

/** A variable with no value; every expansion failure is one, so callers catch a single class. */
export class UnsetVariableError extends Error {
  constructor(
    readonly variable: string,
    message = `\${${variable}} is not set (write \${${variable}:-fallback} to give it a default)`,
  ) {
    super(message);
  }
}

/** Not a mistake in the file: the value lives outside it and has not been given yet. */
export class MissingInputError extends UnsetVariableError {
  constructor(readonly id: string) {
    super(`input:${id}`, `\${input:${id}} has no value (orch secret set ${id})`);
  }
}

export function expandVariables(text: string, variables: Variables | Record<string, string | undefined>): string {
  const vars: Variables = isVariables(variables) ? variables : { env: variables };
  return text.replace(PATTERN, (match, envName?: string, inputId?: string, plain?: string, prefix?: string, fallback?: string) => {
    // Left literal, a VS Code variable orch cannot know (`${config:…}`, `${command:…}`) would reach the server as text.
    if (prefix !== undefined) throw new UnsetVariableError(match.slice(2, -1), `${match} is a ${prefix}: variable, which orch cannot resolve outside the editor`);
    if (inputId !== undefined) {
      const value = vars.input?.(inputId);
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      throw new MissingInputError(inputId);
    }
    if (plain === 'userHome' && vars.userHome !== undefined) return vars.userHome;
    if (plain === 'workspaceFolder' && vars.workspaceFolder !== undefined) {
      if (typeof vars.workspaceFolder === 'string') return vars.workspaceFolder;
      throw new UnsetVariableError('workspaceFolder', `\${workspaceFolder} cannot be resolved: ${vars.workspaceFolder.unresolvable}`);
    }
    const name = (envName ?? plain)!;
    // Own keys only: `${constructor}` or `${__proto__}` must not read Object.prototype.
    const value = Object.hasOwn(vars.env, name) ? vars.env[name] : undefined;
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    if (value !== undefined) return value;
    throw new UnsetVariableError(envName === undefined ? name : `env:${name}`);
  });
}

/** One `${…}` in a text: what expanding it reads (`${userHome}` and `${workspaceFolder}` are `env` names here). */
export type VariableReference = { kind: 'env'; name: string } | { kind: 'input'; id: string } | { kind: 'editor' };

/** Every reference in `text`, in order: what must be set wherever the text is expanded later. */
export function variableReferences(text: string): VariableReference[] {
  return [...text.matchAll(PATTERN)].map(([, envName, inputId, plain, prefix]): VariableReference => {
    if (prefix !== undefined) return { kind: 'editor' };
    if (inputId !== undefined) return { kind: 'input', id: inputId };
    return { kind: 'env', name: (envName ?? plain)! };
  });
}

function isVariables(value: Variables | Record<string, string | undefined>): value is Variables {
  return typeof (value as Variables).env === 'object' && (value as Variables).env !== null;
}
