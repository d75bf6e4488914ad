/**
 * `deno task conformance`: parses the command line, runs the catalogue of the mode and protocol chosen
 * against the peer, prints progress and a summary, and writes report.html, junit.xml and report.json.
 * Exit code: 0 when nothing failed or was inconclusive, 1 otherwise, 2 for a bad command line.
 */
import { join } from "node:path";
import type { CaseInfo, ConformanceCase, RunReport } from "./case.ts";
import { selectCases } from "./case.ts";
import { CliError, type CliOptions, parseCli, USAGE } from "./cli.ts";
import { systemClock } from "./clock.ts";
import { catalogue } from "./catalogue.ts";
import { ChargewireOperator, LineReader, PromptOperator } from "./operator.ts";
import { reportHtml } from "./report_html.ts";
import { reportJson } from "./report_json.ts";
import { reportJunit } from "./report_junit.ts";
import { progressLine, resultLine, summary } from "./report_text.ts";
import { type Mode, runCases } from "./runner.ts";
import { stationMode } from "./station_mode.ts";
import { centralMode } from "./central_mode.ts";
import { listenForStations } from "./transport.ts";

const TOOL = "chargewire conformance 1";

async function run(o: CliOptions): Promise<number> {
  const version = o.ocpp === "1.6" ? "ocpp1.6" : "ocpp2.0.1";
  const all = catalogue(o.mode, o.ocpp) as ConformanceCase<unknown>[];
  const cases = selectCases(all, o.only);
  if (o.list) {
    for (const c of cases) console.log(`${c.id.padEnd(32)} ${c.purpose}`);
    return 0;
  }
  if (cases.length === 0) {
    console.error(`no case matches --only ${o.only}`);
    return 2;
  }
  const clock = systemClock;
  const print = (line: string) => console.error(line);
  let mode: Mode<unknown>;
  let target: string;
  let cleanup = async () => {};
  if (o.mode === "csms") {
    const stdin = new LineReader(Deno.stdin.readable);
    const operator = o.chargewireApi
      ? new ChargewireOperator(o.chargewireApi, o.token!)
      : new PromptOperator(clock, stdin, print);
    mode = stationMode({
      url: o.url!,
      id: o.id,
      password: o.password,
      version,
      operator,
      answerMs: o.answerTimeout * 1000,
      actionMs: o.actionTimeout * 1000,
    }, crypto.randomUUID().slice(0, 6)) as Mode<unknown>;
    target = `${o.url} as ${o.id}`;
  } else {
    const listener = listenForStations("0.0.0.0", o.port, version);
    print(
      `Listening on ws://0.0.0.0:${listener.port}/ocpp/{id} (${version}); connect the charger under test.`,
    );
    const central = centralMode({
      listener,
      version,
      answerMs: o.answerTimeout * 1000,
      actionMs: o.actionTimeout * 1000,
      heartbeatS: o.heartbeat,
      clock,
      print,
    });
    mode = central as Mode<unknown>;
    target = `charger on port ${listener.port}`;
    cleanup = async () => {
      await central.shutdown();
      await listener.close();
    };
  }
  const startedAt = clock.isoNow();
  const t0 = clock.now();
  const results = await runCases(cases, mode, {
    clock,
    onStart: (i, n, info: CaseInfo) => print(progressLine(i, n, info)),
    onResult: (_i, _n, r) => print(`  ${resultLine(r)}`),
  });
  await cleanup();
  if (o.mode === "charger") target = (mode as unknown as { target(): string }).target?.() ?? target;
  const report: RunReport = {
    tool: TOOL,
    mode: o.mode,
    ocpp: o.ocpp,
    target,
    startedAt,
    durationMs: Math.round(clock.now() - t0),
    results,
  };
  const dir = o.report!;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "report.json"), reportJson(report));
  await Deno.writeTextFile(join(dir, "junit.xml"), reportJunit(report));
  await Deno.writeTextFile(join(dir, "report.html"), reportHtml(report));
  console.log(summary(report));
  console.log(`Reports: ${join(dir, "report.html")}, junit.xml, report.json`);
  return results.some((r) => r.verdict === "fail" || r.verdict === "inconclusive") ? 1 : 0;
}

if (import.meta.main) {
  let options: CliOptions | undefined;
  try {
    options = parseCli(Deno.args);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    console.error(`conformance: ${err.message}`);
    Deno.exit(2);
  }
  if (!options) {
    console.log(USAGE);
    Deno.exit(0);
  }
  Deno.exit(await run(options));
}
