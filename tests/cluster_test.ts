/**
 * Scale-out, end to end: CSMS nodes (csms/main.ts) and portal nodes (web/main.ts) as separate processes on
 * one PostgreSQL database and one Redis database number (tests/cluster_support.ts), with the real charger
 * simulator. Where PostgreSQL or Redis does not answer, the file says so in one line and is ignored.
 */
import assert from "node:assert/strict";
import { type ChargerEventRecord, type FleetHandle, startChargePoint, startFleet } from "../charger/mod.ts";
import type { BusEvent } from "../shared/events.ts";
import type { FleetRow } from "../web/lib/fleet.ts";
import type { FleetSnapshot, FleetUpdate } from "../web/lib/protocol.ts";
import {
  Cluster,
  CLUSTER_ADMIN_PASSWORD,
  ENGINES_MISSING,
  FailoverProxy,
  type NodeProcess,
} from "./cluster_support.ts";
import { TestCharger } from "./csms_support.ts";
import { type PortalSession, PortalSession as Session, type PortalSocket } from "./web_support.ts";
import { waitFor } from "./wait.ts";

if (ENGINES_MISSING) console.log(`skipping the cluster tests: ${ENGINES_MISSING}`);
const ignore = ENGINES_MISSING !== undefined;

const WAIT_MS = 60_000;

type Ev<T extends ChargerEventRecord["type"]> = Extract<ChargerEventRecord, { type: T }>;

/** What one browser-side client heard: the fleet view (rows folded) and the events of the charger it watches. */
class Watcher {
  readonly snapshots: FleetSnapshot[] = [];
  readonly updates: FleetUpdate[] = [];
  readonly events: BusEvent[] = [];
  readonly rows = new Map<string, FleetRow>();
  /** Every (charger, online) a row said, in order: a charger shown offline at any moment is in here. */
  readonly onlineSeen: Array<[string, boolean]> = [];

  constructor(readonly name: string, readonly socket: PortalSocket) {
    const take = (rows: FleetRow[]) => {
      for (const r of rows) {
        this.rows.set(r.id, r);
        this.onlineSeen.push([r.id, r.online]);
      }
    };
    socket.on("fleet:snapshot", (s) => {
      this.snapshots.push(s);
      this.rows.clear();
      take(s.rows);
    });
    socket.on("fleet:update", (u) => {
      this.updates.push(u);
      take(u.rows);
    });
    socket.on("charger:event", (e) => this.events.push(e));
  }

  static async open(session: PortalSession, name: string, chargerId?: string): Promise<Watcher> {
    const w = new Watcher(name, session.socket({ auth: { fleet: true } }));
    await waitFor(() => w.snapshots.length > 0, `${name}'s fleet snapshot`, WAIT_MS);
    if (chargerId) {
      const ack = await w.socket.timeout(10_000).emitWithAck("subscribe", { chargerId });
      assert.ok(ack.ok, `${name} watches ${chargerId}: ${JSON.stringify(ack)}`);
    }
    return w;
  }

  online(ids: readonly string[]): boolean {
    return ids.every((id) => this.rows.get(id)?.online === true);
  }

  of<T extends BusEvent["type"]>(type: T, chargerId: string): Extract<BusEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<BusEvent, { type: T }> =>
      e.type === type && e.chargerId === chargerId
    );
  }

  close(): void {
    this.socket.disconnect();
  }
}

function eventsOf<T extends ChargerEventRecord["type"]>(
  events: readonly ChargerEventRecord[],
  type: T,
  chargerId?: string,
): Ev<T>[] {
  return events.filter((e): e is Ev<T> =>
    e.type === type && (chargerId === undefined || e.chargerId === chargerId)
  );
}

