import assert from "node:assert/strict";
import { heapKinds, perConnection } from "./heap_snapshot.ts";

/** A minimal snapshot in V8's layout: nodes are [type, name, id, self_size, edge_count] flattened. */
function snapshot(nodes: [string, string, number][]): string {
  const types = ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native"];
  const strings: string[] = [];
  const str = (s: string) => {
    if (!strings.includes(s)) strings.push(s);
    return strings.indexOf(s);
  };
  const flat = nodes.flatMap(([type, name, size], id) => [types.indexOf(type), str(name), id, size, 0]);
  return JSON.stringify({
    snapshot: {
      meta: { node_fields: ["type", "name", "id", "self_size", "edge_count"], node_types: [types, "string"] },
    },
    nodes: flat,
    edges: [],
    strings,
  });
}

Deno.test("heapKinds: objects by constructor, closures by function name, strings together", () => {
  const k = heapKinds(snapshot([
    ["object", "Session", 100],
    ["object", "Session", 100],
    ["closure", "onmessage", 32],
    ["string", "abc", 20],
    ["string", "defg", 24],
    ["array", "", 16],
  ]));
  assert.deepEqual(k.get("Session"), { count: 2, bytes: 200 });
  assert.deepEqual(k.get("onmessage()"), { count: 1, bytes: 32 });
  assert.deepEqual(k.get("(string)"), { count: 2, bytes: 44 });
  assert.deepEqual(k.get("(array)"), { count: 1, bytes: 16 });
});

Deno.test("perConnection: growth from idle to held over the connections, most bytes first", () => {
  const idle = heapKinds(
    snapshot([["object", "Session", 100], ["object", "Map", 50], ["object", "Gone", 80]]),
  );
  const held = heapKinds(snapshot([
    ["object", "Session", 100],
    ["object", "Session", 120],
    ["object", "Session", 120],
    ["object", "Map", 50],
    ["object", "Map", 60],
    ["closure", "onmessage", 40],
    ["closure", "onmessage", 40],
  ]));
  assert.deepEqual(perConnection(idle, held, 2), [
    { name: "Session", perConnection: 1, bytesPerConnection: 120 },
    { name: "onmessage()", perConnection: 1, bytesPerConnection: 40 },
    { name: "Map", perConnection: 0.5, bytesPerConnection: 30 },
  ]);
  assert.deepEqual(perConnection(idle, held, 0), []);
  assert.equal(perConnection(idle, held, 2, 1).length, 1);
});
