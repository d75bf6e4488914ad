import assert from "node:assert/strict";
import type { Protocol } from "../../shared/domain.ts";
import { allOperatorActions, OPERATOR_ACTIONS } from "../../shared/ocpp/catalog.ts";
import { CENTRAL_SYSTEM_ACTIONS_16 } from "../../shared/ocpp/actions16.ts";
import { validatePayload } from "../../shared/ocpp/validate.ts";
import { COMMAND_EXAMPLES } from "./command_examples.ts";

const docs = await Deno.readTextFile(new URL("../../docs/api.md", import.meta.url));

Deno.test("command examples: one per operator command of each protocol, each valid as the CSMS sends it", () => {
  for (const protocol of Object.keys(OPERATOR_ACTIONS) as Protocol[]) {
    assert.deepEqual(Object.keys(COMMAND_EXAMPLES[protocol]).sort(), [...OPERATOR_ACTIONS[protocol]].sort());
    for (const [action, payload] of Object.entries(COMMAND_EXAMPLES[protocol])) {
      // The CSMS assigns a 2.0.1 remoteStartId the operator left out, and a 1.6 reservation's id and expiry
      // and a local list's version (csms/ocpp16/reserve_list_commands.ts).
      const filled: Record<string, Record<string, unknown>> = {
        RequestStartTransaction: { remoteStartId: 1 },
        ReserveNow: { reservationId: 1, expiryDate: "2030-01-01T00:00:00.000Z" },
        SendLocalList: { listVersion: 1 },
      };
      const sent = { ...filled[action], ...payload };
      assert.equal(validatePayload(protocol, action, "request", sent), undefined, `${protocol} ${action}`);
    }
  }
});

Deno.test("command examples: docs/api.md lists each 2.0.1 command with its example", () => {
  for (const [action, payload] of Object.entries(COMMAND_EXAMPLES["ocpp2.0.1"])) {
    // The formatter may wrap a long item: compare with runs of white space as one space.
    assert.ok(docs.replace(/\s+/g, " ").includes(`- \`${action}\`: \`${JSON.stringify(payload)}\``), action);
  }
});

Deno.test("command examples: docs/api.md's table says which protocol takes which command", () => {
  for (const action of allOperatorActions()) {
    const cells = (["ocpp1.6", "ocpp2.0.1"] as const).map((p) =>
      OPERATOR_ACTIONS[p].includes(action) ? "yes" : "—"
    );
    assert.match(
      docs,
      new RegExp(`\\| \`${action}\`\\s+\\|[^|]*\\| ${cells[0]}\\s+\\| ${cells[1]}\\s+\\|`),
      action,
    );
  }
});

Deno.test("command examples: docs/api.md's table lists every central-system action of OCPP 1.6", () => {
  assert.equal(CENTRAL_SYSTEM_ACTIONS_16.length, 26);
  for (const action of CENTRAL_SYSTEM_ACTIONS_16) {
    assert.match(docs, new RegExp(`\\| \`${action}\`\\s+\\| [A-Za-z]+\\s+\\| (yes|—)\\s+\\|`), action);
  }
});