Deno.test({
  name: "cluster: two CSMS nodes, two portal nodes: every browser sees every charger, commands cross nodes",
  ignore,
  async fn() {
    const cluster = await Cluster.start({ csms: 2, web: 2 });
    const fleets: FleetHandle[] = [];
    const watchers: Watcher[] = [];
    const events: ChargerEventRecord[] = [];
    try {
      const [csmsA, csmsB] = cluster.csms;
      const [webA, webB] = cluster.web;
      // Three chargers on each CSMS node, each metering every second.
      const fleetOn = (url: string, idPrefix: string) =>
        startFleet({
          count: 3,
          idPrefix,
          url,
          powerKw: 11,
          batteryKwh: 200,
          soc: 10,
          config: { MeterValueSampleInterval: "1" },
          onEvent: (e) => events.push(e),
        });
      fleets.push(fleetOn(csmsA.ocppUrl, "CA-"), fleetOn(csmsB.ocppUrl, "CB-"));
      const ids = fleets.flatMap((f) => f.chargers.map((c) => c.id));
      await waitFor(() => fleets.every((f) => f.summary().accepted === 3), "both fleets to boot", WAIT_MS);

      // A signed-in browser on each portal node (sessions are the portal nodes' shared DATA_DIR's), each
      // watching one charger on each CSMS node.
      const sessions = [
        await Session.login(webA.http, "admin", CLUSTER_ADMIN_PASSWORD),
        await Session.login(webB.http, "admin", CLUSTER_ADMIN_PASSWORD),
      ];
      const watched = ["CA-001", "CB-001"];
      for (const [i, s] of sessions.entries()) {
        for (const id of watched) watchers.push(await Watcher.open(s, `web-${i + 1}/${id}`, id));
      }
      await waitFor(
        () => watchers.every((w) => w.online(ids)),
        () => `every client to see all six chargers online:\n${cluster.diagnostics()}`,
        WAIT_MS,
      );

      // Commands from either portal node reach chargers on either CSMS node, with the charger's answer.
      for (const s of sessions) {
        for (const id of ["CA-002", "CB-002"]) {
          const got = await s.json("POST", `/api/v1/chargers/${id}/commands/GetConfiguration`, {
            key: ["MeterValueSampleInterval"],
          });
          assert.equal(got.status, 200, JSON.stringify(got.body));
          assert.deepEqual(
            got.body.response.configurationKey.map((k: { key: string; value: string }) => [k.key, k.value]),
            [["MeterValueSampleInterval", "1"]],
          );
        }
      }
      // A transaction started from portal node B on a charger of CSMS node A, and the other way round.
      const remoteStart = async (s: PortalSession, id: string) => {
        const got = await s.json("POST", `/api/v1/chargers/${id}/commands/RemoteStartTransaction`, {
          connectorId: 1,
          idTag: `TAG-${id}`,
        });
        assert.equal(got.status, 200, JSON.stringify(got.body));
        assert.equal(got.body.response.status, "Accepted");
      };
      await remoteStart(sessions[1], "CA-001");
      await remoteStart(sessions[0], "CB-001");
      // Each charger's meter values while charging: every client must hear each exactly once.
      await waitFor(
        () =>
          watched.every((id) =>
            eventsOf(events, "meterValues", id).filter((e) => e.transactionId).length >= 3
          ),
        "three meter values from each watched transaction",
        WAIT_MS,
      );
      for (const [s, id] of [[sessions[0], "CA-001"], [sessions[1], "CB-001"]] as const) {
        const tx = eventsOf(events, "transactionAccepted", id)[0].transactionId;
        const got = await s.json("POST", `/api/v1/chargers/${id}/commands/RemoteStopTransaction`, {
          transactionId: tx,
        });
        assert.equal(got.status, 200, JSON.stringify(got.body));
        assert.equal(got.body.response.status, "Accepted");
      }
      // Once each client heard the stop, it has heard everything the charger sent before it.
      for (const w of watchers) {
        const id = w.name.split("/")[1];
        await waitFor(
          () => w.of("transaction.stopped", id).length > 0,
          `${w.name} to hear the stop`,
          WAIT_MS,
        );
      }
      for (const id of watched) {
        const tx = eventsOf(events, "transactionAccepted", id)[0].transactionId;
        // Every sample the charger metered, then its stop's Transaction.End sample (a meter.values event too).
        const sent = [
          // Its Begin sample was read before the CSMS named the transaction (the only one of this charger).
          ...eventsOf(events, "meterValues", id).filter((e) =>
            e.transactionId === tx || e.context === "Transaction.Begin"
          ).map((e) => Math.floor(e.energyWh)),
          eventsOf(events, "transactionStopped", id)[0].meterStop,
        ];
        // The charger was idle (Available, sent at boot) when the clients subscribed: every status of
        // connector 1 since is the transaction's.
        const statuses = eventsOf(events, "status", id).filter((e) => e.connectorId === 1).slice(1).map((e) =>
          e.status
        );
        for (const w of watchers.filter((w) => w.name.endsWith(id))) {
          const heard = () =>
            w.of("meter.values", id).filter((e) => e.transactionId === tx).flatMap((e) =>
              e.samples.map((s) => s.energyWh)
            );
          const heardStatuses = () =>
            w.of("connector.status", id).filter((e) => e.connectorId === 1).map((e) => e.original);
          // Until it heard as many as were sent (more, if it got any twice), then exactly those.
          await waitFor(
            () => heard().length >= sent.length && heardStatuses().length >= statuses.length,
            () => `${w.name} to hear ${sent} and ${statuses}; heard ${heard()} and ${heardStatuses()}`,
            WAIT_MS,
          );
          assert.equal(w.of("transaction.started", id).length, 1, `${w.name}: one start`);
          assert.equal(w.of("transaction.stopped", id).length, 1, `${w.name}: one stop`);
          assert.deepEqual(heard(), sent, `${w.name}: each meter value once, in order`);
          assert.deepEqual(heardStatuses(), statuses, `${w.name}: each status once`);
        }
      }

      // A command to a charger no node holds: offline at once, from either portal node.
      for (const s of sessions) {
        const got = await s.json("POST", "/api/v1/chargers/NOBODY-HERE/commands/ClearCache", {});
        assert.equal(got.status, 409, JSON.stringify(got.body));
        assert.equal(got.body.error, "offline");
      }

      // An admin write on one portal node is seen through the other.
      const put = await sessions[0].json("PUT", "/api/v1/id-tags/CLUSTER-TAG", { status: "Blocked" });
      assert.equal(put.status, 201, JSON.stringify(put.body));
      const read = await sessions[1].json("GET", "/api/v1/id-tags/CLUSTER-TAG");
      assert.equal(read.status, 200, JSON.stringify(read.body));
      assert.equal(read.body.status, "Blocked");
    } catch (err) {
      console.error(cluster.diagnostics());
      throw err;
    } finally {
      for (const w of watchers) w.close();
      await Promise.all(fleets.map((f) => f.stop()));
      await cluster.close();
    }
  },
});

