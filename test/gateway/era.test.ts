import { DiscoverResultSchema } from '@modelcontextprotocol/core';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport as LegacyMemory } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer as LegacyServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as v2025 from '@modelcontextprotocol/sdk/types.js';
import * as sdk from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  asInputRequired,
  capabilityFor,
  discoverResult,
  eraOfVersion,
  initializeResult,
  inputRequests,
  inputResponse,
  legacyResult,
  META_KEYS,
  missingCapability,
  modernResult,
  retryParams,
  withEnvelope,
  withoutEnvelope,
  type EnvelopeClient,
  type Params,
  type Result,
} from '../../src/gateway/era.js';
import { LEGACY_VERSION, STATELESS_VERSION } from '../../src/mcp/protocol.js';

// The 2025-11-25 wire shapes come from the v1 SDK (`@modelcontextprotocol/sdk/types.js`). The 2026-07-28
// wire schemas are internal to the v2 SDK, so the 2026 shapes are proven by its real peers below.

const claude = { name: 'claude', version: '1.0.0' };
const session: EnvelopeClient = {
  protocolVersion: '2025-06-18',
  clientInfo: claude,
  clientCapabilities: { elicitation: {}, roots: {} },
  logLevel: 'info',
};
const envelope = {
  [META_KEYS.protocolVersion]: STATELESS_VERSION,
  [META_KEYS.clientInfo]: claude,
  [META_KEYS.clientCapabilities]: { elicitation: {}, roots: {} },
  [META_KEYS.logLevel]: 'info',
};
const backend = {
  protocolVersion: STATELESS_VERSION,
  serverInfo: { name: 'memory', version: '2.0.0' },
  capabilities: { tools: { listChanged: true }, tasks: { list: {} } },
  instructions: 'Remember things.',
};

describe('eraOfVersion', () => {
  it('puts 2026-07-28 and later in the modern era and every older, unknown or garbled version in the legacy one', () => {
    expect(eraOfVersion(STATELESS_VERSION)).toBe('modern');
    expect(eraOfVersion('2027-01-15')).toBe('modern');
    for (const version of sdk.SUPPORTED_PROTOCOL_VERSIONS) expect(eraOfVersion(version)).toBe('legacy');
    expect(eraOfVersion('latest')).toBe('legacy');
    expect(eraOfVersion('')).toBe('legacy');
  });

  it('names the reserved _meta keys as the SDK does', () => {
    expect(META_KEYS).toEqual({
      protocolVersion: sdk.PROTOCOL_VERSION_META_KEY,
      clientInfo: sdk.CLIENT_INFO_META_KEY,
      clientCapabilities: sdk.CLIENT_CAPABILITIES_META_KEY,
      logLevel: sdk.LOG_LEVEL_META_KEY,
      serverInfo: sdk.SERVER_INFO_META_KEY,
    });
  });
});

describe('the request envelope', () => {
  const call = { name: 'remember', arguments: { fact: 'x' }, _meta: { progressToken: 7, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } };

  it('adds what the session knew to the client own _meta, claiming the 2026 revision whatever the session negotiated', () => {
    expect(withEnvelope(call, session)).toEqual({ ...call, _meta: { ...call._meta, ...envelope } });
    expect(withEnvelope(undefined, { clientInfo: null, clientCapabilities: {} })).toEqual({
      _meta: { [META_KEYS.protocolVersion]: STATELESS_VERSION, [META_KEYS.clientCapabilities]: {} },
    });
    expect(withEnvelope({}, { ...session, protocolVersion: '2027-01-15' })._meta).toMatchObject({ [META_KEYS.protocolVersion]: '2027-01-15' });
  });

  it('comes off again leaving everything else, params a 2025 client would send', () => {
    for (const params of [call, { name: 'remember' }, { _meta: { progressToken: 'p' } }, undefined]) {
      expect(withoutEnvelope(withEnvelope(params, session))).toEqual(params);
    }
    const forwarded = withoutEnvelope(withEnvelope(call, session));
    expect(v2025.CallToolRequestSchema.parse({ method: 'tools/call', params: forwarded }).params).toEqual(call);
  });

  it('leaves params without an envelope untouched, the very same object', () => {
    expect(withoutEnvelope(call)).toBe(call);
    expect(withoutEnvelope(undefined)).toBeUndefined();
  });
});

