/** `orch dashboard`: a one-time login link for the web dashboard, opened in the browser when there is one. */
import { resolveHome } from '../../home.js';
import { connectDaemon } from '../client.js';

export async function dashboardCommand(flags: { open?: boolean; json?: boolean }): Promise<void> {
  const client = connectDaemon(resolveHome());
  const link = await client.request<{ url: string; expiresAt: string }>('POST', '/api/login-links');
  // The link works once: with --json it is the script's to use, so no browser spends it.
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(link)}\n`);
    return;
  }
  process.stdout.write(`${link.url}\n(one-time link, valid until ${new Date(link.expiresAt).toLocaleTimeString()})\n`);
  if (flags.open !== false && process.stdout.isTTY && !process.env.CI) {
    const { default: open } = await import('open');
    await open(link.url).catch(() => undefined);
  }
}
