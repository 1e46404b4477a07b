/**
 * What the gateway rewrites when a client and its backend speak different MCP generations: the
 * 2025 era (sessions, `initialize`, server-to-client requests) and the stateless 2026-07-28 one (a
 * `_meta` envelope on every request, `resultType` on every result, input asked for in-band by an
 * `input_required` result that the client answers by re-sending its request). Pure: ids, sessions,
 * timers and the pending calls a `requestState` names stay with the gateway.
 *
 * The shapes are the v2 SDK's wire codecs (@modelcontextprotocol/server 2.4, the unexported
 * `wire/rev2026-07-28` and `wire/rev2025-11-25` modules), which its own clients enforce.
 */
import { LEGACY_VERSION, STATELESS_VERSION } from '../mcp/protocol.js';

export type Era = 'modern' | 'legacy';
export type Params = Record<string, unknown>;
export type Result = Record<string, unknown>;

/** The reserved `_meta` keys; the first four are the 2026-07-28 request envelope. */
export const META_KEYS = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  logLevel: 'io.modelcontextprotocol/logLevel',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
} as const;
const ENVELOPE_KEYS = [META_KEYS.protocolVersion, META_KEYS.clientInfo, META_KEYS.clientCapabilities, META_KEYS.logLevel];

/** Result fields a 2025-11-25 client has never heard of (`resultType` on every result, cache hints on some). */
const MODERN_RESULT_KEYS = ['resultType', 'ttlMs', 'cacheScope'];
/** The results the 2026 wire requires `ttlMs` and `cacheScope` on (SEP-2549). */
const CACHEABLE_METHODS = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read', 'server/discover']);
/** A 2025 backend says nothing about caching: a 2026 client must not cache, and never shares. */
const NO_CACHE = { ttlMs: 0, cacheScope: 'private' };

export interface Implementation {
  name: string;
  version: string;
  [key: string]: unknown;
}

export interface EnvelopeClient {
  /** The 2026 revision to claim; a 2025 version (the client's own session) gives STATELESS_VERSION. */
  protocolVersion?: string;
  clientInfo: Implementation | null;
  clientCapabilities: object;
  /** What the client asked for with `logging/setLevel`: a 2026 backend logs only for requests that carry it. */
  logLevel?: string;
}

export interface ServerIdentity {
  protocolVersion: string;
  serverInfo: object;
  capabilities: object;
  instructions?: string;
}

/** A type, not an interface, so it stays assignable to a plain record. */
export type InitializeResult = {
  protocolVersion: string;
  capabilities: object;
  serverInfo: Implementation;
  instructions?: string;
};

/** One of the server-to-client requests a 2026 backend embeds in an `input_required` result. */
export interface InputRequest {
  key: string;
  method: string;
  params?: Params;
}

export type InputCapability = 'elicitation' | 'sampling' | 'roots';

/** Revisions are ISO dates; anything else (a garbled header) is treated as the older era. */
export function eraOfVersion(version: string): Era {
  return /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= STATELESS_VERSION ? 'modern' : 'legacy';
}

/** A 2025 client's request for a 2026 backend: the envelope the session used to carry. */
export function withEnvelope(params: Params | undefined, client: EnvelopeClient): Params {
  const version = client.protocolVersion !== undefined && eraOfVersion(client.protocolVersion) === 'modern' ? client.protocolVersion : STATELESS_VERSION;
  return {
    ...params,
    _meta: {
      ...asRecord(params?._meta),
      [META_KEYS.protocolVersion]: version,
      ...(client.clientInfo !== null && { [META_KEYS.clientInfo]: client.clientInfo }),
      [META_KEYS.clientCapabilities]: client.clientCapabilities,
      ...(client.logLevel !== undefined && { [META_KEYS.logLevel]: client.logLevel }),
    },
  };
}

/**
 * A 2026 client's request for a 2025 backend: the envelope goes, the rest of `_meta` (progressToken,
 * trace context) stays. Params left empty become undefined, as a 2025 client would send them.
 */
