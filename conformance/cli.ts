/** The command line of `deno task conformance`: pure parsing, a one-line error for anything wrong. */
import { parseArgs } from "node:util";

export interface CliOptions {
  mode: "csms" | "charger";
  ocpp: "1.6" | "2.0.1";
  url?: string;
  id: string;
  password?: string;
  port: number;
  /** charger mode: the address to listen on. */
  host: string;
  only?: string;
  report?: string;
  chargewireApi?: string;
  token?: string;
  /** Seconds the peer has to answer one call. */
  answerTimeout: number;
  /** Seconds an action of the peer or its operator may take. */
  actionTimeout: number;
  /** charger mode: the heartbeat interval we give the charger, seconds. */
  heartbeat: number;
  list: boolean;
}

export const USAGE = `Chargewire conformance runner: tests a CSMS or a charger against OCPP 1.6 or 2.0.1.

Usage:
  deno task conformance csms --url ws://HOST/ocpp --ocpp 1.6|2.0.1 [--id ID] [--password P]
                             [--chargewire-api URL --token T] [--only PATTERN] [--report DIR]
  deno task conformance charger --port P --ocpp 1.6|2.0.1 [--only PATTERN] [--report DIR]

  csms       we play the charging station against the CSMS at --url (we connect to URL/ID)
  charger    we play the CSMS on 0.0.0.0:PORT; the charger under test connects to ws://HOST:PORT/ocpp/ID

Flags
  --ocpp VERSION          1.6 or 2.0.1 (required)
  --id ID                 csms mode: our station's identity (default CW-CONFORMANCE)
  --password P            csms mode: HTTP Basic password (security profiles 1 and 2)
  --chargewire-api URL    csms mode: a Chargewire portal (http://HOST:8000); its REST API makes the CSMS
                          act, so no case waits for a person
  --token T               an admin API token for --chargewire-api (POST /api/v1/tokens)
  --port P                charger mode: the port to listen on (0: a free one, printed)
  --host ADDRESS          charger mode: the address to listen on (default 0.0.0.0, every interface)
  --only PATTERN          run only cases whose id contains PATTERN (* wildcards, commas for several)
  --report DIR            write report.html, junit.xml and report.json into DIR (default ./conformance-report)
  --answer-timeout S      seconds the peer has to answer a call (default 10)
  --action-timeout S      seconds to wait for the peer or a person to act (default 60)
  --heartbeat S           charger mode: the heartbeat interval we give the charger (default 10)
  --list                  list the catalogue's cases and exit
  -h, --help              show this help`;

export class CliError extends Error {}

function positiveNumber(name: string, v: string | undefined, dflt: number, allowZero = false): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new CliError(`--${name} must be a ${allowZero ? "non-negative" : "positive"} number, got "${v}"`);
  }
  return n;
}

/** Parses the arguments; undefined means --help was asked for. */
export function parseCli(args: string[]): CliOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        url: { type: "string" },
        ocpp: { type: "string" },
        id: { type: "string" },
        password: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        only: { type: "string" },
        report: { type: "string" },
        "chargewire-api": { type: "string" },
        token: { type: "string" },
        "answer-timeout": { type: "string" },
        "action-timeout": { type: "string" },
        heartbeat: { type: "string" },
        list: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message.split("\n")[0] : String(err));
  }
  const v = parsed.values;
  if (v.help) return undefined;
  const [mode, ...rest] = parsed.positionals;
  if (mode !== "csms" && mode !== "charger") {
    throw new CliError(`say csms or charger first (got ${mode ?? "nothing"}); --help for more`);
  }
  if (rest.length) throw new CliError(`unexpected argument "${rest[0]}"`);
  if (v.ocpp !== "1.6" && v.ocpp !== "2.0.1") {
    throw new CliError(`--ocpp must be 1.6 or 2.0.1 (got ${v.ocpp ?? "nothing"})`);
  }
  const list = v.list ?? false;
  if (mode === "csms") {
    if (!list) {
      if (!v.url) throw new CliError("csms mode needs --url ws://HOST/ocpp");
      if (!/^wss?:\/\//.test(v.url)) {
        throw new CliError(`--url must start with ws:// or wss:// (got ${v.url})`);
      }
    }
    if (v.port !== undefined) throw new CliError("--port is for charger mode");
    if (v.host !== undefined) throw new CliError("--host is for charger mode");
    if ((v["chargewire-api"] === undefined) !== (v.token === undefined)) {
      throw new CliError("--chargewire-api and --token go together");
    }
    if (v["chargewire-api"] !== undefined && !/^https?:\/\//.test(v["chargewire-api"])) {
      throw new CliError(`--chargewire-api must be an http:// or https:// URL (got ${v["chargewire-api"]})`);
    }
  } else {
    for (const f of ["url", "id", "password", "chargewire-api", "token"] as const) {
      if (v[f] !== undefined) throw new CliError(`--${f} is for csms mode`);
    }
    if (!list && v.port === undefined) throw new CliError("charger mode needs --port P");
  }
  const port = positiveNumber("port", v.port, 0, true);
  if (!Number.isInteger(port) || port > 65535) throw new CliError(`--port must be 0-65535 (got ${v.port})`);
  const id = v.id ?? "CW-CONFORMANCE";
  if (id.length === 0 || id.length > 48) throw new CliError("--id must be 1 to 48 characters");
  return {
    mode,
    ocpp: v.ocpp,
    url: v.url,
    id,
    password: v.password,
    port,
    host: v.host ?? "0.0.0.0",
    only: v.only,
    report: v.report ?? "conformance-report",
    chargewireApi: v["chargewire-api"],
    token: v.token,
    answerTimeout: positiveNumber("answer-timeout", v["answer-timeout"], 10),
    actionTimeout: positiveNumber("action-timeout", v["action-timeout"], 60),
    heartbeat: positiveNumber("heartbeat", v.heartbeat, 10),
    list,
  };
}
