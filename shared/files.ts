/**
 * Files the CSMS keeps in its database (so that every CSMS and portal node sees them): firmware images an
 * operator uploads for chargers to download, and the diagnostics files and logs chargers upload on request.
 */

export type FileKind = "firmware" | "diagnostics" | "log";

/** A kept file, without its content. */
export interface StoredFile {
  id: number;
  kind: FileKind;
  /** The charger that uploaded it (diagnostics and logs). */
  chargerId?: string;
  name: string;
  size: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
  storedAt: string;
}

export interface FileWithContent {
  file: StoredFile;
  content: Uint8Array;
}

/**
 * A charger's latest word on one kind of transfer (FirmwareStatusNotification or its signed variant,
 * DiagnosticsStatusNotification, LogStatusNotification), in its protocol's words.
 */
export interface TransferStatus {
  kind: FileKind;
  status: string;
  /** The security extension's requestId, when it sent one. */
  requestId?: number;
  updatedAt: string;
}

/** The largest file kept: an upload beyond it is refused (HTTP 413) and nothing is stored. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export function tooLarge(size: number): string | undefined {
  return size > MAX_FILE_BYTES
    ? `the file is ${size} bytes; at most ${MAX_FILE_BYTES} bytes (${
      MAX_FILE_BYTES / 1024 / 1024
    } MiB) are kept`
    : undefined;
}

/** Longest file name kept. */
const MAX_NAME_LENGTH = 200;

/**
 * A file name as kept and offered for download: its last path segment, without control characters or
 * quotes (it goes into a Content-Disposition header and a URL); "file" when nothing is left.
 */
export function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).at(-1) ?? "";
  // deno-lint-ignore no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f"]/g, "").trim().slice(0, MAX_NAME_LENGTH);
  return clean === "" || clean === "." || clean === ".." ? "file" : clean;
}

/** An unguessable token for a file's URL: 32 random bytes, base64url. */
export function newFileToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Where the CSMS serves a firmware image, under its file base URL (FILES_URL). */
export function firmwareUrl(baseUrl: string, token: string, name: string): string {
  return `${baseUrl}/files/firmware/${token}/${encodeURIComponent(name)}`;
}

/** Where a charger uploads the file it was asked for. */
export function uploadUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/files/upload/${token}`;
}
