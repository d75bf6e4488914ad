/**
 * REST: kept files. Operators upload firmware images (then choose one in UpdateFirmware or
 * SignedUpdateFirmware by its id, `firmwareFileId`); everyone reads each charger's transfer statuses and
 * the diagnostics files and logs it uploaded; operators download any kept file. The CSMS keeps them in its
 * database (shared/files.ts): an upload goes to it over the bus, like every change.
 */
import { Buffer } from "node:buffer";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { MAX_FILE_BYTES, tooLarge } from "../../shared/files.ts";
import type { Bus } from "../../shared/events.ts";
import type { CsmsReads } from "../../shared/queries.ts";
import { requestActor } from "../audit/actor.ts";
import type { AuditLog } from "../audit/log.ts";
import type { AppEnv } from "../auth/http.ts";
import { adminFailure, ChargerIdParam, errorBody, ErrorSchema, json, unavailable } from "./api_schemas.ts";
import { guarded } from "./guard.ts";

export const StoredFileSchema = z.object({
  id: z.number().int(),
  kind: z.enum(["firmware", "diagnostics", "log"]),
  chargerId: z.string().optional().openapi({ description: "The charger that uploaded it" }),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string().openapi({ description: "Hex SHA-256 of the content" }),
  storedAt: z.string(),
}).openapi("StoredFile");

export const TransferStatusSchema = z.object({
  kind: z.enum(["firmware", "diagnostics", "log"]),
  status: z.string().openapi({
    description: "The charger's latest status notification of that kind, its words",
  }),
  requestId: z.number().int().optional(),
  updatedAt: z.string(),
}).openapi("TransferStatus");

/** A multipart body's boundaries and headers on top of the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

/** The uploaded file from a raw body (`?name=`) or a multipart form (its first file part). */
type Uploaded = { name: string; content: Uint8Array } | { status: 400 | 413; message: string };

async function uploadedFile(req: Request, nameParam: string | undefined): Promise<Uploaded> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  const multipart = type.startsWith("multipart/form-data");
  const limit = MAX_FILE_BYTES + (multipart ? MULTIPART_OVERHEAD : 0);
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) return { status: 413 as const, message: tooLarge(declared)! };
  const body = new Uint8Array(await new Response(req.body).arrayBuffer());
  if (body.length > limit) return { status: 413 as const, message: tooLarge(body.length)! };
  if (!multipart) {
    if (!nameParam) return { status: 400 as const, message: "name the file: ?name=image.bin" };
    return { name: nameParam, content: body };
  }
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": type } }).formData();
  } catch {
    return { status: 400 as const, message: "the multipart body cannot be read" };
  }
  const file = [...form.values()].find((v): v is File => v instanceof File);
  if (!file) return { status: 400 as const, message: "the multipart body holds no file" };
  return { name: nameParam ?? file.name, content: new Uint8Array(await file.arrayBuffer()) };
}

export function registerFileRoutes(
  api: OpenAPIHono<AppEnv>,
  bus: Bus,
  reads: CsmsReads,
  audit: AuditLog,
): void {
  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/firmware",
        tags: ["Files"],
        summary: "Kept firmware images, the newest first",
        responses: { 200: json(z.object({ items: z.array(StoredFileSchema) }), "Firmware images") },
      }),
    ),
    async (c) => c.json({ items: await reads.listFirmware() }, 200),
  );

  api.openapi(
    guarded(
      "operator",
      createRoute({
        method: "post",
        path: "/firmware",
        tags: ["Files"],
        summary: "Upload a firmware image",
        description: `The image as the raw body (\`?name=\` names it) or as multipart/form-data (its first ` +
          `file part; \`?name=\` overrides its name). At most ${MAX_FILE_BYTES} bytes (413 beyond). The ` +
          "CSMS serves it to chargers at an unguessable URL: send UpdateFirmware (or SignedUpdateFirmware) " +
          "with `firmwareFileId` set to its id, and the CSMS fills in the location.",
        request: {
          query: z.object({ name: z.string().min(1).max(200).optional() }),
          body: {
            content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
            required: true,
          },
        },
        responses: {
          201: json(StoredFileSchema, "Kept"),
          400: json(ErrorSchema, "The request is invalid"),
          413: json(ErrorSchema, "The file is too large"),
          503: unavailable,
        },
      }),
    ),
    async (c) => {
      const upload = await uploadedFile(c.req.raw, c.req.valid("query").name);
      if ("status" in upload) {
        return c.json(
          errorBody(upload.status === 413 ? "too_large" : "invalid", upload.message),
          upload.status,
        );
      }
      const answer = await bus.admin({
        kind: "firmware.put",
        name: upload.name,
        contentBase64: Buffer.from(upload.content).toString("base64"),
      });
      if (!answer.ok) {
        const { body, status } = adminFailure(answer);
        return c.json(body, status);
      }
      await audit.record({
        ...requestActor(c),
        action: "firmware.upload",
        target: answer.value.name,
        detail: { id: answer.value.id, size: answer.value.size, sha256: answer.value.sha256 },
      });
      return c.json(answer.value, 201);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/chargers/{id}/files",
        tags: ["Files"],
        summary: "A charger's latest transfer statuses and the files it uploaded, the newest first",
        description: "Diagnostics files (GetDiagnostics) and logs (GetLog) sent without a location are " +
          "uploaded to the CSMS and listed here.",
        request: { params: z.object({ id: ChargerIdParam }) },
        responses: {
          200: json(
            z.object({ statuses: z.array(TransferStatusSchema), uploads: z.array(StoredFileSchema) }),
            "Statuses and uploads",
          ),
          400: json(ErrorSchema, "The request is invalid"),
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const [statuses, uploads] = await Promise.all([reads.transferStatuses(id), reads.listUploads(id)]);
      return c.json({ statuses, uploads }, 200);
    },
  );

  api.openapi(
    guarded(
      "operator",
      createRoute({
        method: "get",
        path: "/files/{fileId}",
        tags: ["Files"],
        summary: "Download a kept file (a firmware image, a diagnostics file, a log)",
        request: { params: z.object({ fileId: z.coerce.number().int().min(1) }) },
        responses: {
          200: {
            content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
            description: "The file, as an attachment",
          },
          400: json(ErrorSchema, "The request is invalid"),
          404: json(ErrorSchema, "No such file"),
        },
      }),
    ),
    async (c) => {
      const { fileId } = c.req.valid("param");
      const found = await reads.fileContent(fileId);
      if (!found) return c.json(errorBody("not_found", `no file ${fileId}`), 404);
      const { file, content } = found;
      const type = file.kind === "firmware" ? "application/octet-stream" : "text/plain; charset=utf-8";
      return c.body(content.slice().buffer, 200, {
        "content-type": type,
        "content-disposition": `attachment; filename="${file.name}"`,
        "x-content-sha256": file.sha256,
      });
    },
  );
}
