/**
 * The portal's Socket.IO API against the real system: CSMS and portal on free
 * ports, and a simulated charger (charger/main.ts) in its own process.
 */
import assert from "node:assert/strict";
import type { Socket } from "socket.io-client";
import type { BusEvent, CommandResult } from "../shared/events.ts";
import type { FleetRow } from "../web/lib/fleet.ts";
import type {
  ChargerSnapshot,
  ClientToServerEvents,
  FleetSnapshot,
  FleetUpdate,
  ServerToClientEvents,
} from "../web/lib/protocol.ts";
import { ChargerProcess, QUICK_CAR_ARGS, startSystem, waitFor } from "./web_support.ts";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What one client has heard. */
class Heard {
  snapshots: FleetSnapshot[] = [];
  updates: FleetUpdate[] = [];
  chargerSnapshots: ChargerSnapshot[] = [];
  events: BusEvent[] = [];
  transactions: BusEvent[] = [];
  rows = new Map<string, FleetRow>();

  constructor(socket: Client) {
    socket.on("fleet:snapshot", (s) => {
      this.snapshots.push(s);
      this.rows = new Map(s.rows.map((r) => [r.id, r]));
    });
    socket.on("fleet:update", (u) => {
      this.updates.push(u);
      for (const r of u.rows) this.rows.set(r.id, r);
    });
    socket.on("charger:snapshot", (s) => this.chargerSnapshots.push(s));
    socket.on("charger:event", (e) => this.events.push(e));
    socket.on("transaction", (e) => this.transactions.push(e));
  }
}

function command(
  socket: Client,
  chargerId: string,
  action: string,
  payload: unknown,
): Promise<CommandResult> {
  // deno-lint-ignore no-explicit-any
  return socket.timeout(60_000).emitWithAck("command", { chargerId, action, payload } as any);
}

