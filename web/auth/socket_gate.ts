/**
 * The Socket.IO handshake's checks, run by engine.io's `allowRequest` before any Socket.IO traffic: the
 * Origin (when a browser sends one) must be the portal's own or one of ALLOWED_ORIGINS, and the request
 * must carry a valid session cookie or API token. A refusal is an HTTP 403 on the handshake; the client
 * sees a connect_error. Who passed is kept for the bridge's middleware to attach to the socket.
 */
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { parse as parseCookies } from "hono/utils/cookie";
import { isAllowedOrigin, ownOrigin } from "./origin.ts";
import type { Principal } from "./roles.ts";
import { type Auth, SESSION_COOKIE } from "./service.ts";
import { logger } from "../../shared/log.ts";

const log = logger("web");

export interface SocketGate {
  allowRequest(
    req: IncomingMessage,
    callback: (err: string | null | undefined, success: boolean) => void,
  ): void;
  /** The principal the handshake request `req` was let in as. */
  principalOf(req: IncomingMessage): Principal | undefined;
}

export function createSocketGate(auth: Auth, allowedOrigins: readonly string[]): SocketGate {
  const admitted = new WeakMap<IncomingMessage, Principal>();
  return {
    allowRequest(req, callback) {
      const origin = req.headers.origin;
      // No Origin: not a browser (browsers send one on every WebSocket handshake); credentials still apply.
      if (origin !== undefined) {
        const own = ownOrigin(Boolean((req.socket as TLSSocket).encrypted), req.headers.host);
        if (!isAllowedOrigin(origin, own, allowedOrigins)) {
          return callback(`origin ${origin} is not allowed`, false);
        }
      }
      const cookies = req.headers.cookie ? parseCookies(req.headers.cookie, SESSION_COOKIE) : {};
      // The store may be a database away (PostgreSQL): the answer comes when it does; a store that
      // fails refuses the handshake rather than leaving it hanging.
      auth.authenticate({
        authorization: req.headers.authorization,
        sessionCookie: cookies[SESSION_COOKIE],
      }).then((result) => {
        if (!result.ok) {
          return callback(result.reason === "missing" ? "sign in first" : result.message, false);
        }
        admitted.set(req, result.principal);
        callback(null, true);
      }, (err) => {
        log.error(
          `socket handshake not checked: ${(err as Error).message}`,
        );
        callback("the portal cannot check credentials now", false);
      });
    },
    principalOf: (req) => admitted.get(req),
  };
}
