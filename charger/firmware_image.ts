/**
 * What the simulator makes of a downloaded firmware image, free of I/O. Nothing is executed: an image is
 * any file, and these rules (documented in docs/api.md, "Firmware and diagnostics files") decide what it
 * does to the charger.
 *
 * Its version, sent as firmwareVersion in the BootNotification after the reboot, is, in this order:
 * 1. the first `version: X` or `version=X` within the image's first 4 KiB of text;
 * 2. a dotted number in the file's name (the URL's last path segment), e.g. `sim-2.1.0.bin` gives 2.1.0;
 * 3. `sha256-` and the first 12 hex digits of the image's SHA-256.
 * An empty image, or one whose text holds a line `install: fail`, fails to install (InstallationFailed).
 */

const HEAD_BYTES = 4096;

function headText(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, HEAD_BYTES));
}

/** The URL's last path segment, decoded; "" when there is none. */
export function fileNameOf(url: string): string {
  try {
    const last = new URL(url).pathname.split("/").filter((s) => s !== "").at(-1) ?? "";
    return decodeURIComponent(last);
  } catch {
    return "";
  }
}

/** BootNotification's firmwareVersion is CiString50. */
const MAX_VERSION_LENGTH = 50;

export function firmwareVersionOf(fileName: string, bytes: Uint8Array, sha256Hex: string): string {
  const stated = /\bversion\s*[:=]\s*([^\s"';,]+)/i.exec(headText(bytes))?.[1];
  const named = /(\d+(?:\.\d+)+)/.exec(fileName)?.[1];
  return (stated ?? named ?? `sha256-${sha256Hex.slice(0, 12)}`).slice(0, MAX_VERSION_LENGTH);
}

/** Why the image cannot be installed, or undefined when it can. */
export function installProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return "the image is empty";
  if (/^\s*install\s*:\s*fail\s*$/im.test(headText(bytes))) return "the image says `install: fail`";
  return undefined;
}
