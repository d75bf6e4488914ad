/** The charge point's file-transfer commands (FirmwareManagement, GetLog): answered by file_transfers.ts. */
import type { CentralSystemActions16 } from "../shared/ocpp/mod.ts";
import type { FileTransfers } from "./file_transfers.ts";

export type FileCommandTarget = Pick<
  FileTransfers,
  "updateFirmware" | "signedUpdateFirmware" | "getDiagnostics" | "getLog"
>;

type On = <A extends keyof CentralSystemActions16 & string>(
  action: A,
  answer: (req: CentralSystemActions16[A][0]) => CentralSystemActions16[A][1],
) => void;

export function installFileCommands(on: On, files: FileCommandTarget): void {
  on("UpdateFirmware", (req) => files.updateFirmware(req));
  on("SignedUpdateFirmware", (req) => files.signedUpdateFirmware(req));
  on("GetDiagnostics", (req) => files.getDiagnostics(req));
  on("GetLog", (req) => files.getLog(req));
}
