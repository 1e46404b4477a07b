/** The SDK's Streamable HTTP client against an endpoint that wants a bearer token, with no daemon around it. */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

export async function connectDaemonless(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'serve-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}
