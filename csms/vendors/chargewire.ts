/**
 * Chargewire's own DataTransfer vendor, "org.chargewire": the example of a vendor handler
 * (docs/operations.md, "DataTransfer vendors") and a harmless way to check a charger's DataTransfer path.
 * messageId "Echo" answers Accepted with the data it got; any other messageId is UnknownMessageId.
 */
import type { VendorHandler } from "../protocol.ts";

export const CHARGEWIRE_VENDOR_ID = "org.chargewire";

export const chargewireVendor: VendorHandler = (request) => {
  if (request.messageId !== "Echo") return { status: "UnknownMessageId" };
  return request.data === undefined ? { status: "Accepted" } : { status: "Accepted", data: request.data };
};
