/**
 * Charger registration, for admins, through the REST API: register a charger with its OCPP security
 * profile and AuthorizationKey (typed in, or generated and shown once here), give it a new key, set what
 * its BootNotification is answered (approve one waiting Pending), or unregister it; see the chargers the
 * CSMS refused lately, and register one that is knocking.
 */
import { CHARGER_ID_RULE, chargerIdProblem } from "../../shared/identifiers.ts";
import { useSignal } from "@preact/signals";
import {
  BOOT_STATUSES,
  type BootStatus,
  type ChargerRefusal,
  type ChargerRegistration,
  type SecurityProfile,
} from "../../shared/queries.ts";
import { api, apiError, jsonBody, listItems, type Notice, noticeOf } from "../client/api.ts";
import { KnockingList } from "../components/KnockingList.tsx";
import { NoticeLine } from "../components/NoticeLine.tsx";
import { RowButton } from "../components/RowButton.tsx";
import { SecretReveal } from "../components/SecretReveal.tsx";
import { formatDateTime } from "../lib/format.ts";

export interface RegistrationsProps {
  registrations: ChargerRegistration[];
  /** Chargers refused at the handshake lately. */
  refusals: ChargerRefusal[];
  /** Where chargers connect (ws://host:port/ocpp), for the hint. */
  ocppUrl?: string;
}

const PROFILES: Array<{ value: SecurityProfile; label: string }> = [
  { value: 1, label: "1 · Basic auth" },
  { value: 2, label: "2 · Basic auth over TLS" },
  { value: 0, label: "0 · no password" },
];

