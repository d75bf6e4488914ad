import type { ComponentChildren } from "preact";

/** A small, quiet button acting on one row of an admin table. */
export function RowButton({ onClick, children }: { onClick: () => void; children: ComponentChildren }) {
  return <button type="button" class="btn btn-small btn-ghost" onClick={onClick}>{children}</button>;
}
