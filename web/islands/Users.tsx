/**
 * Users and API tokens, for admins, through the REST API: add users, change their role or password,
 * delete them; create API tokens (the value is shown once, right here) and revoke them.
 */
import { useSignal } from "@preact/signals";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../auth/password_rule.ts";
import { type Role, ROLES } from "../auth/roles.ts";
import type { TokenRecord, UserRecord } from "../auth/store.ts";
import { api, apiError, jsonBody, listItems, type Notice, noticeOf } from "../client/api.ts";
import { NoticeLine } from "../components/NoticeLine.tsx";
import { RowButton } from "../components/RowButton.tsx";
import { SecretReveal } from "../components/SecretReveal.tsx";
import { formatDateTime } from "../lib/format.ts";

export interface UsersProps {
  users: UserRecord[];
  tokens: TokenRecord[];
  /** The signed-in admin, who cannot delete themselves. */
  me: string;
}

export default function Users(props: UsersProps) {
  const users = useSignal(props.users);
  const tokens = useSignal(props.tokens);
  const userMessage = useSignal<Notice | null>(null);
  const tokenMessage = useSignal<Notice | null>(null);
  const newUser = useSignal({ username: "", role: "viewer" as Role, password: "" });
  const newToken = useSignal({ name: "", role: "viewer" as Role });
  /** A token just created: its value, shown this once. */
  const revealed = useSignal<{ name: string; token: string } | null>(null);
  /** The user whose password is being set, and the new password. */
  const passwordFor = useSignal<{ username: string; password: string } | null>(null);

  async function reloadUsers() {
    const items = await listItems<UserRecord>("/api/v1/users");
    if (items) users.value = items;
  }
  async function reloadTokens() {
    const items = await listItems<TokenRecord>("/api/v1/tokens");
    if (items) tokens.value = items;
  }

  async function addUser(e: Event) {
    e.preventDefault();
    const u = newUser.value;
    const res = await api("/api/v1/users", {
      method: "POST",
      ...jsonBody({ ...u, username: u.username.trim() }),
    });
    userMessage.value = await noticeOf(res, `${u.username.trim()} added as ${u.role}.`, "Not added");
    if (res.ok) newUser.value = { username: "", role: "viewer", password: "" };
    await reloadUsers();
  }

  async function changeUser(username: string, change: { role?: Role; password?: string }, done: string) {
    const res = await api(`/api/v1/users/${encodeURIComponent(username)}`, {
      method: "PATCH",
      ...jsonBody(change),
    });
    userMessage.value = await noticeOf(res, `${username}: ${done}.`, `${username} not changed`);
    await reloadUsers();
    return res.ok;
  }

  async function deleteUser(username: string) {
    if (!confirm(`Delete user ${username}? Their sessions end at once.`)) return;
    const res = await api(`/api/v1/users/${encodeURIComponent(username)}`, { method: "DELETE" });
    userMessage.value = await noticeOf(res, `${username} deleted.`, `${username} not deleted`);
    await reloadUsers();
  }

  async function setPassword(e: Event) {
    e.preventDefault();
    const p = passwordFor.value;
    if (!p) return;
    if (await changeUser(p.username, { password: p.password }, "password changed, other sessions ended")) {
      passwordFor.value = null;
    }
  }

  async function createToken(e: Event) {
    e.preventDefault();
    const t = newToken.value;
    const res = await api("/api/v1/tokens", { method: "POST", ...jsonBody({ ...t, name: t.name.trim() }) });
    if (res.ok) {
      const body = await res.json();
      revealed.value = { name: body.item.name, token: body.token };
      tokenMessage.value = null;
      newToken.value = { name: "", role: "viewer" };
    } else {
      revealed.value = null;
      tokenMessage.value = { tone: "err", text: `Not created: ${await apiError(res)}` };
    }
    await reloadTokens();
  }

  async function revoke(t: TokenRecord) {
    if (!confirm(`Revoke API token ${t.name}? Clients using it are refused at once.`)) return;
    const res = await api(`/api/v1/tokens/${t.id}`, { method: "DELETE" });
    tokenMessage.value = await noticeOf(res, `${t.name} revoked.`, `${t.name} not revoked`);
    if (revealed.value?.token.startsWith(`cw_${t.id}_`)) revealed.value = null;
    await reloadTokens();
  }

  const roleOptions = ROLES.map((r) => <option key={r} value={r}>{r}</option>);

  return (
    <div class="admin-pages">
      <section class="card" data-testid="users">
        <h2>Users</h2>
        <form class="form-row" onSubmit={addUser} data-testid="add-user">
          <label class="field">
            <span>User name</span>
            <input
              name="username"
              required
              maxLength={64}
              autocomplete="off"
              value={newUser.value.username}
              onInput={(e) =>
                newUser.value = { ...newUser.value, username: (e.target as HTMLInputElement).value }}
            />
          </label>
          <label class="field">
            <span>Role</span>
            <select
              name="role"
              value={newUser.value.role}
              onChange={(e) =>
                newUser.value = { ...newUser.value, role: (e.target as HTMLSelectElement).value as Role }}
            >
              {roleOptions}
            </select>
          </label>
          <label class="field">
            <span>Password ({MIN_PASSWORD_LENGTH}+ characters)</span>
            <input
              name="password"
              type="password"
              required
              minLength={MIN_PASSWORD_LENGTH}
              maxLength={MAX_PASSWORD_LENGTH}
              autocomplete="new-password"
              value={newUser.value.password}
              onInput={(e) =>
                newUser.value = { ...newUser.value, password: (e.target as HTMLInputElement).value }}
            />
          </label>
          <button type="submit" class="btn btn-primary">Add user</button>
        </form>
        <NoticeLine notice={userMessage.value} testid="user-message" />
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Added</th>
                <th scope="col">Password changed</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.value.map((u) => (
                <tr key={u.username} data-user={u.username}>
                  <td data-label="User" class="mono">
                    {u.username}
                    {u.username === props.me && <span class="muted small you">(you)</span>}
                  </td>
                  <td data-label="Role">
                    <select
                      aria-label={`Role of ${u.username}`}
                      value={u.role}
                      onChange={(e) => {
                        const role = (e.target as HTMLSelectElement).value as Role;
                        changeUser(u.username, { role }, `now ${role}`);
                      }}
                    >
                      {roleOptions}
                    </select>
                  </td>
                  <td data-label="Added" class="small muted">{formatDateTime(u.createdAt)}</td>
                  <td data-label="Password changed" class="small muted">
                    {formatDateTime(u.passwordChangedAt)}
                  </td>
                  <td class="row-actions">
                    {passwordFor.value?.username === u.username
                      ? (
                        <form class="inline-form" onSubmit={setPassword}>
                          <input
                            type="password"
                            aria-label={`New password for ${u.username}`}
                            required
                            minLength={MIN_PASSWORD_LENGTH}
                            maxLength={MAX_PASSWORD_LENGTH}
                            autocomplete="new-password"
                            value={passwordFor.value.password}
                            onInput={(e) =>
                              passwordFor.value = {
                                username: u.username,
                                password: (e.target as HTMLInputElement).value,
                              }}
                          />
                          <button type="submit" class="btn btn-small btn-primary">Save</button>
                          <RowButton onClick={() => passwordFor.value = null}>Cancel</RowButton>
                        </form>
                      )
                      : (
                        <RowButton onClick={() => passwordFor.value = { username: u.username, password: "" }}>
                          Set password
                        </RowButton>
                      )}
                    {u.username !== props.me && (
                      <RowButton onClick={() => deleteUser(u.username)}>Delete</RowButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section class="card" data-testid="tokens">
        <h2>API tokens</h2>
        <p class="muted small">
          For scripts and other systems: send <span class="mono">Authorization: Bearer &lt;token&gt;</span>
          {" "}
          to the REST API or in the Socket.IO handshake. A token acts with its own role.
        </p>
        <form class="form-row" onSubmit={createToken} data-testid="create-token">
          <label class="field">
            <span>Name</span>
            <input
              name="tokenName"
              required
              maxLength={64}
              autocomplete="off"
              value={newToken.value.name}
              onInput={(e) =>
                newToken.value = { ...newToken.value, name: (e.target as HTMLInputElement).value }}
            />
          </label>
          <label class="field">
            <span>Role</span>
            <select
              name="tokenRole"
              value={newToken.value.role}
              onChange={(e) =>
                newToken.value = { ...newToken.value, role: (e.target as HTMLSelectElement).value as Role }}
            >
              {roleOptions}
            </select>
          </label>
          <button type="submit" class="btn btn-primary">Create token</button>
        </form>
        {revealed.value && (
          <SecretReveal secret={revealed.value.token} testid="token-reveal" valueTestid="token-value">
            Token{" "}
            <strong>{revealed.value.name}</strong>. Copy it now: it is not stored and cannot be shown again.
          </SecretReveal>
        )}
        <NoticeLine notice={tokenMessage.value} testid="token-message" />
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Id</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.value.map((t) => (
                <tr key={t.id} data-token={t.id} data-state={t.revokedAt ? "revoked" : "active"}>
                  <td data-label="Name">{t.name}</td>
                  <td data-label="Id" class="mono small">{t.id}</td>
                  <td data-label="Role">{t.role}</td>
                  <td data-label="Created" class="small muted">
                    {formatDateTime(t.createdAt)} by <span class="mono">{t.createdBy}</span>
                  </td>
                  <td data-label="Last used" class="small muted">
                    {t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "never"}
                  </td>
                  <td data-label="State">
                    {t.revokedAt ? `revoked ${formatDateTime(t.revokedAt)}` : "active"}
                  </td>
                  <td>
                    {!t.revokedAt && (
                      <RowButton onClick={() => revoke(t)}>Revoke</RowButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {tokens.value.length === 0 && <div class="empty muted">No API tokens yet.</div>}
        </div>
      </section>
    </div>
  );
}
