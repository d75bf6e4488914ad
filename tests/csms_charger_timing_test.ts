/**
 * Under CHARGER_POLICY=basic an unknown id and a registered id with a wrong key must take about as long
 * to be refused, or the answer's timing tells which ids exist. Real handshakes with npm:ws (which can
 * bind a source address), interleaved so that load on the machine hits both
 * alike, compared by their medians with a generous factor: the check is against a derivation skipped
 * (ten times faster), not against noise.
 */
import assert from "node:assert/strict";
import { AUTH_FAILURES_PER_MINUTE } from "../csms/charger_access.ts";
import { attempt, startTestCsms } from "./csms_support.ts";

const KEY = "Chargewire-Key-0001";
const WRONG = "Chargewire-Key-0002";
const ROUNDS = 30;
/** How much faster than a wrong key an unknown id may be refused (and the other way round). */
const FACTOR = 3;

/** Time to a refused handshake, in ms, and its status. */
async function refusal(
  url: string,
  id: string,
  localAddress: string,
): Promise<{ ms: number; status?: number }> {
  const started = performance.now();
  const r = await attempt(`${url}/${id}`, { password: WRONG, localAddress });
  assert.equal(r.opened, false, `${id} was let in with a wrong key`);
  return { ms: performance.now() - started, status: r.status };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

Deno.test("charger auth timing: under basic, an unknown id is refused as slowly as a wrong key", async () => {
  const t = await startTestCsms({ CHARGER_POLICY: "basic" });
  try {
    await t.admin.registerCharger("CP-KNOWN", { securityProfile: 1, authorizationKey: KEY });
    // Each failure counts against its source address (30 a minute, then 429 unchecked): the attempts come
    // from several loopback addresses (all of 127.0.0.0/8 is loopback on Linux), each staying under it.
    const perAddress = AUTH_FAILURES_PER_MINUTE - 5;
    const addresses = Array.from(
      { length: Math.ceil((2 * ROUNDS + 2) / perAddress) },
      (_, i) => `127.0.0.${i + 2}`,
    );
    let n = 0;
    const next = () => addresses[Math.floor(n++ / perAddress)];
    // Warm-up: the first derivation pays for setting WebCrypto up.
    await refusal(t.csms.url, "CP-KNOWN", next());
    await refusal(t.csms.url, "CP-NOBODY", next());

    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 === 0 ? ["CP-KNOWN", "CP-NOBODY-" + i] : ["CP-NOBODY-" + i, "CP-KNOWN"];
      for (const id of order) {
        const r = await refusal(t.csms.url, id, next());
        assert.equal(r.status, 401, `${id}: ${r.status}`);
        (id === "CP-KNOWN" ? known : unknown).push(r.ms);
      }
    }
    const [k, u] = [median(known), median(unknown)];
    console.log(`median refusal: wrong key ${k.toFixed(1)} ms, unknown id ${u.toFixed(1)} ms`);
    assert.ok(u * FACTOR >= k, `an unknown id is refused much faster (${u} ms) than a wrong key (${k} ms)`);
    assert.ok(k * FACTOR >= u, `a wrong key is refused much faster (${k} ms) than an unknown id (${u} ms)`);
  } finally {
    await t.close();
  }
});