describe('results for a 2025 client', () => {
  const listed = {
    tools: [
      { name: 'recall', inputSchema: { type: 'object' }, outputSchema: { type: 'object', properties: { fact: { type: 'string' } } } },
      {
        name: 'facts',
        inputSchema: { type: 'object' },
        outputSchema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'array',
          items: { $ref: '#/$defs/fact' },
          $defs: { fact: { type: 'string', default: { $ref: '#/data' } }, const: { $ref: '#' } },
        },
      },
    ],
    resultType: 'complete',
    ttlMs: 0,
    cacheScope: 'private',
    _meta: { [META_KEYS.serverInfo]: backend.serverInfo },
  };

  it('loses the 2026-only fields and wraps a non-object output schema, its own pointers moved under `result`', () => {
    const result = legacyResult('tools/list', listed);
    expect(result).toEqual({
      tools: [
        listed.tools[0],
        {
          name: 'facts',
          inputSchema: { type: 'object' },
          outputSchema: {
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            type: 'object',
            properties: {
              result: {
                $schema: 'https://json-schema.org/draft/2020-12/schema',
                type: 'array',
                items: { $ref: '#/properties/result/$defs/fact' },
                $defs: { fact: { type: 'string', default: { $ref: '#/data' } }, const: { $ref: '#/properties/result' } },
              },
            },
            required: ['result'],
          },
        },
      ],
    });
    expect(() => v2025.ListToolsResultSchema.parse(listed)).toThrow();
    expect(v2025.ListToolsResultSchema.parse(result)).toEqual(result);
  });

  it('wraps a non-object structured result and keeps the rest of _meta', () => {
    const called = { content: [{ type: 'text', text: '["a"]' }], structuredContent: ['a'], resultType: 'complete', _meta: { [META_KEYS.serverInfo]: backend.serverInfo, trace: 1 } };
    const result = legacyResult('tools/call', called);
    expect(result).toEqual({ content: called.content, structuredContent: { result: ['a'] }, _meta: { trace: 1 } });
    expect(v2025.CallToolResultSchema.parse(result)).toEqual(result);
  });

  it('returns a result with nothing to drop as it is, without copying', () => {
    const called = { content: [{ type: 'text', text: 'ok' }], structuredContent: { ok: true }, _meta: { trace: 1 } };
    expect(legacyResult('tools/call', called)).toBe(called);
    const plain = { tools: [listed.tools[0]] };
    expect(legacyResult('tools/list', plain)).toBe(plain);
    expect(legacyResult('tools/call', null)).toBeNull();
  });
});

describe('results for a 2026 client', () => {
  it('gain resultType, and cache hints that say "do not cache" where the 2026 wire requires them', () => {
    const called = { content: [{ type: 'text', text: 'ok' }], isError: false };
    expect(modernResult('tools/call', called)).toEqual({ ...called, resultType: 'complete' });
    expect(modernResult('tools/call', {})).toEqual({ content: [], resultType: 'complete' });
    expect(modernResult('resources/read', { contents: [] })).toEqual({ contents: [], resultType: 'complete', ttlMs: 0, cacheScope: 'private' });
    expect(modernResult('tools/list', { tools: [{ name: 'recall', inputSchema: { type: 'object' }, execution: { taskSupport: 'forbidden' } }] })).toEqual({
      tools: [{ name: 'recall', inputSchema: { type: 'object' } }],
      resultType: 'complete',
      ttlMs: 0,
      cacheScope: 'private',
    });
  });
});

