import assert from "node:assert/strict";
import { validatePayload } from "../../shared/ocpp/validate.ts";
import { idTokenInfo201 } from "./id_token.ts";

Deno.test("2.0.1 idTokenInfo: status, cache expiry and group from the verdict, valid by the schema", () => {
  const full = idTokenInfo201({
    status: "Accepted",
    expiryDate: "2030-01-01T00:00:00.000Z",
    parentIdTag: "FLEET",
  });
  assert.deepEqual(full, {
    status: "Accepted",
    cacheExpiryDateTime: "2030-01-01T00:00:00.000Z",
    groupIdToken: { idToken: "FLEET", type: "Central" },
  });
  assert.equal(validatePayload("ocpp2.0.1", "Authorize", "response", { idTokenInfo: full }), undefined);
  for (const status of ["Accepted", "Blocked", "Expired", "Invalid"] as const) {
    assert.deepEqual(idTokenInfo201({ status }), { status });
  }
});
