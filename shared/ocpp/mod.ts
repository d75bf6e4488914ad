export * from "./actions16.ts";
export * from "./errors.ts";
export * from "./frames.ts";
export * from "./rpc.ts";
export * from "./validate.ts";
export * from "./version.ts";