export default function Registrations(props: RegistrationsProps) {
  const items = useSignal(props.registrations);
  const refusals = useSignal(props.refusals);
  const message = useSignal<Notice | null>(null);
  const form = useSignal({ id: "", profile: 1 as SecurityProfile, key: "" });
  /** A key just generated: shown this once. */
  const revealed = useSignal<{ id: string; key: string } | null>(null);

  async function reload() {
    const [list, refused] = await Promise.all([
      listItems<ChargerRegistration>("/api/v1/registrations"),
      listItems<ChargerRefusal>("/api/v1/refusals"),
    ]);
    if (list) items.value = list;
    if (refused) refusals.value = refused;
  }

  async function register(
    id: string,
    securityProfile: SecurityProfile,
    authorizationKey: string | undefined,
  ) {
    const res = await api(`/api/v1/registrations/${encodeURIComponent(id)}`, {
      method: "PUT",
      ...jsonBody({ securityProfile, ...(authorizationKey ? { authorizationKey } : {}) }),
    });
    if (res.ok) {
      const body = await res.json();
      revealed.value = body.authorizationKey ? { id, key: body.authorizationKey } : null;
      message.value = {
        tone: "ok",
        text: `${id} ${
          res.status === 201 ? "registered" : "updated"
        } with security profile ${securityProfile}.`,
      };
    } else {
      revealed.value = null;
      message.value = { tone: "err", text: `${id} not saved: ${await apiError(res)}` };
    }
    await reload();
    return res.ok;
  }

  async function submit(e: Event) {
    e.preventDefault();
    const f = form.value;
    const id = f.id.trim();
    const problem = chargerIdProblem(id);
    if (problem) {
      message.value = { tone: "err", text: `${problem} (${CHARGER_ID_RULE})` };
      return;
    }
    if (await register(id, f.profile, f.profile === 0 ? undefined : f.key.trim() || undefined)) {
      form.value = { id: "", profile: f.profile, key: "" };
    }
  }

  /** A charger that is knocking, registered with what the form says (a key typed there, or a new one). */
  async function registerKnocking(id: string) {
    const f = form.value;
    if (await register(id, f.profile, f.profile === 0 ? undefined : f.key.trim() || undefined)) {
      form.value = { ...f, key: "" };
    }
  }

  async function rotate(r: ChargerRegistration) {
    if (!confirm(`Give ${r.id} a new AuthorizationKey? The old one stops working at once.`)) return;
    await register(r.id, r.securityProfile, undefined);
  }

  /** Only the boot status changes (the key stays); approving a waiting charger has it boot again at once. */
  async function setBootStatus(r: ChargerRegistration, bootStatus: BootStatus) {
    if (bootStatus === r.bootStatus) return;
    const res = await api(`/api/v1/registrations/${encodeURIComponent(r.id)}`, {
      method: "PUT",
      ...jsonBody({ bootStatus }),
    });
    message.value = await noticeOf(
      res,
      `${r.id}: boot ${bootStatus}${
        bootStatus === "Accepted" && r.bootStatus === "Pending" ? " (asked to boot again now)" : ""
      }.`,
      `${r.id}: boot status not changed`,
    );
    await reload();
  }

  async function unregister(id: string) {
    if (!confirm(`Unregister ${id}?`)) return;
    const res = await api(`/api/v1/registrations/${encodeURIComponent(id)}`, { method: "DELETE" });
    message.value = await noticeOf(res, `${id} unregistered.`, `${id} not unregistered`);
    if (revealed.value?.id === id) revealed.value = null;
    await reload();
  }

  const f = form.value;
  return (
    <section data-testid="registrations">
      <form class="card form-row" onSubmit={submit} data-testid="register-form">
        <label class="field">
          <span>Charge point id</span>
          <input
            name="chargerId"
            required
            autocomplete="off"
            value={f.id}
            onInput={(e) => form.value = { ...f, id: (e.target as HTMLInputElement).value }}
          />
        </label>
        <label class="field">
          <span>Security profile</span>
          <select
            name="securityProfile"
            value={String(f.profile)}
            onChange={(e) =>
              form.value = {
                ...f,
                profile: Number((e.target as HTMLSelectElement).value) as SecurityProfile,
              }}
          >
            {PROFILES.map((p) => <option key={p.value} value={String(p.value)}>{p.label}</option>)}
          </select>
        </label>
        {f.profile !== 0 && (
          <label class="field">
            <span>AuthorizationKey (empty: generate one)</span>
            <input
              name="authorizationKey"
              minLength={16}
              maxLength={40}
              autocomplete="off"
              value={f.key}
              onInput={(e) => form.value = { ...f, key: (e.target as HTMLInputElement).value }}
            />
          </label>
        )}
        <button type="submit" class="btn btn-primary">Register</button>
      </form>
      {revealed.value && (
        <SecretReveal secret={revealed.value.key} testid="key-reveal" valueTestid="key-value">
          AuthorizationKey of{" "}
          <strong class="mono">{revealed.value.id}</strong>. Set it in the charger now: it is stored hashed
          and cannot be shown again.
        </SecretReveal>
      )}
      <NoticeLine notice={message.value} testid="registration-message" />
      <KnockingList refusals={refusals.value} onRegister={registerKnocking} onRefresh={reload} />
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">Registered chargers</caption>
          <thead>
            <tr>
              <th scope="col">Charge point</th>
              <th scope="col">Profile</th>
              <th scope="col">Key</th>
              <th scope="col">Boot</th>
              <th scope="col">Registered</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.value.map((r) => (
              <tr
                key={r.id}
                data-registration={r.id}
                data-profile={r.securityProfile}
                data-boot-status={r.bootStatus}
              >
                <td data-label="Charge point" class="mono">
                  <a href={`/chargers/${encodeURIComponent(r.id)}`}>{r.id}</a>
                </td>
                <td data-label="Profile">{r.securityProfile}</td>
                <td data-label="Key">{r.hasKey ? "set" : "—"}</td>
                <td data-label="Boot">
                  <select
                    name="bootStatus"
                    aria-label={`Boot status of ${r.id}`}
                    value={r.bootStatus}
                    onChange={(e) => setBootStatus(r, (e.target as HTMLSelectElement).value as BootStatus)}
                  >
                    {BOOT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
                  </select>
                </td>
                <td data-label="Registered" class="small muted">{formatDateTime(r.createdAt)}</td>
                <td class="row-actions">
                  {r.securityProfile !== 0 && <RowButton onClick={() => rotate(r)}>New key</RowButton>}
                  <RowButton onClick={() => unregister(r.id)}>Unregister</RowButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.value.length === 0 && (
          <div class="empty muted">
            No charger registered yet.
            {props.ocppUrl && (
              <p class="small">
                Chargers connect to <span class="mono">{props.ocppUrl}/&lt;id&gt;</span>.
              </p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
