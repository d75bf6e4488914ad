import assert from "node:assert/strict";
import { earliestInstant, unseenTransactionData } from "./transaction_data.ts";

const energy = (timestamp: string, value: string) => ({
  timestamp,
  sampledValue: [{ value, measurand: "Energy.Active.Import.Register" as const, unit: "Wh" as const }],
});

Deno.test("transactionData: instants already stored are left out, whatever their spelling; new ones kept", () => {
  const data = [
    energy("2026-12-02T10:00:00Z", "100"),
    energy("2026-12-02T10:00:10.000Z", "130"),
    energy("2026-12-02T10:00:15Z", "145"),
  ];
  const stored = ["2026-12-02T10:00:00.000Z", "2026-12-02T10:00:10Z"];
  assert.deepEqual(unseenTransactionData(data, stored), [data[2]]);
  assert.deepEqual(unseenTransactionData(data, []), data);
  assert.deepEqual(unseenTransactionData([], stored), []);
});

Deno.test("transactionData: the earliest instant, spelled as stored; none for an empty summary", () => {
  assert.equal(
    earliestInstant([energy("2026-12-02T10:00:10Z", "130"), energy("2026-12-02T10:00:00Z", "100")]),
    "2026-12-02T10:00:00.000Z",
  );
  assert.equal(earliestInstant([]), undefined);
});
