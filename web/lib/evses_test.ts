import assert from "node:assert/strict";
import { evseChoices, hasMultiConnectorEvse, locationLabel } from "./evses.ts";

Deno.test("evses: connectors are named only where an EVSE has more than one", () => {
  const single = [{ evseId: 0, connectorId: 0 }, { evseId: 1, connectorId: 1 }, {
    evseId: 2,
    connectorId: 1,
  }];
  const multi = [...single, { evseId: 2, connectorId: 2 }];
  assert.equal(hasMultiConnectorEvse(single), false);
  assert.equal(hasMultiConnectorEvse(multi), true);
  assert.equal(hasMultiConnectorEvse([{ evseId: 0, connectorId: 0 }, { evseId: 0, connectorId: 1 }]), false);
  assert.equal(locationLabel({ evseId: 2, connectorId: 2 }, false), "EVSE 2");
  assert.equal(locationLabel({ evseId: 2, connectorId: 2 }, true), "EVSE 2 / connector 2");
  assert.equal(locationLabel({ evseId: 2 }, true), "EVSE 2");
  assert.equal(locationLabel({ evseId: 0, connectorId: 0 }, true), "charger");
  assert.equal(locationLabel({}, false), "charger");
});

Deno.test("evses: start choices are the EVSEs, each once, in order", () => {
  assert.deepEqual(
    evseChoices([
      { evseId: 2, connectorId: 1 },
      { evseId: 0, connectorId: 0 },
      { evseId: 1, connectorId: 2 },
      { evseId: 1, connectorId: 1 },
    ]),
    [1, 2],
  );
  assert.deepEqual(evseChoices([]), [1]);
});