Deno.test({
  name:
    "cluster: a charger id that connects to the other node moves there, without a ghost or an offline moment",
  ignore,
  async fn() {
    const cluster = await Cluster.start({ csms: 2, web: 1 });
    const id = "CL-MOVER";
    let first: TestCharger | undefined;
    let moved: ReturnType<typeof startChargePoint> | undefined;
    let watcher: Watcher | undefined;
    try {
      const [csmsA, csmsB] = cluster.csms;
      const session = await Session.login(cluster.web[0].http, "admin", CLUSTER_ADMIN_PASSWORD);
      // The charger on node A: a raw OCPP client, so the close code it gets is seen as it is.
      first = await TestCharger.connect(csmsA.ocppUrl, id);
      assert.equal((await first.boot()).status, "Accepted");
      await first.session.call("StatusNotification", {
        connectorId: 1,
        status: "Available",
        errorCode: "NoError",
      });
      const charger = async () => (await session.json("GET", `/api/v1/chargers/${id}`)).body;
      await waitFor(
        async () => csmsA.holds((await charger())?.node),
        `${id} online on ${csmsA.name}`,
        WAIT_MS,
      );
      watcher = await Watcher.open(session, "web-1", id);
      await waitFor(() => watcher!.online([id]), `${id} online in the fleet view`, WAIT_MS);
      const from = watcher.onlineSeen.length;

      // The same id connects to node B (the simulator: it answers commands for real).
      moved = startChargePoint({ id, url: csmsB.ocppUrl, config: { MeterValueSampleInterval: "7" } });
      const closed = await first.closed();
      assert.equal(
        closed.code,
        4000,
        `node A closed the old socket with 4000 (got ${closed.code} ${closed.reason})`,
      );
      await waitFor(
        async () => {
          const c = await charger();
          return c?.online === true && csmsB.holds(c.node) && c.model === "Simulator";
        },
        `${id} online on ${csmsB.name}`,
        WAIT_MS,
      );

      // Commands reach it on node B.
      const got = await session.json("POST", `/api/v1/chargers/${id}/commands/GetConfiguration`, {
        key: ["MeterValueSampleInterval"],
      });
      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.deepEqual(got.body.response.configurationKey.map((k: { value: string }) => k.value), ["7"]);

      // Node A's word that its socket closed has reached the portal (after B's connection: A closed it
      // because of it), and the fleet view never said offline through the move.
      await waitFor(
        () => watcher!.of("charger.disconnected", id).some((e) => csmsA.holds(e.node)),
        "node A's disconnection event at the portal",
        WAIT_MS,
      );
      await waitFor(
        () => watcher!.rows.get(id)?.model === "Simulator",
        "the new boot in the fleet view",
        WAIT_MS,
      );
      const seen = watcher.onlineSeen.slice(from).filter(([c]) => c === id);
      assert.ok(seen.length > 0, "the fleet view heard of the move");
      assert.deepEqual(seen.filter(([, online]) => !online), [], "never offline during the move");
      assert.equal(watcher.rows.get(id)?.online, true);
      const after = await charger();
      assert.deepEqual([after.online, csmsB.holds(after.node)], [true, true], `held by ${after.node}`);
      // One connection in the whole cluster: node A holds nothing any more.
      assert.equal(first.isOpen, false);
    } catch (err) {
      console.error(cluster.diagnostics());
      throw err;
    } finally {
      watcher?.close();
      await first?.close();
      await moved?.stop();
      await cluster.close();
    }
  },
});