describe('what orch answers itself', () => {
  it('server/discover: the 2026 revisions, the capabilities a 2026 client knows, serverInfo in _meta', () => {
    const result = discoverResult(backend, [STATELESS_VERSION, ...sdk.SUPPORTED_PROTOCOL_VERSIONS]);
    expect(result).toEqual({
      resultType: 'complete',
      supportedVersions: [STATELESS_VERSION],
      capabilities: { tools: { listChanged: true } },
      instructions: 'Remember things.',
      ttlMs: 0,
      cacheScope: 'private',
      _meta: { [META_KEYS.serverInfo]: backend.serverInfo },
    });
    expect(DiscoverResultSchema.parse(result)).toEqual(result);
    expect(discoverResult({ ...backend, serverInfo: {} }, [STATELESS_VERSION])).not.toHaveProperty('_meta');
  });

  it('initialize: the version the client asked for when orch has it, else the newest 2025-era one', () => {
    const supported = ['2024-11-05', LEGACY_VERSION, STATELESS_VERSION, '2025-03-26'];
    const version = (requested: string | undefined) => initializeResult(backend, requested, supported).protocolVersion;
    expect(version('2025-03-26')).toBe('2025-03-26');
    expect(version('2024-11-05')).toBe('2024-11-05');
    expect(version('2025-06-18')).toBe(LEGACY_VERSION);
    expect(version('2099-01-01')).toBe(LEGACY_VERSION);
    expect(version('2023-01-01')).toBe(LEGACY_VERSION);
    expect(version(STATELESS_VERSION)).toBe(LEGACY_VERSION);
    expect(version(undefined)).toBe(LEGACY_VERSION);
    expect(initializeResult(backend, '2025-03-26', [STATELESS_VERSION]).protocolVersion).toBe(LEGACY_VERSION);

    const result = initializeResult(backend, '2025-03-26', supported);
    expect(result).toEqual({ protocolVersion: '2025-03-26', capabilities: backend.capabilities, serverInfo: backend.serverInfo, instructions: 'Remember things.' });
    expect(v2025.InitializeResultSchema.parse(result)).toEqual(result);
  });

  it('initialize: a serverInfo without name or version is completed, since a 2025 client refuses the handshake otherwise', () => {
    const result = initializeResult({ ...backend, serverInfo: { title: 'Memory' } }, LEGACY_VERSION, [LEGACY_VERSION]);
    expect(result.serverInfo).toEqual({ title: 'Memory', name: 'unknown', version: 'unknown' });
    expect(() => v2025.InitializeResultSchema.parse(result)).not.toThrow();
  });
});

describe('input a 2026 backend asks of a 2025 client', () => {
  const asked = {
    resultType: 'input_required',
    inputRequests: {
      sure: { method: 'elicitation/create', params: { mode: 'form', message: 'Sure?', requestedSchema: { type: 'object', properties: { sure: { type: 'boolean' } } } } },
      login: { method: 'elicitation/create', params: { mode: 'url', message: 'Sign in', url: 'https://example.com/login' } },
      roots: { method: 'roots/list' },
      write: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 10, tools: [] } },
    },
    requestState: 'opaque-1',
  };

  it('becomes 2025 server-to-client requests, a URL elicitation given the id that era requires', () => {
    const requests = inputRequests(asked)!;
    expect(requests).toEqual([
      { key: 'sure', method: 'elicitation/create', params: asked.inputRequests.sure.params },
      { key: 'login', method: 'elicitation/create', params: { ...asked.inputRequests.login.params, elicitationId: expect.stringMatching(/^[0-9a-f-]{36}$/) } },
      { key: 'roots', method: 'roots/list' },
      { key: 'write', method: 'sampling/createMessage', params: asked.inputRequests.write.params },
    ]);
    for (const request of requests) expect(() => v2025.ServerRequestSchema.parse(request)).not.toThrow();
    expect(inputRequests({ resultType: 'input_required', requestState: 'busy' })).toEqual([]);
    expect(inputRequests({ content: [], resultType: 'complete' })).toBeUndefined();
    expect(inputRequests({ resultType: 'input_required', inputRequests: { odd: 5 } })).toEqual([{ key: 'odd', method: '' }]);
  });

  it('needs the capability, and the mode, the client declared', () => {
    expect(['elicitation/create', 'sampling/createMessage', 'roots/list', 'ping'].map(capabilityFor)).toEqual(['elicitation', 'sampling', 'roots', undefined]);
    const [form, url, roots, sampling] = inputRequests(asked)!;
    expect(missingCapability(form!, { elicitation: {} })).toBeUndefined();
    expect(missingCapability(form!, { elicitation: { url: {} } })).toEqual({ elicitation: { form: {} } });
    expect(missingCapability(url!, { elicitation: {} })).toEqual({ elicitation: { url: {} } });
    expect(missingCapability(url!, { elicitation: { url: {} } })).toBeUndefined();
    expect(missingCapability(roots!, {})).toEqual({ roots: {} });
    expect(missingCapability(sampling!, { sampling: {} })).toEqual({ sampling: { tools: {} } });
    expect(missingCapability({ method: 'ping' }, {})).toBeUndefined();
  });

  it('is answered by re-sending the original request with the answers and the state, verbatim', () => {
    const original = withEnvelope({ name: 'deploy', arguments: {} }, session);
    const answers = { sure: { action: 'accept', content: { sure: true } }, roots: { roots: [] } };
    expect(retryParams(original, answers, 'opaque-1')).toEqual({ ...original, inputResponses: answers, requestState: 'opaque-1' });
    expect(retryParams({ ...original, inputResponses: answers, requestState: 'old' }, {}, 'busy')).toEqual({ ...original, requestState: 'busy' });
    expect(retryParams(original, answers, undefined)).toEqual({ ...original, inputResponses: answers });
  });
});

