/** Runs `conformance/main.ts` as a process, as a user would, and reads the report it wrote. */
import { ROOT } from "./web_support.ts";

// deno-lint-ignore no-explicit-any
export type Json = any;

export interface ConformanceRun {
  code: number;
  stdout: string;
  stderr: string;
  report: Json;
  reportDir: string;
}

export class ConformanceProcess {
  readonly #child: Deno.ChildProcess;
  readonly stderrLines: string[] = [];
  #stdout = "";
  readonly #done: Promise<void>;
  #listening?: () => void;
  readonly listening: Promise<void>;

  constructor(args: string[], readonly reportDir: string, env: Record<string, string> = {}) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}conformance/main.ts`, ...args, "--report", reportDir],
      cwd: ROOT,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.listening = new Promise((resolve) => (this.#listening = resolve));
    this.#done = Promise.all([this.#readErr(), this.#readOut()]).then(() => {});
  }

  async #readErr() {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const bytes of this.#child.stderr) {
      const lines = (partial + decoder.decode(bytes, { stream: true })).split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        this.stderrLines.push(line);
        if (line.startsWith("Listening on")) this.#listening?.();
      }
    }
    if (partial) this.stderrLines.push(partial);
    this.#listening?.();
  }

  async #readOut() {
    const decoder = new TextDecoder();
    for await (const bytes of this.#child.stdout) this.#stdout += decoder.decode(bytes, { stream: true });
  }

  async finished(): Promise<ConformanceRun> {
    const status = await this.#child.status;
    await this.#done;
    let report: Json;
    try {
      report = JSON.parse(await Deno.readTextFile(`${this.reportDir}/report.json`));
    } catch {
      report = undefined;
    }
    return {
      code: status.code,
      stdout: this.#stdout,
      stderr: this.stderrLines.join("\n"),
      report,
      reportDir: this.reportDir,
    };
  }
}

/** Every case passed or was not applicable with a reason; the message lists the others. */
export function notGreen(report: Json): string[] {
  return report.results
    .filter((r: Json) => !(r.verdict === "pass" || (r.verdict === "not-applicable" && r.reason)))
    .map((r: Json) => `${r.id}: ${r.verdict} ${r.reason ?? ""}`);
}
