import type { ComponentChildren } from "preact";

/** A secret the server hands out once (an API token, an AuthorizationKey): shown here, with a Copy button. */
export function SecretReveal(
  { secret, testid, valueTestid, children }: {
    secret: string;
    testid: string;
    valueTestid: string;
    /** What the secret is, and why it must be kept now. */
    children: ComponentChildren;
  },
) {
  return (
    <div class="secret-reveal" role="status" data-testid={testid}>
      <p>{children}</p>
      <code class="mono secret" data-testid={valueTestid}>{secret}</code>
      <button
        type="button"
        class="btn btn-small"
        onClick={() => navigator.clipboard?.writeText(secret).catch(() => {})}
      >
        Copy
      </button>
    </div>
  );
}
