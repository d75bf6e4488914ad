/**
 * File-transfer commands completed by the CSMS before they are checked and sent (OCPP 1.6
 * FirmwareManagement and the security extension's GetLog and SignedUpdateFirmware):
 *
 * - UpdateFirmware and SignedUpdateFirmware with `firmwareFileId` (a kept image, not an OCPP field) get
 *   that image's URL as their location, and the retrieve date now when none is given;
 * - GetDiagnostics without `location` and GetLog without `log.remoteLocation` get an upload URL of the
 *   CSMS, with a new token per request (GetLog without a requestId gets one too).
 *
 * Anything else, or a location the operator gave (their own server), goes as it came.
 */
import { firmwareUrl, newFileToken, uploadUrl } from "../shared/files.ts";
import type { FileStore } from "../shared/storage.ts";

export interface FileCommandDeps {
  files: Pick<FileStore, "firmwareToken" | "openUpload">;
  /** Where chargers reach the CSMS's file routes (FILES_URL, or the OCPP port's own address). */
  baseUrl(): string;
  now(): string;
}

export type CompletedCommand =
  | {
    ok: true;
    /** Absent: the payload goes as it came. */
    payload?: Record<string, unknown>;
    /** Opens the upload slot; run once the completed payload passed its checks. */
    commit?: () => Promise<void>;
  }
  | { ok: false; message: string };

type Payload = Record<string, unknown>;

const empty = (v: unknown) => v === undefined || v === "";

async function firmwareLocation(
  deps: FileCommandDeps,
  action: string,
  id: unknown,
): Promise<{ location: string } | { message: string }> {
  if (typeof id !== "number" || !Number.isInteger(id)) {
    return { message: `${action} firmwareFileId must be the id of a kept firmware file` };
  }
  const kept = await deps.files.firmwareToken(id);
  if (!kept) {
    return { message: `${action}: no firmware file ${id} is kept (GET /api/v1/firmware lists them)` };
  }
  return { location: firmwareUrl(deps.baseUrl(), kept.token, kept.name) };
}

export async function completeFileCommand(
  deps: FileCommandDeps,
  chargerId: string,
  action: string,
  payload: Payload,
): Promise<CompletedCommand> {
  switch (action) {
    case "UpdateFirmware": {
      if (!("firmwareFileId" in payload)) return { ok: true };
      const { firmwareFileId, ...rest } = payload;
      const found = await firmwareLocation(deps, action, firmwareFileId);
      if ("message" in found) return { ok: false, message: found.message };
      return {
        ok: true,
        payload: { ...rest, location: found.location, retrieveDate: rest.retrieveDate ?? deps.now() },
      };
    }
    case "SignedUpdateFirmware": {
      if (!("firmwareFileId" in payload)) return { ok: true };
      const { firmwareFileId, ...rest } = payload;
      const found = await firmwareLocation(deps, action, firmwareFileId);
      if ("message" in found) return { ok: false, message: found.message };
      const firmware = (rest.firmware ?? {}) as Payload;
      return {
        ok: true,
        payload: {
          ...rest,
          firmware: {
            ...firmware,
            location: found.location,
            retrieveDateTime: firmware.retrieveDateTime ?? deps.now(),
          },
        },
      };
    }
    case "GetDiagnostics": {
      if (!empty(payload.location)) return { ok: true };
      const token = newFileToken();
      return {
        ok: true,
        payload: { ...payload, location: uploadUrl(deps.baseUrl(), token) },
        commit: () => deps.files.openUpload({ token, chargerId, kind: "diagnostics", at: deps.now() }),
      };
    }
    case "GetLog": {
      const log = (payload.log ?? {}) as Payload;
      if (!empty(log.remoteLocation) && payload.requestId !== undefined) return { ok: true };
      const token = empty(log.remoteLocation) ? newFileToken() : undefined;
      return {
        ok: true,
        payload: {
          ...payload,
          requestId: payload.requestId ?? Math.floor(Math.random() * 2 ** 31),
          log: { ...log, ...(token && { remoteLocation: uploadUrl(deps.baseUrl(), token) }) },
        },
        ...(token && {
          commit: () => deps.files.openUpload({ token, chargerId, kind: "log", at: deps.now() }),
        }),
      };
    }
    default:
      return { ok: true };
  }
}
