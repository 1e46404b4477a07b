/** Request bodies: bounded, a blank one is not "every server", and the reload route that takes a config path. */
import { describe, expect, it } from 'vitest';
import { createApp, MAX_BODY_BYTES } from '../../src/http/app.js';
import { createFakeSupervision, PORT, TOKEN } from './fake-supervision.js';

const HOST = `127.0.0.1:${PORT}`;

function setup() {
  const fake = createFakeSupervision();
  const app = createApp(fake.deps);
  const post = async (path: string, body: BodyInit, headers: Record<string, string> = {}) => {
    const response = await app.request(`http://${HOST}${path}`, {
      method: 'POST',
      body,
      headers: { host: HOST, authorization: `Bearer ${TOKEN}`, ...headers },
      ...(body instanceof ReadableStream && { duplex: 'half' }),
    });
    return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
  };
  return { fake, post };
}

describe('HTTP API: request bodies', () => {
  it('a body over 1 MiB is a 413, and nothing is acted on', async () => {
    const { fake, post } = setup();
    const big = JSON.stringify({ names: ['x'.repeat(MAX_BODY_BYTES)] });
    const answer = await post('/api/servers/start', big, { 'content-length': String(big.length) });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'the request body is over 1 MiB' });
    expect(fake.calls).toEqual([]);
  });

  it('a streamed body without a length is cut off at the limit too', async () => {
    const { fake, post } = setup();
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the limit: the reader must stop early, not buffer it all.
        if (sent >= 64 * MAX_BODY_BYTES) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const answer = await post('/api/servers/stop', stream);
    expect(answer.status).toBe(413);
    expect(sent).toBeLessThan(4 * MAX_BODY_BYTES);
    expect(fake.calls).toEqual([]);
  });

  it('a blank body (whitespace only) is a 400, not "every server"', async () => {
    const { fake, post } = setup();
    const answer = await post('/api/servers/start', ' \n\t ');
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toBe('the request body is blank; send JSON, or nothing');
    expect(fake.calls).toEqual([]);
  });

  it('an empty body still means every server', async () => {
    const { fake, post } = setup();
    expect((await post('/api/servers/stop', '')).status).toBe(202);
    expect(fake.calls).toEqual([{ action: 'stop', names: undefined }]);
  });
});

describe('HTTP API: reload', () => {
  it('re-reads the config, or switches to another, and lists the changes', async () => {
    const { fake, post } = setup();
    expect(await post('/api/reload', '')).toEqual({ status: 200, body: { config: '/test/mcp.json', changes: [{ server: 'fs', change: 'added' }] } });
    expect((await post('/api/reload', JSON.stringify({ config: '/other.json' }))).body).toMatchObject({ config: '/other.json' });
    expect(fake.reloads).toEqual([undefined, '/other.json']);
  });

  it('an invalid config is a 400 with the one-line reason, and nothing else', async () => {
    const { post } = setup();
    const answer = await post('/api/reload', JSON.stringify({ config: '/bad.json' }));
    expect(answer).toEqual({
      status: 400,
      body: { error: { code: 'CONFIG_INVALID', message: '/bad.json: mcpServers.a.command: expected string' } },
    });
  });
});
