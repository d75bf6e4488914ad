import assert from "node:assert/strict";
import { csvField, transactionsCsv } from "./csv.ts";

Deno.test("csv: fields are quoted only when they need it", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField(undefined), "");
  assert.equal(csvField(-5), "-5");
});

Deno.test("csv: a value that a spreadsheet would run as a formula is defused", () => {
  assert.equal(csvField("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvField("+1"), "'+1");
  assert.equal(csvField("@x"), "'@x");
});

Deno.test("csv: transactions export with header, CRLF, duration and kWh", () => {
  const text = transactionsCsv([
    {
      id: 3,
      chargerTransactionId: "3",
      chargerId: "CP-1",
      evseId: 1,
      connectorId: 1,
      idTag: "TAG,1",
      meterStartWh: 1000,
      meterStopWh: 3500,
      startedAt: "2024-05-01T10:00:00.000Z",
      stoppedAt: "2024-05-01T10:30:00.000Z",
      stopReason: "Remote",
      energyWh: 2500,
    },
    {
      id: 4,
      // A charger that names its own transactions (OCPP 2.0.1).
      chargerTransactionId: "f81d4fae-7dec",
      chargerId: "CP-2",
      evseId: 2,
      connectorId: 1,
      idTag: "T2",
      meterStartWh: 0,
      startedAt: "2024-05-01T11:00:00.000Z",
      energyWh: 10,
    },
  ]);
  const lines = text.split("\r\n");
  assert.equal(
    lines[0],
    "transaction_id,charger_transaction_id,charger_id,evse_id,connector_id,id_tag,started_at,stopped_at,duration_s,meter_start_wh,meter_stop_wh,energy_wh,energy_kwh,stop_reason",
  );
  assert.equal(
    lines[1],
    '3,3,CP-1,1,1,"TAG,1",2024-05-01T10:00:00.000Z,2024-05-01T10:30:00.000Z,1800,1000,3500,2500,2.500,Remote',
  );
  assert.equal(lines[2], "4,f81d4fae-7dec,CP-2,2,1,T2,2024-05-01T11:00:00.000Z,,,0,,10,0.010,");
  assert.equal(lines[3], "");
});
