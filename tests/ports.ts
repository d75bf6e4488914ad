/** A free TCP port on 127.0.0.1, for a server a test starts as a child process (port 0 cannot be told). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}