Deno.test({
  name:
    "socket.io: snapshot on connect, a command's round trip to a simulated charger, live updates, reconnect",
  async fn() {
    const sys = await startSystem();
    const id = "CP-SIO-1";
    const charger = new ChargerProcess(id, sys.csms.url, QUICK_CAR_ARGS);
    // An operator's session: the handshake carries its cookie, as a signed-in browser's does.
    const admin = await sys.login();
    const operator = await admin.addUser("olivia", "operator");
    const socket: Client = operator.socket({ auth: { fleet: true } });
    const heard = new Heard(socket);
    try {
      // The snapshot on connect, then the charger joining through coalesced updates.
      await waitFor(() => heard.snapshots.length > 0, "the fleet snapshot on connect");
      await waitFor(
        () => heard.rows.get(id)?.status === "Available" && heard.rows.get(id)?.online,
        () => `${id} Available in the fleet view; charger said:\n${charger.tail()}`,
      );
      assert.equal(heard.rows.get(id)!.vendor, "Chargewire");
      // The charger may have joined before this client connected: then the snapshot already had it.
      const last = heard.updates.at(-1) ?? heard.snapshots.at(-1)!;
      assert.equal(last.counts.total, 1);
      assert.equal(last.counts.online, 1);

      // Watching the charger in detail: its snapshot first, then its events.
      const sub = await socket.timeout(10_000).emitWithAck("subscribe", { chargerId: id });
      assert.deepEqual(sub, { ok: true });
      const snapshot = await waitFor(
        () => heard.chargerSnapshots.find((s) => s.chargerId === id),
        "charger snapshot",
      );
      assert.equal(snapshot.charger?.online, true);
      assert.ok(snapshot.frames.some((f) => f.action === "BootNotification"), "the boot is in the frame log");

      // Meter values every second, so the test sees the battery move.
      const configured = await command(socket, id, "ChangeConfiguration", {
        key: "MeterValueSampleInterval",
        value: "1",
      });
      assert.deepEqual(configured, { ok: true, response: { status: "Accepted" } });

      const started = await command(socket, id, "RemoteStartTransaction", {
        connectorId: 1,
        idTag: "SIO-TAG",
      });
      assert.deepEqual(started, { ok: true, response: { status: "Accepted" } });

      const tx = await waitFor(
        () => heard.events.find((e) => e.type === "transaction.started"),
        "transaction.started in the charger room",
      );
      assert.equal(tx.type === "transaction.started" && tx.idTag, "SIO-TAG");
      await waitFor(
        () =>
          heard.events.some((e) =>
            e.type === "connector.status" && e.status === "Occupied" && e.chargingState === "Charging" &&
            e.original === "Charging"
          ),
        "connector Charging in the charger room",
      );
      await waitFor(() => heard.rows.get(id)?.status === "Charging", "Charging in the fleet view");
      await waitFor(
        () => heard.transactions.some((e) => e.type === "transaction.started"),
        "the transaction event",
      );

      // Live meter values with a rising state of charge, and the frames that carried them.
      const socs = () =>
        heard.events.flatMap((e) =>
          e.type === "meter.values" ? e.samples.flatMap((s) => s.socPercent ?? []) : []
        );
      await waitFor(() => {
        const s = socs();
        return s.length >= 2 && s.at(-1)! > s[0];
      }, () => `a rising SoC; heard ${JSON.stringify(socs())}`);
      assert.ok(
        heard.events.some((e) =>
          e.type === "ocpp.frame" && e.direction === "in" && e.action === "MeterValues"
        ),
      );
      assert.ok(
        heard.events.some((e) =>
          e.type === "ocpp.frame" && e.direction === "out" && e.action === "RemoteStartTransaction"
        ),
      );
      await waitFor(() => (heard.rows.get(id)?.socPercent ?? 0) > 20, "SoC in the fleet row");
      await waitFor(() => (heard.rows.get(id)?.powerW ?? 0) > 0, "power in the fleet row");

      // Coalescing: an update names each charger at most once.
      for (const u of heard.updates) assert.equal(new Set(u.rows.map((r) => r.id)).size, u.rows.length);

      const transactionId = tx.type === "transaction.started" ? tx.transactionId : -1;
      const stopped = await command(socket, id, "RemoteStopTransaction", { transactionId });
      assert.deepEqual(stopped, { ok: true, response: { status: "Accepted" } });
      const stop = await waitFor(
        () => heard.events.find((e) => e.type === "transaction.stopped"),
        "transaction.stopped",
      );
      assert.equal(stop.type === "transaction.stopped" && stop.reason, "Remote");
      await waitFor(() => heard.rows.get(id)?.status === "Available", "Available again in the fleet view");
      assert.deepEqual(heard.rows.get(id)!.transactions, []);

      // The charger's own answers, not the portal's: an unknown transaction is Rejected by the charger.
      const unknown = await command(socket, id, "RemoteStopTransaction", { transactionId: 999_999 });
      assert.deepEqual(unknown, { ok: true, response: { status: "Rejected" } });

      // Failures come back as such.
      const offline = await command(socket, "NOT-CONNECTED", "Reset", { type: "Soft" });
      assert.equal(offline.ok, false);
      assert.equal(!offline.ok && offline.error, "offline");
      const invalid = await command(socket, id, "Reset", { type: "Sideways" });
      assert.equal(!invalid.ok && invalid.error, "invalid");
      const unknownAction = await command(socket, id, "FormatDisk", {});
      assert.equal(!unknownAction.ok && unknownAction.error, "invalid");
      const badView = await socket.timeout(10_000).emitWithAck("subscribe", {
        chargerId: 42 as unknown as string,
      });
      assert.equal(badView.ok, false);

      // A reconnect gets a fresh snapshot with the current state.
      const before = heard.snapshots.length;
      socket.disconnect();
      socket.connect();
      await waitFor(() => heard.snapshots.length > before, "a new snapshot after reconnecting");
      const row = heard.snapshots.at(-1)!.rows.find((r) => r.id === id);
      assert.equal(row?.status, "Available");
    } finally {
      socket.disconnect();
      await charger.stop();
      await sys.close();
    }
  },
});
