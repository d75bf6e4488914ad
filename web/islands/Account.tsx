/**
 * The signed-in user's own account: who they are, and changing their password (the current one, the new
 * one twice) through the REST API. Their other sessions end; this one stays.
 */
import { useSignal } from "@preact/signals";
import type { Role } from "../auth/roles.ts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem } from "../auth/password_rule.ts";
import { api, apiError, jsonBody, type Notice } from "../client/api.ts";
import { NoticeLine } from "../components/NoticeLine.tsx";

export interface AccountProps {
  name: string;
  role: Role;
}

const EMPTY = { currentPassword: "", newPassword: "", confirm: "" };

export default function Account(props: AccountProps) {
  const form = useSignal(EMPTY);
  const notice = useSignal<Notice | null>(null);
  const busy = useSignal(false);

  function field(name: keyof typeof EMPTY) {
    return {
      name,
      value: form.value[name],
      onInput: (e: Event) => form.value = { ...form.value, [name]: (e.target as HTMLInputElement).value },
    };
  }

  async function submit(e: Event) {
    e.preventDefault();
    const { currentPassword, newPassword, confirm } = form.value;
    const problem = newPassword !== confirm
      ? "the new password and its confirmation differ"
      : passwordProblem(newPassword);
    if (problem) {
      notice.value = { tone: "err", text: `Not changed: ${problem}.` };
      return;
    }
    busy.value = true;
    try {
      const res = await api("/api/v1/me/password", {
        method: "POST",
        ...jsonBody({ currentPassword, newPassword }),
      });
      if (res.ok) {
        const { endedSessions } = await res.json();
        form.value = EMPTY;
        notice.value = {
          tone: "ok",
          text: `Password changed. ${
            endedSessions === 0
              ? "You had no other sessions."
              : `Your ${
                endedSessions === 1 ? "other session was" : `${endedSessions} other sessions were`
              } ` +
                "signed out."
          }`,
        };
      } else {
        notice.value = { tone: "err", text: `Not changed: ${await apiError(res)}.` };
      }
    } finally {
      busy.value = false;
    }
  }

  return (
    <section class="card narrow" data-testid="account">
      <p>
        Signed in as <span class="mono">{props.name}</span>, with the <strong>{props.role}</strong> role.
      </p>
      <h2>Change your password</h2>
      <p class="muted small">
        {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH}{" "}
        characters. Your other sessions (other browsers, other devices) are signed out; this one stays.
      </p>
      <form class="account-form" onSubmit={submit} data-testid="password-form">
        <label class="field">
          <span>Current password</span>
          <input
            type="password"
            required
            maxLength={MAX_PASSWORD_LENGTH}
            autocomplete="current-password"
            {...field("currentPassword")}
          />
        </label>
        <label class="field">
          <span>New password</span>
          <input
            type="password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={MAX_PASSWORD_LENGTH}
            autocomplete="new-password"
            {...field("newPassword")}
          />
        </label>
        <label class="field">
          <span>New password again</span>
          <input
            type="password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={MAX_PASSWORD_LENGTH}
            autocomplete="new-password"
            {...field("confirm")}
          />
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy.value}>Change password</button>
      </form>
      <NoticeLine notice={notice.value} testid="password-message" />
    </section>
  );
}
