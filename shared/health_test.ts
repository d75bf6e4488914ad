import assert from "node:assert/strict";
import { healthResponse, readiness } from "./health.ts";

const up = { ping: () => Promise.resolve() };
const down = { ping: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")) };
const hung = { ping: () => new Promise<void>(() => {}) };
const busUp = { ready: () => Promise.resolve(true) };
const busDown = { ready: () => Promise.resolve(false) };

Deno.test("health: /healthz answers while the process lives, /readyz only when database and bus answer", async () => {
  const alive = await healthResponse("GET", "/healthz", () => readiness(down, busDown));
  assert.equal(alive?.status, 200);
  assert.deepEqual(await alive?.json(), { alive: true });

  const ready = await healthResponse("GET", "/readyz", () => readiness(up, busUp));
  assert.equal(ready?.status, 200);
  assert.deepEqual(await ready?.json(), { ready: true, database: "ok", bus: "ok" });

  const noDb = await healthResponse("GET", "/readyz", () => readiness(down, busUp));
  assert.equal(noDb?.status, 503);
  assert.deepEqual(await noDb?.json(), {
    ready: false,
    database: "connect ECONNREFUSED 127.0.0.1:5432",
    bus: "ok",
  });

  const noBus = await healthResponse("GET", "/readyz", () => readiness(up, busDown));
  assert.equal(noBus?.status, 503);
  assert.equal((await noBus?.json()).bus, "unreachable");

  assert.equal(await healthResponse("GET", "/ocpp/CP-1", () => readiness(up, busUp)), undefined);
  assert.equal((await healthResponse("POST", "/readyz", () => readiness(up, busUp)))?.status, 405);
});

Deno.test("health: a database that hangs counts as not answering, within the check's bound", async () => {
  const r = await readiness(hung, busUp);
  assert.equal(r.ready, false);
  assert.match(r.database, /did not answer within/);
});
