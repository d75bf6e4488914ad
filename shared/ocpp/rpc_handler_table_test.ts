/** HandlerTable: one set of handlers shared by many RPC sessions, told apart by ctx.session. */
import assert from "node:assert/strict";
import type { CentralSystemActions16, ChargePointActions16 } from "./actions16.ts";
import { HandlerTable, RpcSession } from "./rpc.ts";

type Server = RpcSession<ChargePointActions16, CentralSystemActions16>;

Deno.test("rpc: a shared HandlerTable serves many sessions; ctx.session says which", async () => {
  const names = new Map<unknown, string>();
  const table = new HandlerTable<ChargePointActions16>()
    .handle("DataTransfer", (_p, ctx) => ({ status: "Accepted", data: `session ${names.get(ctx.session)}` }));
  const sent: Record<string, string[]> = { a: [], b: [] };
  const make = (name: "a" | "b") => {
    const s: Server = new RpcSession({
      version: "ocpp1.6",
      send: (t) => sent[name].push(t),
      handlers: table,
    });
    names.set(s, name);
    return s;
  };
  const a = make("a"), b = make("b");
  a.receive('[2,"1","DataTransfer",{"vendorId":"v"}]');
  b.receive('[2,"2","DataTransfer",{"vendorId":"v"}]');
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(sent.a[0], '[3,"1",{"status":"Accepted","data":"session a"}]');
  assert.equal(sent.b[0], '[3,"2",{"status":"Accepted","data":"session b"}]');

  // A session's own handle() goes to a private copy: the shared table and the other session are untouched.
  a.handle("Authorize", () => ({ idTagInfo: { status: "Accepted" } }));
  b.receive('[2,"3","Authorize",{"idTag":"T"}]');
  a.receive('[2,"4","Authorize",{"idTag":"T"}]');
  await new Promise((r) => setTimeout(r, 0));
  assert.match(sent.b[1], /^\[4,"3","NotSupported"/);
  assert.match(sent.a[1], /^\[3,"4"/);
  assert.equal(table.map.has("Authorize"), false);
  a.close();
  b.close();
});
