/**
 * An OCPP 1.6 charger's file transfers on its page: its latest firmware, diagnostics and log statuses, the
 * diagnostics files and logs it uploaded (downloadable), and the kept firmware images, which an operator
 * uploads here and sends with UpdateFirmware (the CSMS fills in the image's URL). The page's island counts
 * the `charger.transfer` events (each status and upload is stored before it is published); each new count
 * re-reads GET /api/v1/chargers/{id}/files, so the statuses follow the charger live.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { StoredFile, TransferStatus } from "../../shared/files.ts";
import { api, apiError } from "../client/api.ts";
import { describe, type Outcome, pending, sendCommand } from "../client/commands.ts";
import { formatDateTime } from "../lib/format.ts";
import { formatBytes, kindLabel, statusLines, statusTone } from "../lib/transfers.ts";
import { CommandOutcome } from "./CommandOutcome.tsx";

export function ChargerFiles(
  { chargerId, canCommand, changes }: { chargerId: string; canCommand: boolean; changes: number },
) {
  const statuses = useSignal<TransferStatus[]>([]);
  const uploads = useSignal<StoredFile[] | null>(null);
  const firmware = useSignal<StoredFile[] | null>(null);
  const loadError = useSignal<string | null>(null);
  const outcome = useSignal<Outcome | null>(null);
  const firmwareChanges = useSignal(0);
  const busy = useSignal(false);

  useEffect(() => {
    let stale = false;
    (async () => {
      const res = await api(`/api/v1/chargers/${encodeURIComponent(chargerId)}/files`);
      if (stale) return;
      if (res.ok) {
        const body = await res.json();
        statuses.value = body.statuses;
        uploads.value = body.uploads;
        loadError.value = null;
      } else loadError.value = await apiError(res);
    })();
    return () => void (stale = true);
  }, [changes]);

  useEffect(() => {
    let stale = false;
    (async () => {
      const res = await api("/api/v1/firmware");
      if (!stale && res.ok) firmware.value = (await res.json()).items;
    })();
    return () => void (stale = true);
  }, [firmwareChanges.value]);

  const upload = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const file = (form.elements.namedItem("image") as HTMLInputElement).files?.[0];
    if (!file) return;
    busy.value = true;
    outcome.value = pending("Upload");
    const res = await api(`/api/v1/firmware?name=${encodeURIComponent(file.name)}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: file,
    });
    busy.value = false;
    if (res.ok) {
      const kept = await res.json() as StoredFile;
      outcome.value = { action: "Upload", tone: "ok", label: `Kept as file ${kept.id}`, at: Date.now() };
      form.reset();
      firmwareChanges.value++;
    } else {
      outcome.value = {
        action: "Upload",
        tone: "err",
        label: "Refused",
        detail: await apiError(res),
        at: Date.now(),
      };
    }
  };

  const install = async (f: StoredFile) => {
    busy.value = true;
    outcome.value = pending("UpdateFirmware");
    outcome.value = describe(
      "UpdateFirmware",
      await sendCommand(chargerId, "UpdateFirmware", { firmwareFileId: f.id }),
    );
    busy.value = false;
  };

  const lines = statusLines(statuses.value);
  return (
    <div data-testid="charger-files">
      {loadError.value && <p class="tone-err small">{loadError.value}</p>}
      <h3>Transfer status</h3>
      {lines.length === 0
        ? <p class="muted small">No firmware, diagnostics or log status reported yet.</p>
        : (
          <ul class="plain small" data-testid="transfer-statuses">
            {lines.map((s) => (
              <li key={s.kind} data-kind={s.kind} data-status={s.status}>
                {kindLabel(s.kind)}: <strong class={statusTone(s.status)}>{s.status}</strong>
                {s.requestId !== undefined && <span class="muted">(request {s.requestId})</span>}
                <span class="muted">{` ${formatDateTime(s.updatedAt)}`}</span>
              </li>
            ))}
          </ul>
        )}

      <h3>Uploaded by the charger</h3>
      {uploads.value !== null && uploads.value.length === 0 && (
        <p class="muted small">
          No diagnostics file or log yet (send GetDiagnostics or GetLog without a location).
        </p>
      )}
      {uploads.value !== null && uploads.value.length > 0 && (
        <table class="table" data-testid="uploads">
          <thead>
            <tr>
              <th>File</th>
              <th>Kind</th>
              <th>Size</th>
              <th>Received</th>
            </tr>
          </thead>
          <tbody>
            {uploads.value.map((f) => (
              <tr key={f.id} data-testid="upload">
                <td class="mono small">
                  {canCommand ? <a href={`/api/v1/files/${f.id}`} download={f.name}>{f.name}</a> : f.name}
                </td>
                <td class="small">{kindLabel(f.kind)}</td>
                <td class="small">{formatBytes(f.size)}</td>
                <td class="small">{formatDateTime(f.storedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Firmware images</h3>
      {firmware.value !== null && firmware.value.length === 0 && (
        <p class="muted small">No firmware kept yet.</p>
      )}
      {firmware.value !== null && firmware.value.length > 0 && (
        <table class="table" data-testid="firmware-files">
          <thead>
            <tr>
              <th>Id</th>
              <th>File</th>
              <th>Size</th>
              <th>SHA-256</th>
              {canCommand && (
                <th>
                  <span class="visually-hidden">Action</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {firmware.value.map((f) => (
              <tr key={f.id} data-testid="firmware-file" data-name={f.name}>
                <td class="mono">{f.id}</td>
                <td class="mono small">{f.name}</td>
                <td class="small">{formatBytes(f.size)}</td>
                <td class="mono small" title={f.sha256}>{f.sha256.slice(0, 12)}…</td>
                {canCommand && (
                  <td>
                    <button
                      type="button"
                      class="btn small"
                      disabled={busy.value}
                      onClick={() => install(f)}
                    >
                      Install on this charger
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canCommand && (
        <form class="inline-form" onSubmit={upload} data-testid="firmware-upload">
          <label>
            Upload an image <input type="file" name="image" required />
          </label>
          <button type="submit" class="btn" disabled={busy.value}>Upload</button>
        </form>
      )}
      <CommandOutcome outcome={outcome.value} testid="files-outcome" />
    </div>
  );
}
