/**
 * The history page: energy per day and sessions per hour over a range of UTC days the operator picks, from
 * the aggregate API (GET /api/v1/stats/energy and /stats/sessions). Each chart has its caption and its
 * totals as text beside it. Sessions per hour are served for ranges of MAX_SESSION_DAYS days at most; a
 * longer range shows energy alone, and says why.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, apiError } from "../client/api.ts";
import { SeriesChart } from "../components/SeriesChart.tsx";
import { formatKwh } from "../lib/format.ts";
import {
  type EnergyDay,
  energyTotals,
  MAX_SESSION_DAYS,
  rangeDays,
  type SessionHour,
  sessionTotals,
  type StatsRange,
} from "../../shared/stats.ts";

export interface HistoryProps {
  range: StatsRange;
  energy: EnergyDay[];
  /** Null when the range is longer than MAX_SESSION_DAYS. */
  sessions: SessionHour[] | null;
  /** What was wrong with the range the address asked for (the default range is shown instead). */
  problem?: string;
}

const dayX = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;
const hourX = (hour: string) => Date.parse(`${hour}:00:00Z`) / 1000;

export default function History(props: HistoryProps) {
  const from = useSignal(props.range.from);
  const to = useSignal(props.range.to);
  const shown = useSignal(props.range);
  const energy = useSignal(props.energy);
  const sessions = useSignal(props.sessions);
  const problem = useSignal(props.problem ?? "");
  const busy = useSignal(false);

  // Keep the address in step, so a reload or a shared link shows the same range.
  useEffect(() => {
    const url = new URL(location.href);
    url.searchParams.set("from", shown.value.from);
    url.searchParams.set("to", shown.value.to);
    if (url.href !== location.href) history.replaceState(null, "", url);
  }, [shown.value]);

  async function load(e: Event) {
    e.preventDefault();
    busy.value = true;
    try {
      const q = `from=${encodeURIComponent(from.value)}&to=${encodeURIComponent(to.value)}`;
      const res = await api(`/api/v1/stats/energy?${q}`);
      if (!res.ok) {
        problem.value = await apiError(res);
        return;
      }
      const body = await res.json();
      const range = { from: body.from, to: body.to };
      let hours: SessionHour[] | null = null;
      if (rangeDays(range).length <= MAX_SESSION_DAYS) {
        const s = await api(`/api/v1/stats/sessions?${q}`);
        if (!s.ok) {
          problem.value = await apiError(s);
          return;
        }
        hours = (await s.json()).hours;
      }
      problem.value = "";
      energy.value = body.days;
      sessions.value = hours;
      shown.value = range;
    } catch (err) {
      problem.value = `The server did not answer: ${(err as Error).message}`;
    } finally {
      busy.value = false;
    }
  }

  const days = energy.value;
  const e = energyTotals(days);
  const best = days.reduce<EnergyDay | undefined>(
    (m, d) => d.energyWh > (m?.energyWh ?? 0) ? d : m,
    undefined,
  );
  const hours = sessions.value;
  const s = hours ? sessionTotals(hours) : undefined;
  const span = `${shown.value.from} to ${shown.value.to}`;

  return (
    <div class="history" data-testid="history">
      <form class="card toolbar history-range" onSubmit={load} data-testid="history-range">
        <label class="field">
          <span class="small">From (UTC)</span>
          <input
            type="date"
            name="from"
            required
            value={from.value}
            onInput={(ev) => from.value = (ev.target as HTMLInputElement).value}
          />
        </label>
        <label class="field">
          <span class="small">To (UTC)</span>
          <input
            type="date"
            name="to"
            required
            value={to.value}
            onInput={(ev) => to.value = (ev.target as HTMLInputElement).value}
          />
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy.value}>Show</button>
        {problem.value && (
          <p class="outcome outcome-err" role="alert" data-testid="history-problem">{problem.value}</p>
        )}
      </form>
      <div class="history-charts">
        <figure class="card chart" data-testid="energy-chart">
          <figcaption class="chart-caption">Energy per day, {span}</figcaption>
          <p class="chart-now">
            <span>
              <span class="muted small">Total</span>{" "}
              <strong data-testid="energy-total" data-value={e.energyWh}>{formatKwh(e.energyWh)}</strong>
            </span>
            <span class="muted small" data-testid="energy-transactions">
              {e.transactions.toLocaleString("en")} transactions
            </span>
            <span class="muted small">
              {best ? `Most on ${best.day}: ${formatKwh(best.energyWh)}` : "No energy in this range"}
            </span>
          </p>
          <SeriesChart
            xs={days.map((d) => dayX(d.day))}
            ys={days.map((d) => d.energyWh / 1000)}
            label="Energy"
            format={(v) => `${v.toFixed(v >= 100 ? 0 : 1)} kWh`}
            color="#2563eb"
            shape="bars"
          />
        </figure>
        <figure class="card chart" data-testid="sessions-chart">
          <figcaption class="chart-caption">Sessions started per hour, {span}</figcaption>
          {hours && s
            ? (
              <>
                <p class="chart-now">
                  <span>
                    <span class="muted small">Total</span>{" "}
                    <strong data-testid="sessions-total" data-value={s.sessions}>
                      {s.sessions.toLocaleString("en")}
                    </strong>
                  </span>
                  <span class="muted small">
                    {s.busiest
                      ? `Busiest hour: ${s.busiest.hour.replace("T", " ")}:00, ${s.busiest.sessions} started`
                      : "No session started in this range"}
                  </span>
                </p>
                <SeriesChart
                  xs={hours.map((h) => hourX(h.hour))}
                  ys={hours.map((h) => h.sessions)}
                  label="Sessions"
                  format={(v) => Number.isInteger(v) ? v.toLocaleString("en") : ""}
                  color="#15803d"
                  shape="bars"
                />
              </>
            )
            : (
              <p class="muted" data-testid="sessions-too-long">
                Sessions per hour are shown for {MAX_SESSION_DAYS} days or fewer: pick a shorter range.
              </p>
            )}
        </figure>
      </div>
    </div>
  );
}
