/**
 * The DataTransfer vendors this CSMS answers, by vendorId: csms/main.ts hands them to every node
 * (startCsms's `vendors`). A charger's DataTransfer with any other vendorId is answered UnknownVendorId.
 * To add a vendor, see docs/operations.md, "DataTransfer vendors".
 */
import type { VendorHandler } from "../protocol.ts";
import { CHARGEWIRE_VENDOR_ID, chargewireVendor } from "./chargewire.ts";

export const VENDORS: Readonly<Record<string, VendorHandler>> = {
  [CHARGEWIRE_VENDOR_ID]: chargewireVendor,
};
