/**
 * The transactions CSV export over REST (docs/api.md): text cells a spreadsheet would run as a formula
 * (starting with =, +, - or @) are exported with a ' prefix; other cells are exported as they are. In memory
 * (web/testing/app_harness.ts): the transactions are written through the CSMS's real storage engine with
 * the writes its StartTransaction handler makes (a charger connects, boots, starts), so the idTag "-SUM(1)"
 * is stored exactly as a charger would send it; the JSON API still shows it unchanged. A real charger's
 * transaction in the CSV is tested end to end in tests/web_rest_test.ts.
 */
import assert from "node:assert/strict";
import { type Json, NODE, startApp } from "../testing/app_harness.ts";

/** RFC 4180: CRLF between records, fields quoted when they hold a quote, a comma or a line break. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  assert.equal(field + row.join(""), "", "the CSV ends with CRLF");
  return rows;
}

Deno.test("CSV: idTags and charger ids that look like formulas are exported with a ' prefix", async () => {
  const sys = await startApp();
  // A charger id may start with "=" too (only ':' and control characters are excluded).
  const chargers = [{ id: "CP-CSV-1" }, { id: "=CP-CSV-2" }];
  type TestCharger = (typeof chargers)[number];
  try {
    const admin = await sys.login();
    const viewer = await admin.addUser("val", "viewer");
    const at = () => new Date().toISOString();
    for (const c of chargers) {
      await (await sys.storage.chargers.connected(c.id, "ocpp1.6", NODE, at())).durable;
      await (await sys.storage.chargers.booted(c.id, { vendor: "Chargewire", model: "CSV" }, at())).durable;
    }

    // [charger, idTag, the id_tag cell expected in the CSV (after RFC 4180 unquoting)]
    const cases: [TestCharger, string, string][] = [
      [chargers[0], "-SUM(1)", "'-SUM(1)"],
      [chargers[0], "=1+2", "'=1+2"],
      [chargers[0], "+CMD", "'+CMD"],
      [chargers[0], "@A1", "'@A1"],
      [chargers[0], "-1,2", "'-1,2"], // quoted as well, with the prefix inside the quotes
      [chargers[0], "TAG-PLAIN", "TAG-PLAIN"], // nothing to defuse: unchanged
      [chargers[1], "TAG-2", "TAG-2"],
    ];
    const ids = new Map<number, (typeof cases)[number]>();
    let connector = 0;
    for (const c of cases) {
      const [charger, idTag] = c;
      const started = await sys.storage.transactions.start({
        chargerId: charger.id,
        evseId: ++connector, // one connector each, so that none supersedes another
        connectorId: 1,
        idTag,
        meterStartWh: 1000,
        startedAt: at(),
        authStatus: "Accepted",
      });
      await started.durable;
      ids.set(started.value.id, c);
    }

    // The JSON API keeps the idTag as the charger sent it.
    const one = await viewer.json("GET", `/api/v1/transactions/${[...ids.keys()][0]}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.idTag, "-SUM(1)");

    const res = await viewer.fetch("/api/v1/transactions.csv");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/csv/);
    const text = await res.text();
    // The raw text: the dangerous cell starts with the quote mark, right after the preceding comma.
    assert.match(text, /,'-SUM\(1\),/);
    assert.doesNotMatch(text, /(^|,)-SUM\(1\)/m);
    assert.match(text, /,"'-1,2",/);

    const [header, ...rows] = parseCsv(text);
    const col = (name: string) => {
      const i = header.indexOf(name);
      assert.ok(i >= 0, `a ${name} column in ${header.join(",")}`);
      return i;
    };
    const [txCol, chargerCol, tagCol] = [col("transaction_id"), col("charger_id"), col("id_tag")];
    assert.equal(rows.length, cases.length);
    const seen: Json[] = [];
    for (const row of rows) {
      assert.equal(row.length, header.length, `a full row: ${row.join(",")}`);
      const c = ids.get(Number(row[txCol]));
      assert.ok(c, `transaction ${row[txCol]} is one of the test's`);
      const [charger, , cell] = c;
      assert.equal(row[tagCol], cell, `id_tag of transaction ${row[txCol]}`);
      assert.equal(row[chargerCol], charger.id.startsWith("=") ? `'${charger.id}` : charger.id, "charger_id");
      seen.push(row[txCol]);
    }
    assert.equal(new Set(seen).size, cases.length);
  } finally {
    await sys.close();
  }
});
