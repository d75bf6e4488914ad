import assert from "node:assert/strict";
import { CliError, parseCli } from "./cli.ts";

Deno.test("csms mode: the URL and protocol, with defaults for the rest", () => {
  const o = parseCli(["csms", "--url", "ws://h:9000/ocpp", "--ocpp", "2.0.1"])!;
  assert.equal(o.mode, "csms");
  assert.equal(o.ocpp, "2.0.1");
  assert.equal(o.id, "CW-CONFORMANCE");
  assert.equal(o.report, "conformance-report");
  assert.equal(o.answerTimeout, 10);
  assert.equal(o.actionTimeout, 60);
});

Deno.test("charger mode: the port", () => {
  const o = parseCli(["charger", "--port", "9300", "--ocpp", "1.6", "--heartbeat", "2", "--only", "TC_0"])!;
  assert.equal(o.mode, "charger");
  assert.equal(o.port, 9300);
  assert.equal(o.heartbeat, 2);
  assert.equal(o.only, "TC_0");
  assert.equal(o.host, "0.0.0.0");
  assert.equal(
    parseCli(["charger", "--port", "1", "--ocpp", "1.6", "--host", "127.0.0.1"])!.host,
    "127.0.0.1",
  );
});

Deno.test("--help asks for the usage", () => {
  assert.equal(parseCli(["--help"]), undefined);
});

Deno.test("each wrong command line is one clear error", () => {
  const bad: [string[], RegExp][] = [
    [[], /say csms or charger/],
    [["fly", "--ocpp", "1.6"], /say csms or charger/],
    [["csms", "--url", "ws://h"], /--ocpp must be 1.6 or 2.0.1/],
    [["csms", "--ocpp", "1.5", "--url", "ws://h"], /--ocpp must be 1.6 or 2.0.1 \(got 1.5\)/],
    [["csms", "--ocpp", "1.6"], /needs --url/],
    [["csms", "--ocpp", "1.6", "--url", "http://h"], /ws:\/\/ or wss:\/\//],
    [["csms", "--ocpp", "1.6", "--url", "ws://h", "--token", "t"], /go together/],
    [["csms", "--ocpp", "1.6", "--url", "ws://h", "--chargewire-api", "h", "--token", "t"], /http:\/\//],
    [["csms", "--ocpp", "1.6", "--url", "ws://h", "--port", "1"], /--port is for charger mode/],
    [["charger", "--ocpp", "1.6"], /needs --port/],
    [["csms", "--ocpp", "1.6", "--url", "ws://h", "--host", "127.0.0.1"], /--host is for charger mode/],
    [["charger", "--ocpp", "1.6", "--port", "70000"], /0-65535/],
    [["charger", "--ocpp", "1.6", "--port", "1", "--url", "ws://h"], /--url is for csms mode/],
    [
      ["charger", "--ocpp", "1.6", "--port", "1", "--heartbeat", "0"],
      /--heartbeat must be a positive number/,
    ],
    [["charger", "--ocpp", "1.6", "--port", "1", "--bogus"], /bogus/],
  ];
  for (const [args, message] of bad) {
    assert.throws(
      () => parseCli(args),
      (err: unknown) => err instanceof CliError && message.test(err.message),
      args.join(" "),
    );
  }
});