export function withoutEnvelope(params: Params | undefined): Params | undefined {
  const meta = params?._meta;
  if (!isRecord(meta) || !ENVELOPE_KEYS.some((key) => key in meta)) return params;
  const { _meta: _, ...rest } = params as Params;
  const kept = omit(meta, ENVELOPE_KEYS);
  const out = Object.keys(kept).length > 0 ? { ...rest, _meta: kept } : rest;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A 2026 backend's complete result for a 2025 client: the 2026-only fields go, and a non-object
 * output schema or structured result is wrapped as `{ result }`, the only shape the 2025 wire allows
 * (SEP-2106; a 2025 client refuses the whole tools/list otherwise). Returns the same object when
 * there is nothing to change. Not for `input_required` results: see `inputRequests`.
 */
export function legacyResult(method: string, result: unknown): unknown {
  if (!isRecord(result)) return result;
  let copy: Result | undefined;
  const edit = () => (copy ??= { ...result });
  for (const key of MODERN_RESULT_KEYS) if (key in result) delete edit()[key];
  const meta = result._meta;
  if (isRecord(meta) && META_KEYS.serverInfo in meta) {
    const kept = omit(meta, [META_KEYS.serverInfo]);
    if (Object.keys(kept).length > 0) edit()._meta = kept;
    else delete edit()._meta;
  }
  if (method === 'tools/list' && Array.isArray(result.tools) && result.tools.some(hasNonObjectOutput)) {
    edit().tools = result.tools.map((tool) => (hasNonObjectOutput(tool) ? { ...tool, outputSchema: wrapOutputSchema(tool.outputSchema) } : tool));
  }
  if (method === 'tools/call' && result.structuredContent !== undefined && !isRecord(result.structuredContent)) {
    edit().structuredContent = { result: result.structuredContent };
  }
  return copy ?? result;
}

/** A 2025 backend's result for a 2026 client, which refuses one without `resultType` (and cache hints where required). */
export function modernResult(method: string, result: unknown): unknown {
  if (!isRecord(result)) return result;
  const out: Result = { ...result, resultType: 'complete', ...(CACHEABLE_METHODS.has(method) && NO_CACHE) };
  // Deleted from the 2026 vocabulary (the SDK's own encoder drops it too).
  if (method === 'tools/list' && Array.isArray(result.tools)) out.tools = result.tools.map((tool) => (isRecord(tool) ? omit(tool, ['execution']) : tool));
  // The 2025 SDK client defaults a missing `content`; the 2026 wire requires it.
  if (method === 'tools/call' && out.content === undefined) out.content = [];
  return out;
}

/** orch's own answer to `server/discover`: only 2026 revisions are listed (older ones negotiate through `initialize`). */
export function discoverResult(info: ServerIdentity, supportedVersions: readonly string[]): Result {
  return {
    resultType: 'complete',
    supportedVersions: supportedVersions.filter((version) => eraOfVersion(version) === 'modern'),
    capabilities: omit(info.capabilities as Record<string, unknown>, ['tasks']),
    ...(info.instructions !== undefined && { instructions: info.instructions }),
    ...NO_CACHE,
    // Optional on this wire (a SHOULD): better absent than invented.
    ...(isImplementation(info.serverInfo) && { _meta: { [META_KEYS.serverInfo]: info.serverInfo } }),
  };
}

/**
 * orch's own answer to a 2025 client's `initialize`: the version it asked for if orch supports it,
 * else the newest 2025-era version orch supports (the spec's negotiation: the client then decides).
 */
export function initializeResult(info: ServerIdentity, requestedVersion: string | undefined, supportedVersions: readonly string[]): InitializeResult {
  const legacy = supportedVersions.filter((version) => eraOfVersion(version) === 'legacy');
  const newest = legacy.reduce<string | undefined>((best, version) => (best === undefined || version > best ? version : best), undefined);
  const protocolVersion = requestedVersion !== undefined && legacy.includes(requestedVersion) ? requestedVersion : (newest ?? LEGACY_VERSION);
  return {
    protocolVersion,
    capabilities: info.capabilities,
    // Required on this wire: a 2025 client refuses the handshake without a name and a version.
    serverInfo: asImplementation(info.serverInfo),
    ...(info.instructions !== undefined && { instructions: info.instructions }),
  };
}

/**
 * The requests a 2026 backend's `input_required` result asks of a 2025 client, in the 2025 shape;
 * undefined for any other result. An empty list with a `requestState` asks only for a retry.
 * Entries of an unknown kind are kept, so `capabilityFor` can refuse them.
 */
export function inputRequests(result: unknown): InputRequest[] | undefined {
  if (!isRecord(result) || result.resultType !== 'input_required') return undefined;
  return Object.entries(asRecord(result.inputRequests)).map(([key, entry]) => {
    const { method, params } = asRecord(entry);
    const request: InputRequest = { key, method: typeof method === 'string' ? method : '' };
    if (!isRecord(params)) return request;
    // The 2025 URL mode requires an id the 2026 one dropped; the SDK's own bridge mints one too.
    return { ...request, params: params.mode === 'url' && params.elicitationId === undefined ? { ...params, elicitationId: crypto.randomUUID() } : params };
  });
}

/** The client capability a server-to-client request needs; undefined for a method that is not one. */
export function capabilityFor(method: string): InputCapability | undefined {
  if (method === 'elicitation/create') return 'elicitation';
  if (method === 'sampling/createMessage') return 'sampling';
  if (method === 'roots/list') return 'roots';
  return undefined;
}

/**
 * What a client lacks for this request, in the ClientCapabilities shape (the data of a -32021
 * error), or undefined if it declared enough. Modes count: URL elicitation needs `elicitation.url`,
 * sampling with tools `sampling.tools`; a bare `elicitation: {}` means form, as it did in 2025.
 */
export function missingCapability(request: { method: string; params?: Params }, declared: object): Record<string, object> | undefined {
  const capability = capabilityFor(request.method);
  if (capability === undefined) return undefined;
  const have = (declared as Record<string, unknown>)[capability];
  if (!isRecord(have)) return { [capability]: {} };
  const member = subCapability(capability, request.params);
  if (member === undefined || member in have) return undefined;
  if (member === 'form' && have.url === undefined) return undefined;
  return { [capability]: { [member]: {} } };
}

/** The original request again for a 2026 backend, carrying the 2025 client's answers and the backend's state verbatim. */
export function retryParams(originalParams: Params | undefined, responses: Record<string, Result>, requestState: string | undefined): Params {
  const { inputResponses: _answers, requestState: _state, ...base } = originalParams ?? {};
  return {
    ...base,
    ...(Object.keys(responses).length > 0 && { inputResponses: responses }),
    ...(requestState !== undefined && { requestState }),
  };
}

/**
 * A 2025 backend's server-to-client request, as the answer to the 2026 client's pending request.
 * `requestState` is the gateway's handle on that pending call; the client sends it back verbatim.
 */
export function asInputRequired(serverRequest: { method: string; params?: Params }, key: string, requestState: string): Result {
  const { method, params } = serverRequest;
  return {
    resultType: 'input_required',
    inputRequests: { [key]: { method, ...(params !== undefined && { params: modernInputParams(params) }) } },
    requestState,
  };
}

/** The client's answer for `key` in a re-sent request: the bare result a 2025 backend expects, else undefined. */
export function inputResponse(params: Params | undefined, key: string): Result | undefined {
  const entry = asRecord(params?.inputResponses)[key];
  // A `{ method, result }` wrapper is not an answer: the SDK drops those too.
  return isRecord(entry) && !('method' in entry) && !('result' in entry) ? entry : undefined;
}

function subCapability(capability: InputCapability, params: Params | undefined): string | undefined {
  if (capability === 'elicitation') return params?.mode === 'url' ? 'url' : 'form';
  if (capability === 'sampling' && (params?.tools !== undefined || params?.toolChoice !== undefined)) return 'tools';
  return undefined;
}

/** Tasks are 2025-only; the 2026 URL mode has no elicitation id. */
function modernInputParams(params: Params): Params {
  const out = omit(params, ['task']);
  if (out.mode === 'url') delete out.elicitationId;
  return out;
}

function hasNonObjectOutput(tool: unknown): tool is Record<string, unknown> & { outputSchema: Record<string, unknown> } {
  return isRecord(tool) && isRecord(tool.outputSchema) && tool.outputSchema.type !== 'object';
}

/** `{ type: 'object', properties: { result: schema } }`, with the schema's own `#` pointers moved under it. */
function wrapOutputSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const wrapped = { type: 'object', properties: { result: rebase(schema, false) }, required: ['result'] };
  return typeof schema.$schema === 'string' ? { $schema: schema.$schema, ...wrapped } : wrapped;
}

