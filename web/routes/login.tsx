/**
 * Signing in and out of the portal with plain HTML forms (they work before any script has loaded).
 * Both forms are guarded against cross-site posts by Hono's CSRF middleware (Origin / Sec-Fetch-Site);
 * signing out also needs the session's CSRF token.
 */
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { loginAuditEntry, requestActor } from "../audit/actor.ts";
import type { AuditLog } from "../audit/log.ts";
import {
  type AppEnv,
  clearSessionCookie,
  clientAddress,
  CSRF_FIELD,
  requestOwnOrigin,
  safeNext,
  setSessionCookie,
} from "../auth/http.ts";
import { isAllowedOrigin } from "../auth/origin.ts";
import { safeEqual } from "../auth/secrets.ts";
import { MAX_PASSWORD_LENGTH } from "../auth/password_rule.ts";
import type { Auth } from "../auth/service.ts";
import { type AssetUrls, Layout } from "../components/Layout.tsx";
import { renderPage } from "./pages.tsx";

export interface LoginDeps {
  auth: Auth;
  audit: AuditLog;
  assets: AssetUrls;
  allowedOrigins: readonly string[];
}

function loginPage(
  assets: AssetUrls,
  { next, username = "", error }: { next: string; username?: string; error?: string },
): string {
  return renderPage(
    <Layout title="Sign in" section="none" assets={assets} bare>
      <section class="card narrow login-card">
        <h1>Sign in</h1>
        {error && <p class="outcome outcome-err" role="alert" data-testid="login-error">{error}</p>}
        <form method="post" action="/login" class="login-form" data-testid="login-form">
          <input type="hidden" name="next" value={next} />
          <label class="field">
            <span>User name</span>
            <input
              name="username"
              autocomplete="username"
              required
              autofocus
              maxLength={64}
              value={username}
            />
          </label>
          <label class="field">
            <span>Password</span>
            <input
              type="password"
              name="password"
              autocomplete="current-password"
              required
              maxLength={MAX_PASSWORD_LENGTH}
            />
          </label>
          <button type="submit" class="btn btn-primary">Sign in</button>
        </form>
        <p class="muted small">
          First start? User{" "}
          <span class="mono">admin</span>'s password was printed next to the portal's address (or set with
          {" "}
          <span class="mono">ADMIN_PASSWORD</span>).
        </p>
      </section>
    </Layout>,
  );
}

export function loginRoutes(deps: LoginDeps): Hono<AppEnv> {
  const { auth, audit, assets } = deps;
  const app = new Hono<AppEnv>();
  const sameOrigin = csrf({
    origin: (origin, c) => isAllowedOrigin(origin, requestOwnOrigin(c as never), deps.allowedOrigins),
  });
  app.use("/login", sameOrigin);
  app.use("/logout", sameOrigin);

  app.get("/login", (c) => {
    const next = safeNext(c.req.query("next"));
    if (c.get("principal")?.kind === "session") return c.redirect(next, 303);
    return c.html(loginPage(assets, { next }));
  });

  app.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const text = (k: string) => typeof form[k] === "string" ? form[k] as string : "";
    const next = safeNext(text("next"));
    const username = text("username").trim();
    const address = clientAddress(c);
    const result = await auth.login(username, text("password"), address);
    const entry = loginAuditEntry(result, address);
    if (entry) await audit.record(entry);
    if (result.ok) {
      // Signing in again replaces the session this browser had, rather than leaving it alive.
      const previous = c.get("principal");
      if (previous?.kind === "session") await auth.logout(previous.sessionId);
      setSessionCookie(c, result.cookieValue, result.maxAgeSeconds);
      return c.redirect(next, 303);
    }
    if (result.reason === "locked") {
      const seconds = Math.ceil(result.retryAfterMs / 1000);
      c.header("retry-after", String(seconds));
      return c.html(
        loginPage(assets, {
          next,
          username,
          error: `Too many failed attempts. Try again in ${seconds} s.`,
        }),
        429,
      );
    }
    return c.html(loginPage(assets, { next, username, error: "Wrong user name or password." }), 401);
  });

  app.post("/logout", async (c) => {
    const principal = c.get("principal");
    if (principal?.kind === "session") {
      const form = await c.req.parseBody();
      const token = typeof form[CSRF_FIELD] === "string" ? form[CSRF_FIELD] as string : "";
      if (!safeEqual(token, principal.csrfToken)) {
        return c.text("Forbidden: the form's CSRF token is wrong", 403);
      }
      await auth.logout(principal.sessionId);
      await audit.record({ ...requestActor(c), action: "logout" });
    }
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });

  return app;
}
