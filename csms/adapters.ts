/**
 * Every protocol this CSMS speaks, one adapter each, built over the same services: the server and the
 * portal's in-memory test app (web/testing/app_harness.ts) take them from here, so both have the same set.
 */
import { createOcpp16Adapter } from "./ocpp16/adapter.ts";
import { createHandlers16 } from "./ocpp16/handlers.ts";
import { reserveListServices } from "./ocpp16/reserve_list_commands.ts";
import { createOcpp201Adapter } from "./ocpp201/adapter.ts";
import { createHandlers201 } from "./ocpp201/handlers.ts";
import type { ProtocolAdapter } from "./protocol.ts";
import { isoNow } from "./clock.ts";
import type { HandlerServices } from "./recording.ts";

/** In order of preference (shared/ocpp/version.ts SUPPORTED_PROTOCOLS). */
/** `filesUrl`: where chargers reach the CSMS's file routes (csms/file_server.ts). */
export function createAdapters(svc: HandlerServices, filesUrl: () => string): ProtocolAdapter[] {
  return [
    createOcpp201Adapter({ handlers: createHandlers201(svc), storage: svc.storage }),
    createOcpp16Adapter({
      handlers: createHandlers16(svc),
      storage: {
        registrations: svc.storage.registrations,
        profiles: svc.storage,
        configuration: svc.storage.configuration,
        reserveList: reserveListServices(svc.storage),
      },
      files: { files: svc.storage.files, baseUrl: filesUrl, now: isoNow },
    }),
  ];
}
