/**
 * An operator's firmware image, from the portal over the bus (admin request `firmware.put`, the content
 * base64 in the message): checked against the size limit and kept under a new unguessable token.
 */
import { Buffer } from "node:buffer";
import { newFileToken, safeFileName, type StoredFile, tooLarge } from "../shared/files.ts";
import type { FileStore } from "../shared/storage.ts";
import { isoNow } from "./clock.ts";

export async function keepFirmware(
  files: Pick<FileStore, "putFirmware">,
  name: string,
  contentBase64: string,
): Promise<StoredFile> {
  const content = new Uint8Array(Buffer.from(contentBase64, "base64"));
  // RangeError: the admin handler answers `invalid` with the message.
  const problem = tooLarge(content.length);
  if (problem) throw new RangeError(problem);
  if (content.length === 0) throw new RangeError("the firmware file is empty");
  return await files.putFirmware({ name: safeFileName(name), content, token: newFileToken(), at: isoNow() });
}
