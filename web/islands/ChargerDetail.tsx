/**
 * One charger, live: its state and session, Start/Stop with the charger's
 * answer, the battery chart, connector status changes, the OCPP log, the other
 * commands, its latest transactions and (OCPP 2.0.1) its device model. The server renders it from a snapshot;
 * in the browser it joins the charger's room and folds every event in.
 */
import { ID_TOKEN_RULE, idTokenProblem } from "../../shared/identifiers.ts";
import { useComputed, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { BusEvent } from "../../shared/events.ts";
import { describe, type Outcome, pending, sendCommand } from "../client/commands.ts";
import { useNow } from "../client/hooks.ts";
import { watch } from "../client/socket.ts";
import { BatteryChart } from "../components/BatteryChart.tsx";
import { CommandOutcome } from "../components/CommandOutcome.tsx";
import { CommandPanel } from "../components/CommandPanel.tsx";
import { DeviceModel } from "../components/DeviceModel.tsx";
import { Measurands } from "../components/Measurands.tsx";
import { ChargerConfiguration } from "../components/ChargerConfiguration.tsx";
import { Reservations } from "../components/Reservations.tsx";
import { ChargerFiles } from "../components/ChargerFiles.tsx";
import { transfersMayHaveChanged } from "../lib/transfers.ts";
import { reservationsMayHaveChanged } from "../lib/reservations.ts";
import { EventLog } from "../components/EventLog.tsx";
import { StatusBadge, statusTitle } from "../components/StatusBadge.tsx";
import { applyDetailEvent, type DetailState, fromSnapshot } from "../lib/detail_state.ts";
import { modelMayHaveChanged } from "../lib/device_model.ts";
import { nextProfileChange, type ProfileChange, profilesMayHaveChanged } from "../lib/charging_limit.ts";
import { useChargingLimit } from "../client/charging_limit.ts";
import { evseChoices, hasMultiConnectorEvse, locationLabel } from "../lib/evses.ts";
import { connectorStatus, headlineStatus } from "../lib/fleet.ts";
import {
  durationBetween,
  formatAgo,
  formatDateTime,
  formatKw,
  formatKwh,
  formatPercent,
} from "../lib/format.ts";
import type { ChargerSnapshot } from "../lib/protocol.ts";
import { startCommand, stopCommand } from "../lib/session_commands.ts";
import { describeEnd, describeStale, transactionsPageHref } from "../lib/transactions.ts";

export interface ChargerDetailProps {
  snapshot: ChargerSnapshot;
  renderedAt: number;
  /** Operators and admins send commands; viewers only watch (the server refuses them anyway). */
  canCommand: boolean;
}

export default function ChargerDetail({ snapshot, renderedAt, canCommand }: ChargerDetailProps) {
  const state = useSignal<DetailState>(fromSnapshot(snapshot));
  const now = useNow(renderedAt);
  const idTag = useSignal("OPERATOR");
  const connectorId = useSignal("1");
  const outcome = useSignal<Outcome | null>(null);
  const busy = useSignal(false);
  /** Events after which the stored device model may have changed (the device-model view re-reads). */
  const modelChanges = useSignal(0);
  /** The last event after which the stored charging profiles may have changed (the limit re-reads them). */
  const profileChange = useSignal<ProfileChange>({ count: 0, at: renderedAt });
  /** Events after which the stored reservations or local list may have changed (OCPP 1.6). */
  const reservationChanges = useSignal(0);
  /** Transfer statuses and uploads that arrived (OCPP 1.6 firmware, diagnostics, logs). */
  const transferChanges = useSignal(0);
  const chargerId = snapshot.chargerId;

  useEffect(() => {
    const onSnapshot = (s: ChargerSnapshot) => {
      if (s.chargerId === chargerId) state.value = fromSnapshot(s);
    };
    const onEvent = (event: BusEvent) => {
      state.value = applyDetailEvent(state.value, event);
      if (modelMayHaveChanged(event)) modelChanges.value++;
      if (reservationsMayHaveChanged(event)) reservationChanges.value++;
      if (transfersMayHaveChanged(event)) transferChanges.value++;
      if (profilesMayHaveChanged(event)) profileChange.value = nextProfileChange(profileChange.value, event);
    };
    const socket = watch({ chargerId });
    socket.on("charger:snapshot", onSnapshot);
    socket.on("charger:event", onEvent);
    return () => {
      socket.off("charger:snapshot", onSnapshot);
      socket.off("charger:event", onEvent);
    };
  }, []);

  const frames = useComputed(() => state.value.frames);
  const meter = useComputed(() => {
    const active = state.value.charger?.activeTransactions.at(-1);
    const all = state.value.meter;
    return active ? all.filter((p) => p.evseId === active.evseId) : all;
  });

  const s = state.value;
  const charger = s.charger;
  const status = charger ? headlineStatus(charger) : "Unknown";
  // EVSEs 1..n with their connector (an OCPP 1.6 connector n is EVSE n); EVSE 0 is the charger itself.
  const connectors = charger?.connectors.filter((c) => c.evseId > 0) ?? [];
  const connectorChoices = evseChoices(connectors);
  const multiConnector = hasMultiConnectorEvse(connectors);
  const protocol = charger?.protocol;
  const active = charger?.activeTransactions ?? [];
  // The snapshot's transactions were read from the CSMS with the page, staleness decided then; the live
  // summary's were folded from events, which cannot tell.
  const staleOf = (id: number) => s.transactions.find((t) => t.id === id && t.stale);
  const sample = charger?.lastSample;
  const limit = useChargingLimit(chargerId, profileChange, meter, active.at(-1));

  async function run({ action, payload }: { action: string; payload: Record<string, unknown> }) {
    busy.value = true;
    outcome.value = pending(action);
    outcome.value = describe(action, await sendCommand(chargerId, action, payload));
    busy.value = false;
  }

  function start(e: Event) {
    e.preventDefault();
    const tag = idTag.value.trim();
    const problem = idTokenProblem(tag);
    const command = startCommand(protocol, Number(connectorId.value), tag);
    if (problem) {
      outcome.value = {
        action: command.action,
        tone: "err",
        label: "Check the form",
        detail: `The idTag is not valid: ${problem} (${ID_TOKEN_RULE}).`,
        at: Date.now(),
      };
      return;
    }
    run(command);
  }

  return (
    <div
      class="detail"
      data-testid="charger-detail"
      data-status={status}
      data-online={charger?.online ? "yes" : "no"}
    >
      <section class="card detail-head">
        <div class="detail-title">
          <h1 class="mono">{chargerId}</h1>
          <StatusBadge status={status} />
          <span class={`online ${charger?.online ? "is-on" : "is-off"}`} data-testid="online">
            {charger?.online ? "Online" : "Offline"}
          </span>
        </div>
        {charger
          ? (
            <dl class="facts">
              <div>
                <dt>Vendor / model</dt>
                <dd>{[charger.vendor, charger.model].filter(Boolean).join(" · ") || "—"}</dd>
              </div>
              <div>
                <dt>Firmware</dt>
                <dd>{charger.firmwareVersion ?? "—"}</dd>
              </div>
              <div>
                <dt>Serial</dt>
                <dd>{charger.serialNumber ?? "—"}</dd>
              </div>
              <div>
                <dt>Protocol</dt>
                <dd>{charger.protocol ?? "—"}</dd>
              </div>
              <div>
                <dt>Last boot</dt>
                <dd>{formatDateTime(charger.lastBootAt)}</dd>
              </div>
              <div>
                <dt>Last seen</dt>
                <dd>{formatAgo(charger.lastSeenAt, now.value)}</dd>
              </div>
            </dl>
          )
          : <p class="muted">This charger has not connected yet. This page fills in as soon as it does.</p>}
      </section>

      <div class="detail-grid">
        <section class="card session" data-testid="session">
          <h2>Charging session</h2>
          {active.length === 0
            ? <p class="muted" data-testid="no-session">No session in progress.</p>
            : active.map((t) => (
              <div class="session-live" key={t.id} data-testid="active-session" data-transaction={t.id}>
                <div class="kpis">
                  <div class="kpi">
                    <span>Energy</span>
                    <strong>{formatKwh(t.energyWh)}</strong>
                  </div>
                  <div class="kpi">
                    <span>Duration</span>
                    <strong>{durationBetween(t.startedAt, now.value)}</strong>
                  </div>
                  <div class="kpi">
                    <span>Power</span>
                    <strong>
                      {formatKw(sample?.evseId === t.evseId ? sample.powerW : undefined)}
                    </strong>
                  </div>
                  <div class="kpi">
                    <span>SoC</span>
                    <strong data-testid="session-soc">
                      {formatPercent(sample?.evseId === t.evseId ? sample.socPercent : undefined)}
                    </strong>
                  </div>
                </div>
                <p class="muted small">
                  Transaction <span class="mono">#{t.id}</span>
                  {t.chargerTransactionId !== String(t.id) && (
                    <>
                      {" "}(the charger's <span class="mono">{t.chargerTransactionId}</span>)
                    </>
                  )} · {locationLabel(t, multiConnector)} · tag <span class="mono">{t.idTag}</span> · since
                  {" "}
                  {formatDateTime(t.startedAt)}
                </p>
                {staleOf(t.id) && (
                  <p class="small" data-testid="session-stale">
                    <span class="stale-pill">stale · {describeStale(staleOf(t.id)!, now.value)}</span>{" "}
                    <a href={transactionsPageHref(1, chargerId, true)}>
                      {canCommand ? "Close it by hand…" : "See stale transactions"}
                    </a>
                  </p>
                )}
                <button
                  type="button"
                  class="btn btn-danger"
                  disabled={busy.value || !canCommand}
                  data-testid="stop"
                  onClick={() =>
                    run(stopCommand(protocol, t))}
                >
                  Stop charging
                </button>
              </div>
            ))}
          <form class="start-form" onSubmit={start}>
            <label class="field">
              <span>EVSE</span>
              <select
                value={connectorId.value}
                onChange={(e) => connectorId.value = (e.target as HTMLSelectElement).value}
              >
                {connectorChoices.map((id) => <option key={id} value={String(id)}>{id}</option>)}
              </select>
            </label>
            <label class="field">
              <span>{protocol === "ocpp2.0.1" ? "Id token" : "idTag"}</span>
              <input
                value={idTag.value}
                data-testid="id-tag"
                onInput={(e) => idTag.value = (e.target as HTMLInputElement).value}
              />
            </label>
            <button
              type="submit"
              class="btn btn-primary"
              disabled={busy.value || !canCommand}
              data-testid="start"
            >
              Start charging
            </button>
          </form>
          {!canCommand && (
            <p class="muted small" data-testid="read-only">Watching only: commands need the operator role.</p>
          )}
          <CommandOutcome outcome={outcome.value} testid="session-outcome" />
        </section>

        <section class="card">
          <h2>Battery</h2>
          <BatteryChart points={meter} live={active.length > 0} limits={limit.history} />
        </section>
        <section class="card">
          <h2>EVSEs</h2>
          {connectors.length === 0
            ? <p class="muted small">No connector status reported yet.</p>
            : (
              <ul class="connectors" data-testid="connectors">
                {connectors.map((c) => (
                  <li
                    key={`${c.evseId}.${c.connectorId}`}
                    data-evse={c.evseId}
                    data-connector={c.connectorId}
                    data-status={connectorStatus(c)}
                  >
                    <span class="connector-id" title={`EVSE ${c.evseId}, connector ${c.connectorId}`}>
                      {locationLabel(c, multiConnector)}
                    </span>
                    <StatusBadge
                      status={charger?.online ? connectorStatus(c) : "Offline"}
                      title={statusTitle(connectorStatus(c), c.original, c.errorCode)}
                    />
                    {c.original !== connectorStatus(c) && (
                      <span class="muted small" data-testid="original-status">{c.original}</span>
                    )}
                    {c.errorCode && c.errorCode !== "NoError" && <span class="err small">{c.errorCode}</span>}
                    <span class="muted small">since {formatAgo(c.updatedAt, now.value)}</span>
                  </li>
                ))}
              </ul>
            )}
          <h3>Status changes</h3>
          <ol class="timeline" data-testid="status-log">
            {s.statusLog.slice(-12).reverse().map((e, i) => (
              <li key={`${e.at}:${e.evseId}:${e.status}:${i}`}>
                <span class="mono small muted">{formatDateTime(e.at).slice(11)}</span>
                <span class="small">
                  {locationLabel(e, multiConnector)}
                </span>
                {e.status === "Online"
                  ? <span class="badge status-Available">Online</span>
                  : e.status === "Refused"
                  ? <span class="badge status-Faulted" title={e.info}>Refused</span>
                  : (
                    <StatusBadge
                      status={e.status}
                      title={[statusTitle(e.status, e.original, e.errorCode), e.info].filter(Boolean).join(
                        ": ",
                      )}
                    />
                  )}
              </li>
            ))}
            {s.statusLog.length === 0 && <li class="muted small">Nothing yet.</li>}
          </ol>
        </section>
        <section class="card">
          <h2>
            Recent transactions{" "}
            <a class="small" href={`/transactions?charger=${encodeURIComponent(chargerId)}`}>all</a>
          </h2>
          <table class="table compact" data-testid="recent-transactions">
            <caption class="visually-hidden">The charger's latest transactions</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col" title="The charger's own id for the transaction">Charger's id</th>
                <th scope="col">Tag</th>
                <th scope="col" class="num">Energy</th>
                <th scope="col">Duration</th>
                <th scope="col">End</th>
              </tr>
            </thead>
            <tbody>
              {s.transactions.map((t) => (
                <tr key={t.id} data-transaction={t.id} data-state={t.stoppedAt ? "stopped" : "active"}>
                  <td class="mono">{t.id}</td>
                  <td class="mono small" data-testid="charger-transaction-id">{t.chargerTransactionId}</td>
                  <td class="mono small">{t.idTag}</td>
                  <td class="num">{formatKwh(t.energyWh)}</td>
                  <td class="small">{durationBetween(t.startedAt, t.stoppedAt ?? now.value)}</td>
                  <td class="small">
                    {t.stoppedAt ? describeEnd(t) : <span class="live-pill">in progress</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.transactions.length === 0 && <p class="muted small">No transactions yet.</p>}
        </section>
        <section class="card span-2">
          <h2>Measurands</h2>
          <Measurands samples={s.meter} />
        </section>
        {protocol === "ocpp1.6" && (
          <section class="card span-2">
            <h2>Configuration</h2>
            <ChargerConfiguration chargerId={chargerId} canCommand={canCommand} />
          </section>
        )}
        <section class="card span-2">
          <h2>Live OCPP log</h2>
          <EventLog frames={frames} />
        </section>
        {protocol === "ocpp1.6" && (
          <section class="card span-2">
            <h2>Reservations</h2>
            <Reservations chargerId={chargerId} changes={reservationChanges.value} />
          </section>
        )}
        {protocol === "ocpp1.6" && (
          <section class="card span-2">
            <h2>Files</h2>
            <ChargerFiles chargerId={chargerId} canCommand={canCommand} changes={transferChanges.value} />
          </section>
        )}
        {protocol === "ocpp2.0.1" && (
          <section class="card span-2">
            <h2>Device model</h2>
            <DeviceModel chargerId={chargerId} canCommand={canCommand} changes={modelChanges.value} />
          </section>
        )}
        <section class="card span-2">
          <h2>Commands</h2>
          {canCommand
            ? <CommandPanel key={protocol ?? "unknown"} chargerId={chargerId} protocol={protocol} />
            : <p class="muted small">Commands need the operator role.</p>}
        </section>
      </div>
    </div>
  );
}
