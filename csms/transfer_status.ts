/**
 * A charger's transfer status notifications (Firmware-, SignedFirmware-, Diagnostics- and
 * LogStatusNotification): kept as its latest status of that kind, logged, and published for the charger
 * page. Kept before the answer: the status is what the operator watches, and the charger sends it once.
 */
import type { FileKind } from "../shared/files.ts";
import type { FileStore } from "../shared/storage.ts";
import { isoNow } from "./clock.ts";
import type { EventSink } from "./event_sink.ts";

export function transferRecorder(files: Pick<FileStore, "transferStatus">, sink: EventSink) {
  return {
    async status(
      chargerId: string,
      kind: FileKind,
      req: { status: string; requestId?: number },
    ): Promise<void> {
      const at = isoNow();
      const requestId = req.requestId;
      await files.transferStatus(chargerId, {
        kind,
        status: req.status,
        ...(requestId !== undefined && { requestId }),
        updatedAt: at,
      });
      sink.log(chargerId, `${kind}.status`, at, {
        status: req.status,
        ...(requestId !== undefined && { requestId }),
      });
      sink.emit({
        type: "charger.transfer",
        chargerId,
        at,
        kind,
        status: req.status,
        ...(requestId !== undefined && { requestId }),
      });
    },
  };
}