describe('a 2025 backend asking input of a 2026 client', () => {
  it('becomes an input_required answer to the pending request, and the client answer comes back out of its retry', () => {
    const elicit = { method: 'elicitation/create', params: { mode: 'url', message: 'Sign in', url: 'https://example.com/login', elicitationId: 'e-1', task: { ttl: 1 } } };
    expect(asInputRequired(elicit, 'orch-1', 'call-9')).toEqual({
      resultType: 'input_required',
      inputRequests: { 'orch-1': { method: 'elicitation/create', params: { mode: 'url', message: 'Sign in', url: 'https://example.com/login' } } },
      requestState: 'call-9',
    });
    expect(asInputRequired({ method: 'roots/list' }, 'orch-2', 'call-9')).toEqual({
      resultType: 'input_required',
      inputRequests: { 'orch-2': { method: 'roots/list' } },
      requestState: 'call-9',
    });

    const retried = { name: 'deploy', inputResponses: { 'orch-1': { action: 'accept' }, odd: { method: 'x', result: {} } }, requestState: 'call-9' };
    expect(inputResponse(retried, 'orch-1')).toEqual({ action: 'accept' });
    expect(inputResponse(retried, 'odd')).toBeUndefined();
    expect(inputResponse(retried, 'absent')).toBeUndefined();
    expect(inputResponse(undefined, 'orch-1')).toBeUndefined();
  });
});

/** One end of a JSON-RPC channel: requests out under ids of its own, everything else to `onMessage`. */
interface Wire {
  onmessage?: (message: never) => void;
  send(message: unknown): Promise<void>;
  start(): Promise<void>;
}
type Message = { id?: string | number; method?: string; params?: Params; result?: Result; error?: { message: string } };

function channel(transport: unknown, onMessage: (message: Message) => void) {
  const wire = transport as Wire;
  const waiting = new Map<string | number, (message: Message) => void>();
  let next = 0;
  (wire as { onmessage?: (message: Message) => void }).onmessage = (message) => {
    if (message.method === undefined && message.id !== undefined) waiting.get(message.id)?.(message);
    else onMessage(message);
  };
  return {
    start: () => wire.start(),
    request(method: string, params: Params | undefined): Promise<Result> {
      const id = `gw-${++next}`;
      return new Promise((resolve, reject) => {
        waiting.set(id, (message) => (message.error ? reject(new Error(message.error.message)) : resolve(message.result!)));
        void wire.send({ jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) });
      });
    },
    notify: (method: string) => wire.send({ jsonrpc: '2.0', method }),
    respond: (id: string | number | undefined, result: unknown) => wire.send({ jsonrpc: '2.0', id, result }),
  };
}

const ORCH: EnvelopeClient = { clientInfo: { name: 'orch', version: 'test' }, clientCapabilities: {} };

