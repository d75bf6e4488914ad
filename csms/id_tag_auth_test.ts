import assert from "node:assert/strict";
import { decideAuth, IdTagAuthorizer } from "./id_tag_auth.ts";
import type { IdTagRecord } from "../shared/queries.ts";

const now = new Date("2026-06-01T00:00:00Z");

Deno.test("auth: unknown tags follow the policy", () => {
  assert.deepEqual(decideAuth(undefined, "open", now), { info: { status: "Accepted" }, record: true });
  assert.deepEqual(decideAuth(undefined, "registered", now), { info: { status: "Invalid" }, record: false });
});

Deno.test("auth: known tags answer their status, expiry and parent", () => {
  assert.deepEqual(decideAuth({ status: "Accepted", parentIdTag: "P" }, "registered", now).info, {
    status: "Accepted",
    parentIdTag: "P",
  });
  assert.deepEqual(decideAuth({ status: "Blocked" }, "open", now).info, { status: "Blocked" });
  assert.deepEqual(decideAuth({ status: "Accepted", expiryDate: "2026-05-31T23:59:59Z" }, "open", now).info, {
    status: "Expired",
    expiryDate: "2026-05-31T23:59:59Z",
  });
  assert.equal(
    decideAuth({ status: "Accepted", expiryDate: "2026-06-02T00:00:00Z" }, "open", now).info.status,
    "Accepted",
  );
  // Blocked stays Blocked after expiry.
  assert.equal(
    decideAuth({ status: "Blocked", expiryDate: "2020-01-01T00:00:00Z" }, "open", now).info.status,
    "Blocked",
  );
});

Deno.test("auth: the IdTagAuthorizer records unknown tags only under the open policy", async () => {
  const recorded: string[] = [];
  const tags = new Map<string, IdTagRecord>([["KNOWN", {
    idTag: "KNOWN",
    status: "Accepted",
    createdAt: "",
  }]]);
  const lookup = {
    find: (t: string) => Promise.resolve(tags.get(t)),
    recordUnknown: (t: string) => {
      recorded.push(t);
      return Promise.resolve({ value: undefined, durable: Promise.resolve() });
    },
  };
  assert.equal((await new IdTagAuthorizer("open", lookup).authorize("NEW", now)).status, "Accepted");
  assert.equal((await new IdTagAuthorizer("open", lookup).authorize("KNOWN", now)).status, "Accepted");
  assert.equal((await new IdTagAuthorizer("registered", lookup).authorize("OTHER", now)).status, "Invalid");
  assert.deepEqual(recorded, ["NEW"]);
});
