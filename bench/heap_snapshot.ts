/**
 * What each connection keeps alive in the JS heap: two V8 heap snapshots (idle server, fleet held) are
 * summed by kind of object (constructor name for objects, function name for closures, V8's own kinds
 * otherwise), and the growth between them divided by the connections held. Pure: snapshot text in,
 * table rows out (bench/profile.ts takes the snapshots).
 */

/** Count and self size of one kind of heap object. */
export interface HeapKind {
  count: number;
  bytes: number;
}

export interface PerConnectionKind {
  /** Constructor name for objects, `name()` for closures, `(string)`, `(array)`… for V8's own kinds. */
  name: string;
  /** Objects of this kind per connection (may be fractional: one shared by several). */
  perConnection: number;
  /** Self bytes per connection. */
  bytesPerConnection: number;
}

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Sums a `.heapsnapshot` (the JSON V8 writes) by kind of object. */
export function heapKinds(snapshotText: string): Map<string, HeapKind> {
  const raw = JSON.parse(snapshotText) as RawSnapshot;
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type"),
    nameAt = fields.indexOf("name"),
    sizeAt = fields.indexOf("self_size");
  const out = new Map<string, HeapKind>();
  for (let i = 0; i < raw.nodes.length; i += width) {
    const type = types[raw.nodes[i + typeAt]];
    const name = raw.strings[raw.nodes[i + nameAt]];
    const key = kindName(type, name);
    const k = out.get(key) ?? { count: 0, bytes: 0 };
    k.count++;
    k.bytes += raw.nodes[i + sizeAt];
    out.set(key, k);
  }
  return out;
}

function kindName(type: string, name: string): string {
  switch (type) {
    case "object":
    case "native":
      return name || "(anonymous object)";
    case "closure":
      return `${name || "(anonymous)"}()`;
    case "string":
    case "concatenated string":
    case "sliced string":
      return "(string)";
    case "hidden":
    case "object shape":
      return `(${type}) ${name}`.trimEnd();
    default:
      return `(${type})`;
  }
}

/** The kinds that grew from `idle` to `held`, per connection, the most bytes first. */
export function perConnection(
  idle: Map<string, HeapKind>,
  held: Map<string, HeapKind>,
  connections: number,
  top = 20,
): PerConnectionKind[] {
  if (connections <= 0) return [];
  const rows: PerConnectionKind[] = [];
  for (const [name, h] of held) {
    const before = idle.get(name) ?? { count: 0, bytes: 0 };
    const bytes = h.bytes - before.bytes;
    if (bytes <= 0) continue;
    rows.push({
      name,
      perConnection: Math.round(((h.count - before.count) / connections) * 100) / 100,
      bytesPerConnection: Math.round(bytes / connections),
    });
  }
  return rows.sort((a, b) => b.bytesPerConnection - a.bytesPerConnection).slice(0, top);
}
