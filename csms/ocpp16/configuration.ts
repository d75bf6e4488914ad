/**
 * A 1.6 charger's last known configuration: what its GetConfiguration answers say (all its keys when none
 * was named, replacing the stored list), and a ChangeConfiguration it took (Accepted or RebootRequired).
 * An AuthorizationKey's value is never kept, whatever a charger answers: it is a password.
 */
import type { ConfigurationKey } from "../../shared/domain.ts";
import type { Ocpp16 } from "../../shared/ocpp/actions16.ts";
import { AUTHORIZATION_KEY } from "../../shared/ocpp/authorization_key.ts";
import type { ConfigurationWrites } from "../../shared/storage.ts";

const SECRET = AUTHORIZATION_KEY.toLowerCase();

function kept(k: ConfigurationKey): ConfigurationKey {
  if (k.key.toLowerCase() !== SECRET || k.value === undefined) return k;
  const { value: _, ...rest } = k;
  return rest;
}

/** What a GetConfiguration answer or an accepted change writes; undefined for anything else. */
export function configurationUpdate(
  action: string,
  request: Record<string, unknown>,
  response: unknown,
  at: string,
): { keys: ConfigurationKey[]; complete: boolean } | undefined {
  if (action === "GetConfiguration") {
    const res = response as Ocpp16.GetConfigurationResponse;
    const asked = (request as Ocpp16.GetConfigurationRequest).key;
    const keys = (res.configurationKey ?? []).map((k) =>
      kept({
        key: k.key,
        readonly: k.readonly,
        ...(k.value !== undefined && { value: k.value }),
        updatedAt: at,
      })
    );
    return { keys, complete: !asked || asked.length === 0 };
  }
  if (action === "ChangeConfiguration") {
    const status = (response as Ocpp16.ChangeConfigurationResponse).status;
    if (status !== "Accepted" && status !== "RebootRequired") return undefined;
    const req = request as unknown as Ocpp16.ChangeConfigurationRequest;
    return {
      keys: [kept({ key: req.key, value: req.value, readonly: false, updatedAt: at })],
      complete: false,
    };
  }
  return undefined;
}

/** After the charger's answer: its configuration as stored, on disk before the operator is answered. */
export async function recordConfiguration(
  store: ConfigurationWrites,
  chargerId: string,
  action: string,
  request: Record<string, unknown>,
  response: unknown,
  at: string,
): Promise<void> {
  const update = configurationUpdate(action, request, response, at);
  if (!update) return;
  const written = await store.report(chargerId, update.keys, update.complete);
  await written.durable;
}
