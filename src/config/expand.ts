/** `${VAR}` and `${VAR:-default}` expansion, as Claude Code and VS Code do it. */
const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export class UnsetVariableError extends Error {
  constructor(readonly variable: string) {
    super(`\${${variable}} is not set (write \${${variable}:-fallback} to give it a default)`);
  }
}

export function expandVariables(text: string, env: Record<string, string | undefined>): string {
  return text.replace(PATTERN, (_match, name: string, fallback: string | undefined) => {
    // Own keys only: `${constructor}` or `${__proto__}` must not read Object.prototype.
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    if (value !== undefined) return value;
    throw new UnsetVariableError(name);
  });
}
