/**
 * `orch secret set|unset|list`: the values of `${input:ID}` in MCP configs, kept 0600 in $ORCH_HOME.
 * A value is read from stdin (not echoed on a terminal), never from the command line, where `ps`
 * and the shell history would keep it; nothing prints a value back.
 */
import { OrchError } from '../../errors.js';
import { ensureHome, resolveHome } from '../../home.js';
import { INPUT_ID, inputEnvName, readSecrets, secretsFile, writeSecrets } from '../../config/inputs.js';

export async function secretCommand(action: string, id: string | undefined, input: NodeJS.ReadStream = process.stdin): Promise<void> {
  const file = secretsFile(ensureHome(resolveHome()));
  const secrets = readSecrets(file);
  if (action === 'list') {
    for (const name of Object.keys(secrets).sort()) process.stdout.write(`${name}\n`);
    return;
  }
  if (action !== 'set' && action !== 'unset') throw new OrchError('USAGE', `unknown action "${action}" (set, unset or list)`);
  if (id === undefined || !INPUT_ID.test(id)) {
    throw new OrchError('USAGE', `orch secret ${action} needs an input id of letters, digits, ".", "_" or "-"`);
  }
  if (action === 'unset') {
    if (!Object.hasOwn(secrets, id)) throw new OrchError('USAGE', `no secret is stored for ${id}`);
    delete secrets[id];
    writeSecrets(file, secrets);
    process.stdout.write(`removed ${id}\n`);
    return;
  }
  const value = input.isTTY ? await readHidden(input, `value for ${id}: `) : await readPiped(input);
  if (value === '') throw new OrchError('USAGE', `no value for ${id} on stdin`);
  writeSecrets(file, { ...secrets, [id]: value });
  process.stdout.write(`stored ${id} (${inputEnvName(id)} overrides it); run orch reload to start what waited for it\n`);
}

/** Piped stdin, without the newline `echo` adds. */
async function readPiped(input: NodeJS.ReadStream): Promise<string> {
  let text = '';
  for await (const chunk of input.setEncoding('utf8')) text += chunk as string;
  return text.replace(/\r?\n$/, '');
}

/** One line from a terminal in raw mode, so the characters are not echoed. */
function readHidden(input: NodeJS.ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new OrchError('USAGE', 'cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    input.on('data', onData);
    input.resume();
  });
}
