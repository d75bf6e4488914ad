/**
 * Every island, by name. The server renders them inside a marked element with
 * their props; in the browser, the island's own entry (built by web/bundle.ts,
 * one per name here, from web/islands/<Name>.tsx) hydrates each element marked
 * with its name. A new island needs its line here and nothing else.
 */
import Account from "./Account.tsx";
import ChargerDetail from "./ChargerDetail.tsx";
import ConnectionStatus from "./ConnectionStatus.tsx";
import Events from "./Events.tsx";
import FleetTable from "./FleetTable.tsx";
import History from "./History.tsx";
import IdTags from "./IdTags.tsx";
import Registrations from "./Registrations.tsx";
import TransactionsTable from "./TransactionsTable.tsx";
import Users from "./Users.tsx";

export const ISLANDS = {
  Account,
  ChargerDetail,
  ConnectionStatus,
  Events,
  FleetTable,
  History,
  IdTags,
  Registrations,
  TransactionsTable,
  Users,
};

export type IslandName = keyof typeof ISLANDS;
