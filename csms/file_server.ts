/**
 * The CSMS's file routes, on the OCPP port beside the WebSocket endpoint: chargers download firmware
 * images and upload the files they were asked for (GetDiagnostics, GetLog) here, over plain HTTP(S). Each
 * URL carries an unguessable token (shared/files.ts): the token is the authorisation, as a charger's
 * download client cannot be relied on to send credentials. FTP, which many real chargers use, is not
 * served.
 *
 *   GET  /files/firmware/{token}/{name}   the image (the name is for the charger; the token finds it)
 *   POST /files/upload/{token}[/{name}]   multipart/form-data (the first file part), or the raw body
 *   PUT  /files/upload/{token}[/{name}]   the raw body
 */
import { safeFileName, tooLarge } from "../shared/files.ts";
import { MAX_FILE_BYTES, type StoredFile } from "../shared/files.ts";
import type { FileStore } from "../shared/storage.ts";

const FIRMWARE = /^\/files\/firmware\/([A-Za-z0-9_-]{16,})(?:\/[^/]*)?$/;
const UPLOAD = /^\/files\/upload\/([A-Za-z0-9_-]{16,})(?:\/([^/]*))?$/;

/** A multipart body's boundaries and headers on top of the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

export interface FileRoutes {
  files: FileStore;
  /** An upload arrived and is kept. */
  uploaded(chargerId: string | undefined, file: StoredFile): void;
  now(): string;
}

function plain(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** Reads a body up to `limit` bytes; undefined when it is longer. */
async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      await body.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(chunk);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** The response for a file route, or undefined when the path is not one. */
export async function fileRoute(
  req: Request,
  pathname: string,
  r: FileRoutes,
): Promise<Response | undefined> {
  const fw = FIRMWARE.exec(pathname);
  if (fw) {
    if (req.method !== "GET" && req.method !== "HEAD") return plain(405, "use GET");
    const found = await r.files.firmwareByToken(fw[1]);
    if (!found) return plain(404, "no such firmware");
    return new Response(req.method === "HEAD" ? null : found.content.slice(), {
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(found.file.size),
        "content-disposition": `attachment; filename="${found.file.name}"`,
        "cache-control": "no-store",
      },
    });
  }
  const up = UPLOAD.exec(pathname);
  if (!up) return undefined;
  if (req.method !== "POST" && req.method !== "PUT") return plain(405, "use POST or PUT");
  const type = req.headers.get("content-type") ?? "";
  const multipart = req.method === "POST" && type.toLowerCase().startsWith("multipart/form-data");
  const limit = MAX_FILE_BYTES + (multipart ? MULTIPART_OVERHEAD : 0);
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) return plain(413, tooLarge(declared)!);
  const body = await readCapped(req.body, limit);
  if (!body) return plain(413, tooLarge(limit + 1)!);
  let name = up[2] ? decodeURIComponent(up[2]) : "";
  let content: Uint8Array = body;
  if (multipart) {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { "content-type": type } }).formData();
    } catch {
      return plain(400, "the multipart body cannot be read");
    }
    const file = [...form.values()].find((v): v is File => v instanceof File);
    if (!file) return plain(400, "the multipart body holds no file");
    content = new Uint8Array(await file.arrayBuffer());
    name = file.name || name;
  }
  const problem = tooLarge(content.length);
  if (problem) return plain(413, problem);
  const kept = await r.files.receiveUpload(up[1], safeFileName(name || "upload"), content, r.now());
  if (!kept) return plain(404, "no such upload location");
  r.uploaded(kept.chargerId, kept);
  return plain(201, `stored ${kept.name} (${kept.size} bytes)`);
}
