/**
 * The server statechart as data, read from the machine definition itself (never drawn by hand):
 * every state, and every transition with its event and guard. The dashboard draws it; `orch viz`
 * prints it as Mermaid.
 */
import type { AnyStateMachine } from 'xstate';

export interface ChartTransition {
  /** A readable event: `probe.ok`, `after probeTimeout`, `always`, `process error`. */
  event: string;
  target: string;
  guard: string | null;
}

export interface ChartState {
  id: string;
  key: string;
  initial: string | null;
  transitions: ChartTransition[];
  children: ChartState[];
}

interface Definition {
  eventType: string;
  target?: readonly { id: string }[];
  guard?: unknown;
}

interface Node {
  id: string;
  key: string;
  states: Record<string, Node>;
  transitions: Map<string, Definition[]>;
  always?: Definition[];
  initial?: { target: readonly { id: string }[] };
}

export function chartOf(machine: AnyStateMachine): ChartState {
  return walk(machine.root as unknown as Node);
}

function walk(node: Node): ChartState {
  const definitions = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
  const transitions: ChartTransition[] = [];
  for (const definition of definitions) {
    for (const target of definition.target ?? []) {
      const event = eventLabel(definition.eventType);
      const guard = guardLabel(definition.guard);
      if (!transitions.some((t) => t.event === event && t.target === target.id && t.guard === guard)) {
        transitions.push({ event, target: target.id, guard });
      }
    }
  }
  return {
    id: node.id,
    key: node.key,
    initial: node.initial?.target[0]?.id ?? null,
    transitions,
    children: Object.values(node.states).map(walk),
  };
}

function eventLabel(type: string): string {
  if (type === '') return 'always';
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (after) return `after ${after[1]}`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(type);
  if (error) return `${error[1]} error`;
  return type;
}

function guardLabel(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') return guard.type;
  // `and([...])` and friends: a function carrying its parts.
  const parts = (guard as { guards?: unknown[] }).guards;
  if (Array.isArray(parts)) return parts.map(guardLabel).filter(Boolean).join(' ∧ ');
  return 'guarded';
}

/** Every state id in the chart, depth first. */
export function stateIds(chart: ChartState): string[] {
  return [chart.id, ...chart.children.flatMap(stateIds)];
}

/** The ids of the states a snapshot value is in, e.g. `{ active: { running: 'waiting' } }`. */
export function activeStateIds(machineId: string, value: unknown): string[] {
  const ids: string[] = [];
  const visit = (prefix: string, v: unknown) => {
    if (typeof v === 'string') {
      ids.push(`${prefix}.${v}`);
      return;
    }
    for (const [key, child] of Object.entries((v ?? {}) as Record<string, unknown>)) {
      ids.push(`${prefix}.${key}`);
      visit(`${prefix}.${key}`, child);
    }
  };
  visit(machineId, value);
  return ids;
}

/** Mermaid `stateDiagram-v2` text, for docs. */
export function toMermaid(chart: ChartState): string {
  const name = (id: string) => id.replace(/\./g, '_');
  const lines = ['stateDiagram-v2'];
  const emit = (state: ChartState, indent: string) => {
    for (const child of state.children) {
      if (child.children.length > 0) {
        lines.push(`${indent}state ${name(child.id)} {`);
        if (child.initial) lines.push(`${indent}  [*] --> ${name(child.initial)}`);
        emit(child, `${indent}  `);
        lines.push(`${indent}}`);
      }
    }
    for (const child of state.children) {
      for (const t of child.transitions) {
        lines.push(`${indent}${name(child.id)} --> ${name(t.target)} : ${t.event}${t.guard ? ` [${t.guard}]` : ''}`);
      }
    }
  };
  if (chart.initial) lines.push(`  [*] --> ${name(chart.initial)}`);
  emit(chart, '  ');
  for (const t of chart.transitions) lines.push(`  ${name(chart.id)} --> ${name(t.target)} : ${t.event}`);
  return `${lines.join('\n')}\n`;
}
