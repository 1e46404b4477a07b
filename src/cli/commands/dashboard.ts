/** `orch dashboard`: a one-time login link for the web dashboard, opened in the browser when there is one. */
import { resolveHome } from '../../home.js';
import { connectDaemon } from '../client.js';

export async function dashboardCommand(flags: { open?: boolean }): Promise<void> {
  const client = connectDaemon(resolveHome());
  const { url, expiresAt } = await client.request<{ url: string; expiresAt: string }>('POST', '/api/login-links');
  process.stdout.write(`${url}\n(one-time link, valid until ${new Date(expiresAt).toLocaleTimeString()})\n`);
  if (flags.open !== false && process.stdout.isTTY && !process.env.CI) {
    const { default: open } = await import('open');
    await open(url).catch(() => undefined);
  }
}
