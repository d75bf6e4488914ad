/**
 * The OCPP-J handshake rules, checked with npm:ws (Deno's own client opens
 * even when the server echoes no subprotocol, so it cannot see a refusal).
 */
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import WebSocket from "ws";
import { eventsOf, startTestCsms, TestCharger, waitFor } from "./csms_support.ts";

interface Attempt {
  status?: number;
  protocolHeader?: string;
  body?: string;
  error?: string;
  opened: boolean;
  protocol?: string;
  closeCode?: number;
}

/** One handshake with npm:ws, resolved once its socket is completely gone. */
function attempt(url: string, protocols: string[]): Promise<Attempt> {
  return new Promise((resolve) => {
    const result: Attempt = { opened: false };
    const ws = new WebSocket(url, protocols);
    ws.on("upgrade", (res: IncomingMessage) => {
      result.status = res.statusCode;
      result.protocolHeader = res.headers["sec-websocket-protocol"] as string | undefined;
    });
    ws.on("unexpected-response", (_req, res: IncomingMessage) => {
      result.status = res.statusCode;
      let body = "";
      res.on("data", (c: Uint8Array) => body += new TextDecoder().decode(c));
      res.on("end", () => {
        result.body = body;
        ws.terminate();
      });
    });
    ws.on("open", () => {
      result.opened = true;
      result.protocol = ws.protocol;
      ws.close(1000);
    });
    ws.on("error", (e: Error) => result.error = e.message);
    ws.on("close", (code: number) => {
      result.closeCode = code;
      resolve(result);
    });
  });
}

Deno.test("csms handshake: refusals and acceptance", async (t) => {
  const csms = await startTestCsms();
  const url = csms.csms.url;
  try {
    await t.step("no subprotocol offered: HTTP 400", async () => {
      const r = await attempt(`${url}/CP-H1`, []);
      assert.equal(r.status, 400);
      assert.equal(r.opened, false);
      assert.match(r.body ?? "", /ocpp2\.0\.1, ocpp1\.6/);
    });

    await t.step(
      "only unsupported subprotocols: handshake completes without the header, then closes",
      async () => {
        const r = await attempt(`${url}/CP-H2`, ["ocpp0.9", "ocpp1.5"]);
        assert.equal(r.status, 101);
        assert.equal(r.protocolHeader, undefined);
        assert.equal(r.opened, false); // ws itself refuses a server that accepted none of its protocols
        assert.match(r.error ?? "", /no subprotocol/);

        // A client that carries on anyway (Deno's does) is closed by the CSMS at once.
        const deno = new globalThis.WebSocket(`${url}/CP-H2`, ["ocpp0.9"]);
        const closed = await new Promise<CloseEvent>((resolve) => deno.onclose = resolve);
        assert.equal(closed.code, 1002);
        assert.match(closed.reason, /unsupported subprotocol/);
        assert.equal(deno.protocol, "");
        assert.equal(await csms.csms.storage.reads.getCharger("CP-H2"), undefined);
      },
    );

    await t.step("bad charge point ids: HTTP 400", async () => {
      for (const id of ["A:B", "x".repeat(49), "%ZZ", "", "a/b"]) {
        const r = await attempt(`${url}/${id}`, ["ocpp1.6"]);
        assert.equal(r.status, 400, `id ${JSON.stringify(id)}`);
        assert.equal(r.opened, false);
      }
      // ':' is refused after percent-decoding too.
      assert.equal((await attempt(`${url}/A%3AB`, ["ocpp1.6"])).status, 400);
    });

    await t.step("plain GET: 426; other paths: 404", async () => {
      const plain = await fetch(`${url.replace("ws:", "http:")}/CP-H3`);
      assert.equal(plain.status, 426);
      assert.equal(plain.headers.get("upgrade"), "websocket");
      await plain.body?.cancel();
      const other = await fetch(url.replace("ws:", "http:").replace("/ocpp", "/"));
      assert.equal(other.status, 404);
      await other.body?.cancel();
    });

    await t.step(
      "ids are percent-decoded; a list offered without spaces still negotiates (2.0.1, preferred)",
      async () => {
        const ws = new WebSocket(`${url}/CP%20%C3%A9-48`, ["ocpp2.0.1", "ocpp1.6"]);
        const opened = await new Promise<string>((resolve, reject) => {
          ws.on("open", () => resolve(ws.protocol));
          ws.on("error", reject);
        });
        assert.equal(opened, "ocpp2.0.1");
        await waitFor(
          async () => (await csms.csms.storage.reads.getCharger("CP é-48"))?.online,
          "CP é-48 online",
        );
        const closed = new Promise((resolve) => ws.on("close", resolve));
        ws.close(1000);
        await closed;
        const max = await attempt(`${url}/${"x".repeat(48)}`, ["ocpp1.6"]);
        assert.equal(max.opened, true);
        assert.equal(max.protocol, "ocpp1.6");
      },
    );
  } finally {
    await csms.close();
  }
});

Deno.test("csms handshake: the same id connecting again replaces the old socket", async () => {
  const t = await startTestCsms();
  const first = await TestCharger.connect(t.csms.url, "CP-DUP");
  let second: TestCharger | undefined;
  try {
    await first.boot();
    second = await TestCharger.connect(t.csms.url, "CP-DUP");
    const closed = await first.closed();
    assert.equal(closed.code, 1000);
    assert.match(closed.reason, /replaced/);

    // The newer socket is the charger now: it answers commands, and the old close did not take it offline.
    second.session.handle("ClearCache", () => ({ status: "Accepted" }));
    const r = await t.bus.sendCommand("CP-DUP", "ClearCache", {});
    assert.deepEqual(r, { ok: true, response: { status: "Accepted" } });
    assert.equal((await t.csms.storage.reads.getCharger("CP-DUP"))?.online, true);
    assert.equal((await second.boot()).status, "Accepted");

    const lifecycle = t.events
      .filter((e) => e.type === "charger.connected" || e.type === "charger.disconnected")
      .map((e) => e.type === "charger.disconnected" ? `disconnected:${e.reason}` : "connected");
    assert.deepEqual(lifecycle, ["connected", "disconnected:replaced", "connected"]);

    await second.close();
    await waitFor(() => eventsOf(t.events, "charger.disconnected").length === 2, "second disconnect");
    assert.equal((await t.csms.storage.reads.getCharger("CP-DUP"))?.online, false);
  } finally {
    await first.close();
    await second?.close();
    await t.close();
  }
});
