/**
 * The zod orch validates with: the mini build, whose functions tree-shake, rather than the classic
 * API, which cost the daemon 12 MB and 58 ms of start-up (#16). Only the gateway's SDK, loaded on the
 * first `/mcp` request, brings classic zod. The bundle's chunks are shared, so every module uses this
 * one, and names values directly (`z.object`): a namespace taken as a value (`import { z } from 'zod'`,
 * `z.core.$ZodError`) pulls every locale, 370 KB, into a chunk the daemon loads
 * (test/daemon/boot-chunks.test.ts). Types (`z.core.$ZodIssue`) cost nothing.
 * The mini build has no messages of its own; config and request errors quote zod's English ones, so
 * they are set here (classic zod, when it loads, keeps a locale already set).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