describe('the SDK own peers accept what a gateway built from these makes', () => {
  it('a 2025 client of a 2026 backend: initialize from orch, envelopes, input asked of the client, results it validates', async () => {
    const [toBackend, backendEnd] = InMemoryTransport.createLinkedPair();
    serveStdio(
      () => {
        const server = new sdk.McpServer({ name: 'modern', version: '2.0.0' }, { capabilities: { tools: {} } });
        server.registerTool('confirm', { inputSchema: z.object({}), outputSchema: z.array(z.string()) }, async (_args, ctx) => {
          const sure = sdk.acceptedContent(ctx.mcpReq.inputResponses, 'sure');
          const roots = sdk.inputResponse(ctx.mcpReq.inputResponses, 'roots');
          if (sure?.sure !== true || roots.kind !== 'roots') {
            return sdk.inputRequired({
              inputRequests: {
                sure: sdk.inputRequired.elicit({ message: 'Sure?', requestedSchema: z.object({ sure: z.boolean() }) }),
                login: sdk.inputRequired.elicitUrl({ message: 'Sign in', url: 'https://example.com/login' }),
                roots: sdk.inputRequired.listRoots(),
              },
              requestState: 'round-1',
            });
          }
          return { content: [{ type: 'text', text: 'confirmed' }], structuredContent: [String(ctx.mcpReq.requestState()), roots.roots[0]!.uri] };
        });
        return server;
      },
      // Refusing the 2025 era proves every forwarded request carried a valid envelope.
      { transport: backendEnd, legacy: 'reject' },
    );
    const upstream = channel(toBackend, () => {});
    await upstream.start();
    const discovered = await upstream.request('server/discover', withEnvelope(undefined, ORCH));
    const identity = { protocolVersion: STATELESS_VERSION, serverInfo: (discovered._meta as Result)[META_KEYS.serverInfo] as object, capabilities: discovered.capabilities as object };

    const [clientEnd, toClient] = LegacyMemory.createLinkedPair();
    let client: EnvelopeClient = ORCH;
    const downstream = channel(toClient, (message) => {
      if (message.method === 'initialize') {
        const params = message.params as { protocolVersion: string; clientInfo: EnvelopeClient['clientInfo']; capabilities: object };
        const answer = initializeResult(identity, params.protocolVersion, sdk.SUPPORTED_PROTOCOL_VERSIONS);
        client = { protocolVersion: answer.protocolVersion, clientInfo: params.clientInfo, clientCapabilities: params.capabilities };
        void downstream.respond(message.id, answer);
      } else if (message.id !== undefined) {
        void forward(message.id, message.method!, withEnvelope(message.params, client));
      }
    });
    async function forward(id: string | number, method: string, params: Params) {
      let result = await upstream.request(method, params);
      for (let requests = inputRequests(result); requests; requests = inputRequests(result)) {
        const answers: Record<string, Result> = {};
        for (const request of requests) {
          expect(missingCapability(request, client.clientCapabilities)).toBeUndefined();
          answers[request.key] = await downstream.request(request.method, request.params);
        }
        result = await upstream.request(method, retryParams(params, answers, result.requestState as string | undefined));
      }
      await downstream.respond(id, legacyResult(method, result));
    }
    await downstream.start();

    const legacy = new LegacyClient(claude, { capabilities: { elicitation: { form: {}, url: {} }, roots: {} } });
    const elicited: unknown[] = [];
    legacy.setRequestHandler(v2025.ElicitRequestSchema, async (request) => {
      elicited.push(request.params);
      return request.params.mode === 'url' ? { action: 'accept' } : { action: 'accept', content: { sure: true } };
    });
    legacy.setRequestHandler(v2025.ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///work' }] }));
    await legacy.connect(clientEnd);
    expect(legacy.getServerVersion()).toEqual({ name: 'modern', version: '2.0.0' });

    const { tools } = await legacy.listTools();
    expect(tools[0]!.outputSchema).toMatchObject({ type: 'object', properties: { result: { type: 'array' } }, required: ['result'] });
    // The v1 client checks structuredContent against the listed output schema.
    const result = await legacy.callTool({ name: 'confirm', arguments: {} });
    expect(result).toEqual({ content: [{ type: 'text', text: 'confirmed' }], structuredContent: { result: ['round-1', 'file:///work'] } });
    expect(elicited).toEqual([
      { mode: 'form', message: 'Sure?', requestedSchema: expect.objectContaining({ properties: { sure: { type: 'boolean' } } }) },
      { mode: 'url', message: 'Sign in', url: 'https://example.com/login', elicitationId: expect.any(String) },
    ]);
    await legacy.close();
  });

  it('a 2026 client of a 2025 backend: discover from orch, no envelope, the backend asking through input_required', async () => {
    const [toBackend, backendEnd] = LegacyMemory.createLinkedPair();
    const old = new LegacyServer({ name: 'old', version: '1.0.0' }, { capabilities: { tools: {} } });
    old.registerTool('confirm', { inputSchema: { env: z.string() }, outputSchema: { answer: z.string(), root: z.string() } }, async ({ env }) => {
      const answer = await old.server.elicitInput({ message: `Deploy to ${env}?`, requestedSchema: { type: 'object', properties: { sure: { type: 'boolean' } } } });
      const { roots } = await old.server.listRoots();
      return { content: [{ type: 'text', text: 'done' }], structuredContent: { answer: answer.action, root: roots[0]!.uri } };
    });
    await old.connect(backendEnd);

    let backendAsks: ((message: Message) => void) | undefined;
    const forwarded: (Params | undefined)[] = [];
    const upstream = channel(toBackend, (message) => backendAsks?.(message));
    await upstream.start();
    // orch's own handshake must declare what it will relay, or a 2025 backend never asks.
    const init = await upstream.request('initialize', { protocolVersion: LEGACY_VERSION, capabilities: { elicitation: {}, roots: {} }, clientInfo: ORCH.clientInfo });
    await upstream.notify('notifications/initialized');
    const identity = init as unknown as { protocolVersion: string; serverInfo: object; capabilities: object };

    const parked = new Map<string, { call: Promise<Result>; method: string; backendId: string | number | undefined }>();
    const [clientEnd, toClient] = InMemoryTransport.createLinkedPair();
    const downstream = channel(toClient, (message) => {
      if (message.method === 'server/discover') void downstream.respond(message.id, discoverResult(identity, [STATELESS_VERSION, LEGACY_VERSION]));
      else if (message.id !== undefined && typeof message.params?.requestState === 'string') {
        const pending = parked.get(message.params.requestState)!;
        parked.delete(message.params.requestState);
        const step = nextStep(pending.call);
        void upstream.respond(pending.backendId, inputResponse(message.params, 'orch-1'));
        void reply(message.id, pending.method, pending.call, step);
      } else if (message.id !== undefined) {
        const params = withoutEnvelope(message.params);
        forwarded.push(params);
        const call = upstream.request(message.method!, params);
        void reply(message.id, message.method!, call, nextStep(call));
      }
    });
    /** Whichever comes first from the backend: the call's result, or a request it makes of the client meanwhile. */
    function nextStep(call: Promise<Result>): Promise<{ result: Result } | { ask: Message }> {
      return new Promise((resolve) => {
        backendAsks = (ask) => resolve({ ask });
        void call.then((result) => resolve({ result }));
      });
    }
    let states = 0;
    async function reply(id: string | number, method: string, call: Promise<Result>, step: Promise<{ result: Result } | { ask: Message }>) {
      const next = await step;
      if ('result' in next) return downstream.respond(id, modernResult(method, next.result));
      const requestState = `call-${++states}`;
      parked.set(requestState, { call, method, backendId: next.ask.id });
      return downstream.respond(id, asInputRequired({ method: next.ask.method!, params: next.ask.params }, 'orch-1', requestState));
    }
    await downstream.start();

    const modern = new Client(claude, { capabilities: { elicitation: {}, roots: {} }, versionNegotiation: { mode: { pin: STATELESS_VERSION } } });
    const elicited: unknown[] = [];
    modern.setRequestHandler('elicitation/create', async (request) => {
      elicited.push(request.params);
      return { action: 'accept', content: { sure: true } };
    });
    modern.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///work' }] }));
    await modern.connect(clientEnd);
    expect(modern.getServerVersion()).toEqual({ name: 'old', version: '1.0.0' });

    const { tools } = await modern.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['confirm']);
    const result = await modern.callTool({ name: 'confirm', arguments: { env: 'prod' } });
    expect(result).toEqual({ content: [{ type: 'text', text: 'done' }], structuredContent: { answer: 'accept', root: 'file:///work' } });
    expect(elicited).toEqual([{ mode: 'form', message: 'Deploy to prod?', requestedSchema: { type: 'object', properties: { sure: { type: 'boolean' } } } }]);
    expect(forwarded).toEqual([undefined, { name: 'confirm', arguments: { env: 'prod' } }]);
    await modern.close();
  });
});
