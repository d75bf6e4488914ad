/**
 * DataTransfer routed per vendorId, the documented way (docs/operations.md, "DataTransfer vendors"): a real
 * CSMS node started as csms/main.ts starts one, with the registered VENDORS, and strict ocpp-rpc chargers
 * of both protocols.
 */
import assert from "node:assert/strict";
import { startCsmsNode } from "../csms/main.ts";
import { MemoryBus } from "../shared/bus_memory.ts";
import { connectPeerClient } from "./ocpp_rpc_peer.ts";

Deno.test("csms: DataTransfer goes to the vendor registered in VENDORS, in both protocols", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "csms_vendors_" });
  const node = await startCsmsNode({ CSMS_PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir }, {
    bus: new MemoryBus(),
  });
  try {
    const cp16 = await connectPeerClient({
      endpoint: node.url,
      identity: "CP-VENDOR-16",
      protocols: ["ocpp1.6"],
    });
    const cs201 = await connectPeerClient({
      endpoint: node.url,
      identity: "CS-VENDOR-201",
      protocols: ["ocpp2.0.1"],
    });
    try {
      await cp16.call("BootNotification", { chargePointVendor: "Acme", chargePointModel: "X" });
      await cs201.call("BootNotification", {
        reason: "PowerUp",
        chargingStation: { vendorName: "Acme", model: "X" },
      });
      assert.deepEqual(
        await cp16.call("DataTransfer", { vendorId: "org.chargewire", messageId: "Echo", data: "hello" }),
        { status: "Accepted", data: "hello" },
      );
      assert.deepEqual(await cp16.call("DataTransfer", { vendorId: "org.chargewire", messageId: "Other" }), {
        status: "UnknownMessageId",
      });
      assert.deepEqual(await cp16.call("DataTransfer", { vendorId: "com.unknown" }), {
        status: "UnknownVendorId",
      });
      // 2.0.1's data may be any JSON; the same handler answers it.
      assert.deepEqual(
        await cs201.call("DataTransfer", { vendorId: "org.chargewire", messageId: "Echo", data: { n: 1 } }),
        { status: "Accepted", data: { n: 1 } },
      );
      const logged = await node.storage.reads.eventLog({ chargerId: "CP-VENDOR-16", typePrefix: "data." });
      assert.equal(logged.length, 3);
    } finally {
      await cp16.close({ force: true });
      await cs201.close({ force: true });
    }
  } finally {
    await node.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
