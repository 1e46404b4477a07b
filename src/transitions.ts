/**
 * Read-only inspection: turns server snapshots into transitions (state changes, and new reasons within
 * a state, such as the 2/3 of a failing check). No decisions live here.
 */
import type { ActorRefLike, InspectionEvent } from 'xstate';
import { serverStateName, type ServerSnapshot } from './machines/server.state.js';
import type { ServerStateName } from './machines/server.types.js';

export interface Transition {
  time: number;
  server: string;
  from: ServerStateName;
  to: ServerStateName;
  reason: string;
}

export function createTransitionInspector(onTransition: (transition: Transition) => void, now: () => number = Date.now) {
  const last = new WeakMap<ActorRefLike, { state: ServerStateName; reason: string }>();
  return (event: InspectionEvent): void => {
    if (event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as ServerSnapshot;
    if (snapshot.machine?.id !== 'server' || snapshot.status !== 'active') return;
    const state = serverStateName(snapshot);
    const { reason, spec } = snapshot.context;
    const previous = last.get(event.actorRef);
    last.set(event.actorRef, { state, reason });
    if (!previous || (previous.state === state && previous.reason === reason)) return;
    onTransition({ time: now(), server: spec.name, from: previous.state, to: state, reason });
  };
}
