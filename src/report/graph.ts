import type { Model } from '../model/model.js';

/** Above this many roles the report lists inheritance as text instead of drawing it. */
const GRAPH_ROLE_LIMIT = 60;

export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 40;
const GAP_X = 24;
const GAP_Y = 56;
const MARGIN = 12;

interface GraphNode {
  readonly name: string;
  readonly title: string;
  /** 0 for roles that inherit nothing; a role sits one layer below its deepest parent. */
  readonly layer: number;
  /** Top-left corner of the node's box. */
  readonly x: number;
  readonly y: number;
}

interface GraphEdge {
  /** The inheriting role. */
  readonly from: string;
  /** The role it inherits. */
  readonly to: string;
}

/** The inheritance graph laid out in layers (parents above children), ready to draw. */
export interface RoleGraph {
  /** False when the set has more than GRAPH_ROLE_LIMIT roles: nodes carry no useful coordinates then. */
  readonly drawn: boolean;
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/**
 * Lays out the role hierarchy (acyclic: the resolver rejects cycles) in layers: a role sits one
 * layer below the deepest role it inherits. Within a layer, roles are ordered by the mean position
 * of their parents (one barycentre pass), then source order, which keeps edges short and the
 * drawing stable for the same input.
 */
export function roleGraph(model: Model): RoleGraph {
  const edges: GraphEdge[] = model.roles.flatMap((r) => r.inherits.map((p) => ({ from: r.name, to: p })));
  const layerOf = new Map<string, number>();
  const visit = (name: string): number => {
    const known = layerOf.get(name);
    if (known !== undefined) return known;
    const role = model.roleIndex.get(name);
    const layer = role && role.inherits.length > 0 ? 1 + Math.max(...role.inherits.map(visit)) : 0;
    layerOf.set(name, layer);
    return layer;
  };
  for (const r of model.roles) visit(r.name);
  const drawn = model.roles.length <= GRAPH_ROLE_LIMIT;
  const layers: string[][] = [];
  for (const r of model.roles) (layers[layerOf.get(r.name)!] ??= []).push(r.name);
  const position = new Map<string, number>();
  layers.forEach((names, layer) => {
    if (layer > 0) {
      const source = new Map(names.map((n, i) => [n, i]));
      const centre = (n: string) => {
        const parents = model.roleIndex.get(n)!.inherits;
        return parents.reduce((s, p) => s + (position.get(p) ?? 0), 0) / Math.max(1, parents.length);
      };
      names.sort((a, b) => centre(a) - centre(b) || source.get(a)! - source.get(b)!);
    }
    names.forEach((n, i) => position.set(n, i - (names.length - 1) / 2));
  });
  const widest = Math.max(1, ...layers.map((l) => l.length));
  const width = 2 * MARGIN + widest * NODE_WIDTH + (widest - 1) * GAP_X;
  const nodes: GraphNode[] = [];
  layers.forEach((names, layer) => {
    const rowWidth = names.length * NODE_WIDTH + (names.length - 1) * GAP_X;
    const left = (width - rowWidth) / 2;
    names.forEach((name, i) => {
      nodes.push({
        name,
        title: model.roleIndex.get(name)!.title,
        layer,
        x: Math.round(left + i * (NODE_WIDTH + GAP_X)),
        y: MARGIN + layer * (NODE_HEIGHT + GAP_Y),
      });
    });
  });
  const height = 2 * MARGIN + layers.length * NODE_HEIGHT + Math.max(0, layers.length - 1) * GAP_Y;
  return { drawn, width, height, nodes, edges };
}