Deno.test({
  name:
    "cluster: SIGKILL of a CSMS node with 50 chargers mid-transaction: they carry on on the other, nothing lost or doubled",
  ignore,
  async fn() {
    const COUNT = 50;
    const cluster = await Cluster.start({ csms: 2, web: 1, csmsEnv: { HEARTBEAT_INTERVAL: "60" } });
    const [csmsA, csmsB] = cluster.csms;
    // The load balancer in front of the CSMS nodes: each new connection goes to the first node that takes it.
    const proxy = new FailoverProxy([csmsA.port, csmsB.port]);
    const events: ChargerEventRecord[] = [];
    const fleet = startFleet({
      count: COUNT,
      idPrefix: "KX-",
      url: `ws://127.0.0.1:${proxy.port}/ocpp`,
      powerKw: 22,
      batteryKwh: 200,
      soc: 10,
      config: { MeterValueSampleInterval: "1" },
      backoff: { initialMs: 500, maxMs: 4_000 },
      callTimeoutMs: 20_000,
      onEvent: (e) => events.push(e),
    });
    const chargers = fleet.chargers;
    const of = <T extends ChargerEventRecord["type"]>(type: T, from = 0, chargerId?: string) =>
      eventsOf(events.slice(from), type, chargerId);
    let watcher: Watcher | undefined;
    const sql = cluster.sql();
    try {
      const session = await Session.login(cluster.web[0].http, "admin", CLUSTER_ADMIN_PASSWORD);
      const list = async () =>
        (await session.json("GET", "/api/v1/chargers?limit=1000")).body.items as Array<
          { id: string; online: boolean; node?: string }
        >;
      const allOn = async (csms: NodeProcess) => {
        const items = (await list()).filter((c) => c.id.startsWith("KX-"));
        return items.length === COUNT && items.every((c) => c.online && csms.holds(c.node));
      };
      await waitFor(() => fleet.summary().accepted === COUNT, "the fleet to boot", WAIT_MS);
      await waitFor(() => allOn(csmsA), `all ${COUNT} on ${csmsA.name}`, WAIT_MS);
      watcher = await Watcher.open(session, "web-1");
      const started = await Promise.all(chargers.map((cp, i) => cp.startLocal(1, `TAG-${i}`)));
      assert.ok(started.every(Boolean), "every charger started a transaction");
      await waitFor(
        () => chargers.every((cp) => of("meterValues", 0, cp.id).filter((e) => e.transactionId).length >= 2),
        "two meter values from every transaction",
        WAIT_MS,
      );

      // The crash. The balancer holds new connections back until the dead node's presence has expired, so
      // that expiry is seen; the chargers meter on into their queues meanwhile.
      proxy.hold = true;
      const killedAt = events.length;
      const viewAtKill = watcher.onlineSeen.length;
      assert.equal((await csmsA.kill()).signal, "SIGKILL");
      await waitFor(() => fleet.summary().online === 0, "every charger to notice", WAIT_MS);
      const offlineStops = chargers.slice(0, COUNT / 2);
      for (const cp of offlineStops) assert.equal(cp.stopLocal(1), true);
      const expiryFrom = Date.now();
      await waitFor(
        async () => (await list()).filter((c) => c.id.startsWith("KX-")).every((c) => !c.online),
        "the dead node's presence to expire (REST says offline)",
        WAIT_MS,
      );
      const expiredAfterMs = Date.now() - expiryFrom;
      // Commands to them now: offline at once (no node holds them).
      const offline = await session.json(
        "POST",
        `/api/v1/chargers/${chargers[COUNT - 1].id}/commands/ClearCache`,
        {},
      );
      assert.equal(offline.status, 409, JSON.stringify(offline.body));

      // The balancer sends them to node B.
      proxy.hold = false;
      await waitFor(
        () => chargers.every((cp) => of("connected", killedAt, cp.id).length >= 1),
        "every charger to reconnect",
        WAIT_MS,
      );
      await waitFor(() => allOn(csmsB), `all ${COUNT} online on ${csmsB.name}`, WAIT_MS);
      await waitFor(
        () => watcher!.online(chargers.map((c) => c.id)),
        "the portal's fleet view to show every charger online again",
        WAIT_MS,
      );
      // The other half is stopped from the portal: the transactions node A started, node B stops.
      for (const cp of chargers.slice(COUNT / 2)) {
        const tx = of("transactionAccepted", 0, cp.id)[0].transactionId;
        const got = await session.json("POST", `/api/v1/chargers/${cp.id}/commands/RemoteStopTransaction`, {
          transactionId: tx,
        });
        assert.equal(got.status, 200, JSON.stringify(got.body));
        assert.equal(got.body.response.status, "Accepted");
      }
      await waitFor(
        () =>
          chargers.every((cp) =>
            of("transactionStopped", 0, cp.id).length === 1 && cp.snapshot().queued === 0 &&
            cp.snapshot().online
          ),
        "every transaction stopped and every queue drained",
        WAIT_MS,
      );
      await fleet.stop();

      // What the cluster stored, against what each charger metered.
      const txs = await sql`SELECT * FROM transactions WHERE charger_id LIKE 'KX-%' ORDER BY id`;
      assert.equal(txs.length, COUNT, "one transaction per charger, none lost or duplicated");
      let samples = 0;
      for (const [i, cp] of chargers.entries()) {
        const [start] = of("transactionStarted", 0, cp.id);
        const [stop] = of("transactionStopped", 0, cp.id);
        const [accepted] = of("transactionAccepted", 0, cp.id);
        const tx = txs.find((t) => Number(t.id) === accepted.transactionId)!;
        assert.ok(tx, `${cp.id}: transaction ${accepted.transactionId} stored`);
        assert.equal(tx.charger_id, cp.id);
        assert.equal(tx.meter_start_wh, start.meterStart);
        assert.equal(tx.meter_stop_wh, stop.meterStop, `${cp.id}: meterStop`);
        assert.equal(tx.meter_stop_wh - tx.meter_start_wh, stop.energyWh, `${cp.id}: energy`);
        assert.ok(stop.energyWh > 0);
        assert.equal(tx.stop_reason, i < COUNT / 2 ? "Local" : "Remote");
        const taken = of("meterValues", 0, cp.id).length;
        const rows =
          await sql`SELECT ts, energy_wh FROM meter_values WHERE transaction_id = ${tx.id} ORDER BY id`;
        assert.equal(
          rows.length,
          taken + 1,
          `${cp.id}: ${rows.length} rows for ${taken} samples and the stop`,
        );
        const energies = rows.map((r) => r.energy_wh as number);
        assert.deepEqual(energies, [...energies].sort((a, b) => a - b), `${cp.id}: stored in metering order`);
        assert.equal(energies.at(-1), stop.meterStop);
        samples += taken;
      }
      const [dupes] = await sql`
        SELECT count(*)::int AS n FROM (
          SELECT 1 FROM meter_values WHERE charger_id LIKE 'KX-%' GROUP BY transaction_id, ts HAVING count(*) > 1
        ) d`;
      assert.equal(dupes.n, 0, "no meter sample stored twice");
      // Informative: how many chargers the portal's live fleet view showed offline between the kill and the
      // reconnection (it folds bus events; a node killed outright publishes no disconnection).
      const wentOffline = new Set(
        watcher.onlineSeen.slice(viewAtKill).filter(([, on]) => !on).map(([id]) => id),
      )
        .size;
      console.log(`cluster failover figures: ${
        JSON.stringify({
          transactions: COUNT,
          samples,
          presenceExpiredAfterMs: expiredAfterMs,
          portalShowedOffline: wentOffline,
        })
      }`);
    } catch (err) {
      console.error(cluster.diagnostics());
      throw err;
    } finally {
      watcher?.close();
      await fleet.stop();
      await sql.end({ timeout: 5 });
      proxy.close();
      await cluster.close();
    }
  },
});
