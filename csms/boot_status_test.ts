import assert from "node:assert/strict";
import { bootAnswer, type BootSettings, firstContactBootStatus } from "./boot_status.ts";

const settings = (chargerPolicy: BootSettings["chargerPolicy"]): BootSettings => ({
  chargerPolicy,
  heartbeatInterval: 60,
  bootRetryInterval: 300,
});

Deno.test("boot status: the registration's status, with the heartbeat interval only when Accepted", () => {
  for (const policy of ["open", "approve", "registered", "basic"] as const) {
    assert.deepEqual(bootAnswer({ bootStatus: "Accepted" }, settings(policy)), {
      status: "Accepted",
      interval: 60,
    });
    assert.deepEqual(bootAnswer({ bootStatus: "Pending" }, settings(policy)), {
      status: "Pending",
      interval: 300,
    });
    assert.deepEqual(bootAnswer({ bootStatus: "Rejected" }, settings(policy)), {
      status: "Rejected",
      interval: 300,
    });
  }
});

Deno.test("boot status: no committed registration is answered as the policy registers on first contact", () => {
  assert.deepEqual(bootAnswer(undefined, settings("open")), { status: "Accepted", interval: 60 });
  assert.deepEqual(bootAnswer(undefined, settings("approve")), { status: "Pending", interval: 300 });
  // Unregistered since its handshake.
  assert.deepEqual(bootAnswer(undefined, settings("registered")), { status: "Rejected", interval: 300 });
  assert.deepEqual(bootAnswer(undefined, settings("basic")), { status: "Rejected", interval: 300 });
});

Deno.test("boot status: approve registers newcomers Pending, open Accepted", () => {
  assert.equal(firstContactBootStatus("approve"), "Pending");
  assert.equal(firstContactBootStatus("open"), "Accepted");
});
