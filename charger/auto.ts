/**
 * The automatic transaction generator (`--auto`): a pretend driver per
 * connector who arrives after a random idle time, charges for a random while
 * and leaves, either stopping at the charger (Local) or pulling the cable
 * (EVDisconnected). Every draw comes from a seeded generator and is made only
 * at a decision point, so a seed replays the same sequence of sessions no
 * matter how the ticks fall.
 */
import type { ConnectorPhase } from "./connector.ts";
import { deriveSeed, type Rng, seededRng } from "./random.ts";
import { REAL_TIME, type SimClock } from "./sim_clock.ts";

export interface AutoTiming {
  /** Seconds a connector stays free between sessions: [min, max]. */
  idleS: [number, number];
  /** Seconds a driver stays plugged in: [min, max]. */
  chargeS: [number, number];
  /** The car's state of charge on arrival, in %: [min, max]. */
  arrivalSocPct: [number, number];
  /** How many distinct driver badges there are. */
  idTags: number;
}

/** Badges are AUTO-0001 and up: a million keeps the idTag well inside OCPP 1.6's 20 characters. */
export const MAX_AUTO_TAGS = 1_000_000;

export const DEFAULT_AUTO_TIMING: AutoTiming = {
  idleS: [15, 180],
  chargeS: [60, 900],
  arrivalSocPct: [10, 70],
  idTags: 50,
};

export type AutoAction =
  | { type: "arrive"; idTag: string; socPct: number }
  | { type: "leave"; how: "Local" | "EVDisconnected" };

/** One driver schedule for one connector. */
export class AutoPilot {
  #rng: Rng;
  #t: AutoTiming;
  #mode: "waiting" | "arriving" | "charging" = "waiting";
  #countdownS: number;

  constructor(rng: Rng, timing: AutoTiming = DEFAULT_AUTO_TIMING) {
    this.#rng = rng;
    this.#t = timing;
    this.#countdownS = this.#draw(timing.idleS);
  }

  /** Seconds until the next decision (for display and tests). */
  get countdownS(): number {
    return this.#countdownS;
  }

  /** Advances the schedule by `dtS` seconds given what the connector is doing; returns what the driver does now. */
  step(phase: ConnectorPhase, dtS: number): AutoAction | undefined {
    switch (this.#mode) {
      case "waiting":
        // Someone else (a remote start) may be using the connector: the countdown runs only while it is free.
        if (phase !== "idle") return undefined;
        this.#countdownS -= dtS;
        if (this.#countdownS > 0) return undefined;
        this.#mode = "arriving";
        this.#countdownS = this.#draw(this.#t.chargeS);
        return {
          type: "arrive",
          idTag: `AUTO-${String(this.#rng.int(1, this.#t.idTags)).padStart(4, "0")}`,
          socPct: Math.round(this.#rng.between(this.#t.arrivalSocPct[0], this.#t.arrivalSocPct[1]) * 10) / 10,
        };
      case "arriving":
        if (phase === "charging") this.#mode = "charging";
        else if (phase === "idle") this.#rest(); // refused (authorization, availability): try again later
        return undefined;
      case "charging": {
        if (phase !== "charging") {
          // Ended from elsewhere (remote stop, reset): the driver has gone.
          if (phase === "idle") this.#rest();
          return undefined;
        }
        this.#countdownS -= dtS;
        if (this.#countdownS > 0) return undefined;
        const how = this.#rng.float() < 0.5 ? "Local" : "EVDisconnected";
        this.#rest();
        return { type: "leave", how };
      }
    }
  }

  #rest(): void {
    this.#mode = "waiting";
    this.#countdownS = this.#draw(this.#t.idleS);
  }

  #draw([min, max]: [number, number]): number {
    return this.#rng.int(min, max);
  }
}

/** The drivers of all of a charge point's connectors, on one clock. */
export class AutoDrivers {
  readonly #pilots: AutoPilot[];
  readonly #clock: SimClock;
  #lastAt = 0;

  /**
   * One driver per connector, each with its own random stream derived from the seed. The timings are
   * simulated seconds: at the clock's speed N, drivers come and go N times as often.
   */
  constructor(
    timing: Partial<AutoTiming>,
    seed: number,
    index: number,
    connectors: number,
    clock: SimClock = REAL_TIME,
  ) {
    this.#clock = clock;
    const t = { ...DEFAULT_AUTO_TIMING, ...timing };
    this.#pilots = Array.from(
      { length: connectors },
      (_, i) => new AutoPilot(seededRng(deriveSeed(seed, index, i + 1)), t),
    );
  }

  /** Advances every driver to `now`, telling each what its connector does and acting on what the driver does. */
  step(
    now: number,
    phaseOf: (connectorId: number) => ConnectorPhase,
    act: (connectorId: number, action: AutoAction) => void,
  ): void {
    const dtS = this.#lastAt === 0 ? 0 : this.#clock.simMs(now - this.#lastAt) / 1000;
    this.#lastAt = now;
    this.#pilots.forEach((pilot, i) => {
      const action = pilot.step(phaseOf(i + 1), dtS);
      if (action) act(i + 1, action);
    });
  }
}
