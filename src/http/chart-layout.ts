/**
 * Lays out the server statechart as a diagram with ELK (elkjs, layered algorithm): states become
 * boxes, compound states containers around their children, transitions labelled edges routed
 * orthogonally. Done once on the server, since the chart never changes while orch runs: the page
 * is plain SVG, and only the highlighted state changes live. elkjs is imported lazily, because only
 * the development-mode statechart page needs its 1.5 MB.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { ChartState } from '../machines/chart.js';

export interface ChartBox {
  id: string;
  key: string;
  x: number;
  y: number;
  width: number;
  height: number;
  compound: boolean;
  initial: boolean;
}

export interface ChartArrow {
  id: string;
  source: string;
  target: string;
  label: string;
  /** The route, start to end, in absolute coordinates. */
  points: { x: number; y: number }[];
  labelAt: { x: number; y: number; width: number; height: number };
}

export interface ChartLayout {
  width: number;
  height: number;
  /** Outer containers before the boxes inside them, so that SVG paints children on top. */
  boxes: ChartBox[];
  arrows: ChartArrow[];
}

/** Labels are drawn in a monospace font at this size, so their width is known without a browser. */
export const LABEL_FONT_PX = 11;
const CHAR_PX = LABEL_FONT_PX * 0.62;
const TITLE_PX = 14;
const LEAF = { width: 110, height: 40 };

export function transitionLabel(event: string, guard: string | null): string {
  return guard ? `${event} [${guard}]` : event;
}

export async function layoutChart(chart: ChartState): Promise<ChartLayout> {
  // A CommonJS module: under NodeNext its typed constructor is `module.exports.default`.
  const ELK = (await import('elkjs/lib/elk.bundled.js')).default.default;
  const edges: ElkExtendedEdge[] = [];
  const node = (state: ChartState): ElkNode => {
    state.transitions.forEach((t, i) => {
      const text = transitionLabel(t.event, t.guard);
      edges.push({
        id: `${state.id}#${i}`,
        sources: [state.id],
        targets: [t.target],
        labels: [{ text, width: Math.ceil(text.length * CHAR_PX) + 4, height: LABEL_FONT_PX + 4 }],
      });
    });
    if (state.children.length === 0) return { id: state.id, labels: [{ text: state.key }], ...LEAF };
    return {
      id: state.id,
      labels: [{ text: state.key, width: state.key.length * TITLE_PX * 0.6, height: TITLE_PX + 6 }],
      // Room at the top for the container's title.
      layoutOptions: { 'elk.padding': `[top=${TITLE_PX + 16},left=14,bottom=14,right=14]` },
      children: state.children.map(node),
    };
  };
  const root: ElkNode = {
    id: chart.id,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      // One layout across the nesting, so edges may enter and leave containers.
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      // Break cycles in the machine's own order, so that `stopped` (declared first) sits on top.
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '30',
      'elk.spacing.edgeLabel': '2',
      'elk.edgeLabels.inline': 'false',
      // Absolute coordinates for shapes and edges alike: the SVG then needs no transforms.
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: chart.children.map(node),
    edges,
  };
  const laid = await new ELK().layout(root);
  return {
    width: Math.ceil(laid.width ?? 0),
    height: Math.ceil(laid.height ?? 0),
    boxes: flatten(laid, chart),
    arrows: (laid.edges ?? []).map(toArrow),
  };
}

function flatten(laid: ElkNode, chart: ChartState): ChartBox[] {
  const states = new Map<string, ChartState>();
  const index = (state: ChartState) => {
    states.set(state.id, state);
    state.children.forEach(index);
  };
  index(chart);
  const boxes: ChartBox[] = [];
  const visit = (node: ElkNode, parent: ChartState) => {
    const state = states.get(node.id)!;
    boxes.push({
      id: node.id,
      key: state.key,
      x: node.x ?? 0,
      y: node.y ?? 0,
      width: node.width ?? 0,
      height: node.height ?? 0,
      compound: state.children.length > 0,
      initial: parent.initial === node.id,
    });
    for (const child of node.children ?? []) visit(child, state);
  };
  for (const child of laid.children ?? []) visit(child, chart);
  return boxes;
}

function toArrow(edge: ElkExtendedEdge): ChartArrow {
  const section = edge.sections?.[0];
  const label = edge.labels?.[0];
  const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
  return {
    id: edge.id,
    source: edge.sources[0]!,
    target: edge.targets[0]!,
    label: label?.text ?? '',
    points,
    labelAt: { x: label?.x ?? 0, y: label?.y ?? 0, width: label?.width ?? 0, height: label?.height ?? 0 },
  };
}
