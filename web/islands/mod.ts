/**
 * Every island, by name. The server renders them inside a marked element with
 * their props; the browser bundle (web/client/main.ts) hydrates each marked
 * element with the component of the same name.
 */
import Account from "./Account.tsx";
import ChargerDetail from "./ChargerDetail.tsx";
import ConnectionStatus from "./ConnectionStatus.tsx";
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
  FleetTable,
  History,
  IdTags,
  Registrations,
  TransactionsTable,
  Users,
};

export type IslandName = keyof typeof ISLANDS;