/** Keywords whose values are data, not schemas; and keywords whose values map names to schemas. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);
const NAME_MAP_KEYWORDS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies']);

function rebase(node: unknown, namesHere: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => rebase(item, false));
  if (!isRecord(node)) return node;
  // A non-fragment `$id` starts a new base: pointers beneath it do not point at the root.
  if (!namesHere && typeof node.$id === 'string' && !node.$id.startsWith('#')) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (namesHere) out[key] = rebase(value, false);
    else if ((key === '$ref' || key === '$dynamicRef') && typeof value === 'string' && value.startsWith('#')) {
      out[key] = value === '#' ? '#/properties/result' : value.startsWith('#/') ? `#/properties/result${value.slice(1)}` : value;
    } else out[key] = DATA_KEYWORDS.has(key) ? value : rebase(value, NAME_MAP_KEYWORDS.has(key));
  }
  return out;
}

function isImplementation(info: object): info is Implementation {
  const { name, version } = info as Record<string, unknown>;
  return typeof name === 'string' && typeof version === 'string';
}

function asImplementation(info: object): Implementation {
  if (isImplementation(info)) return info;
  const { name, version } = info as Record<string, unknown>;
  return { ...info, name: typeof name === 'string' ? name : 'unknown', version: typeof version === 'string' ? version : 'unknown' };
}

function omit(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out = { ...record };
  for (const key of keys) delete out[key];
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
