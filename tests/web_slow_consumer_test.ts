/**
 * A browser that stops reading must not make the portal hold everything for it, nor slow the CSMS down.
 * A raw Socket.IO client (its own WebSocket over a plain TCP connection, so that "not reading" is exact:
 * nothing reads the socket, the kernel buffers fill and the server's writes stall) watches a charger that
 * floods the CSMS with frames. The test watches the portal's figures (GET /api/v1/stats) while the CSMS
 * goes on answering another charger, then lets the client read again and sees it get fresh state.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { TestCharger } from "./csms_support.ts";
import { type Json, startSystem, waitFor } from "./web_support.ts";

/** A Socket.IO v4 client over a raw TCP connection, speaking just enough WebSocket (RFC 6455) for this test. */
class RawSocketIoClient {
  readonly frames: string[] = [];
  #buffer = new Uint8Array(0);
  #reading: Promise<void> | undefined;
  #paused = true;

  private constructor(private readonly conn: Deno.TcpConn) {}

  static async connect(
    base: string,
    cookie: string,
    auth: Record<string, unknown>,
  ): Promise<RawSocketIoClient> {
    const url = new URL(base);
    const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
    const client = new RawSocketIoClient(conn);
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
    // No Sec-WebSocket-Extensions: nothing is compressed, so what the portal queues is what it sends.
    await conn.write(new TextEncoder().encode(
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
        `Origin: ${url.origin}\r\nCookie: ${cookie}\r\n\r\n`,
    ));
    const head = await client.#readHead();
    assert.match(head, /^HTTP\/1\.1 101 /, head);
    // Engine.io's OPEN packet, then Socket.IO's CONNECT with the view as its auth payload.
    await client.readUntil((f) => f.startsWith("0{"));
    await client.send(`40${JSON.stringify(auth)}`);
    await client.readUntil((f) => f.startsWith("40{"));
    return client;
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.#buffer.length + n);
    next.set(this.#buffer);
    next.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = next;
    return true;
  }

  async #readHead(): Promise<string> {
    while (true) {
      const text = new TextDecoder().decode(this.#buffer);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        this.#buffer = this.#buffer.subarray(new TextEncoder().encode(text.slice(0, end + 4)).length);
        return text.slice(0, end);
      }
      if (!await this.#fill()) throw new Error("closed during the handshake");
    }
  }

  /** One whole frame from the buffer, or undefined when more bytes are needed. */
  #takeFrame(): { opcode: number; payload: Uint8Array } | undefined {
    const b = this.#buffer;
    if (b.length < 2) return undefined;
    let len = b[1] & 0x7f;
    let at = 2;
    if (len === 126) {
      if (b.length < 4) return undefined;
      len = (b[2] << 8) | b[3];
      at = 4;
    } else if (len === 127) {
      if (b.length < 10) return undefined;
      len = Number(new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0));
      at = 10;
    }
    if (b.length < at + len) return undefined;
    this.#buffer = b.subarray(at + len);
    return { opcode: b[0] & 0x0f, payload: b.subarray(at, at + len) };
  }

  /** Reads frames until one matches (answering the server's engine.io pings meanwhile). */
  async readUntil(match: (frame: string) => boolean): Promise<string> {
    while (true) {
      let frame;
      while ((frame = this.#takeFrame())) {
        if (frame.opcode !== 1) continue;
        const text = new TextDecoder().decode(frame.payload);
        this.frames.push(text);
        if (text === "2") await this.send("3");
        if (match(text)) return text;
      }
      if (!await this.#fill()) throw new Error("the portal closed the connection");
    }
  }

  /** Reads everything in the background from now on (until `pause`). */
  resume(): void {
    this.#paused = false;
    this.#reading ??= this.readUntil(() => this.#paused).then(() => {}, () => {});
  }

  /** Sends a text frame, masked as a client must. */
  async send(text: string): Promise<void> {
    const payload = new TextEncoder().encode(text);
    const mask = crypto.getRandomValues(new Uint8Array(4));
    const head = payload.length < 126
      ? [0x81, 0x80 | payload.length]
      : [0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff];
    const frame = new Uint8Array(head.length + 4 + payload.length);
    frame.set(head);
    frame.set(mask, head.length);
    for (let i = 0; i < payload.length; i++) frame[head.length + 4 + i] = payload[i] ^ mask[i % 4];
    await this.conn.write(frame);
  }

  close(): void {
    this.#paused = true;
    try {
      this.conn.close();
    } catch {
      // closed already
    }
  }
}

Deno.test("slow consumers: a stalled Socket.IO client stays bounded and misses pushes; the CSMS keeps answering", async () => {
  const sys = await startSystem();
  const admin = await sys.login();
  const flood = await TestCharger.connect(sys.csms.url, "CP-FLOOD");
  const other = await TestCharger.connect(sys.csms.url, "CP-OTHER");
  let stalled: RawSocketIoClient | undefined;
  let stop = false;
  let flooding: Promise<void> | undefined;
  try {
    assert.equal((await flood.boot()).status, "Accepted");
    assert.equal((await other.boot()).status, "Accepted");

    // The slow browser: it watches the flooding charger in detail, reads its snapshot, then nothing more.
    stalled = await RawSocketIoClient.connect(sys.web.url, admin.cookie, { chargerId: "CP-FLOOD" });
    await stalled.readUntil((f) => f.startsWith('42["charger:snapshot"'));

    // The flood: frames each answered before the next (as OCPP has it), as fast as the CSMS answers. (Under
    // 1 kB: larger ones from Deno's WebSocket client meet Nagle's algorithm and delayed ACKs, 40 ms each.)
    let answered = 0;
    flooding = (async () => {
      const data = "x".repeat(500);
      while (!stop) {
        const answer = await flood.session.call("DataTransfer", { vendorId: "org.flood", data });
        assert.equal(answer.status, "UnknownVendorId");
        answered++;
      }
    })();

    const samples: Json[] = [];
    const stats = async () => {
      const res = await admin.json("GET", "/api/v1/stats");
      assert.equal(res.status, 200);
      samples.push(res.body.socketio);
      return res.body.socketio;
    };
    // Until the kernel's socket buffers fill, the portal's queue can fill for a moment and drain again (an
    // episode that starts and recovers at once); what counts is the client listed as behind once they are.
    const first = await waitFor(
      async () => {
        const s = await stats();
        return s.behind.some((c: Json) => c.dropped > 0) && s;
      },
      () => `the stalled client listed as behind; the flood has had ${answered} answers`,
      120_000,
    );
    assert.ok(first.episodes.started >= 1, JSON.stringify(first));
    assert.ok(first.dropped.chargerEvents > 0, JSON.stringify(first));
    const behind = first.behind.find((c: Json) => c.dropped > 0);
    assert.equal(behind.user, "admin");

    // Meanwhile the CSMS answers another charger, call after call, and the flood goes on too.
    const answeredBefore = answered;
    for (let i = 0; i < 20; i++) {
      const beat = await other.session.call("Heartbeat", {});
      assert.ok(!Number.isNaN(Date.parse(beat.currentTime)));
    }
    await waitFor(() => answered > answeredBefore + 20, "the flood to be answered on");

    // What is dropped keeps rising while the client does not read.
    const later = await waitFor(async () => {
      const s = await stats();
      return s.dropped.chargerEvents > first.dropped.chargerEvents + 100 && s;
    }, "more pushes dropped");

    // Bounded: no client ever had more queued than the bound, and the stalled one did reach it (frames of a
    // few kB: the packet bound comes before the byte bound).
    for (const s of samples) {
      assert.ok(s.maxBuffered.packets <= s.limits.packets, JSON.stringify(s));
      for (const c of s.behind) assert.ok(c.packets <= s.limits.packets, JSON.stringify(c));
    }
    assert.equal(later.maxBuffered.packets, later.limits.packets);
    assert.ok(later.maxBuffered.bytes < later.limits.bytes, JSON.stringify(later.maxBuffered));

    // The client reads again: it is sent what it missed as fresh state (a new snapshot of its charger).
    stop = true;
    await flooding;
    const framesBefore = stalled.frames.length;
    stalled.resume();
    await waitFor(
      () => stalled!.frames.slice(framesBefore).some((f) => f.startsWith('42["charger:snapshot"')),
      "a fresh charger snapshot once the client reads again",
    );
    const recovered = await waitFor(async () => {
      const s = await stats();
      return s.episodes.recovered >= later.episodes.started && s.behind.every((c: Json) => c.dropped === 0) &&
        s;
    }, "the client to count as caught up");
    assert.ok(recovered.dropped.total >= later.dropped.total);
    console.log(
      `slow consumer: ${answered} flood CALLs answered; bound ${JSON.stringify(later.limits)}; most queued ` +
        `${JSON.stringify(later.maxBuffered)}; dropped ${JSON.stringify(recovered.dropped)}; ` +
        `episodes ${JSON.stringify(recovered.episodes)}`,
    );
  } finally {
    stop = true;
    await flooding?.catch(() => {});
    stalled?.close();
    await flood.close();
    await other.close();
    await sys.close();
  }
});

Deno.test("slow consumers: a client that reads gets every event of the same flood, and nothing is dropped", async () => {
  const sys = await startSystem();
  const admin = await sys.login();
  const flood = await TestCharger.connect(sys.csms.url, "CP-FLOOD");
  const socket = admin.socket({ auth: { chargerId: "CP-FLOOD" } });
  try {
    assert.equal((await flood.boot()).status, "Accepted");
    let frames = 0;
    socket.on("charger:event", (e) => {
      if (e.type === "ocpp.frame" && e.action === "DataTransfer") frames++;
    });
    await new Promise((resolve) => socket.once("charger:snapshot", resolve));
    const calls = 3000;
    const data = "x".repeat(500);
    // The reader is this process, on a machine other tests share: if it were starved of CPU it would fall
    // behind and, by design, miss pushes. So the flood stays at most half the portal's bound (128 packets)
    // ahead of what the reader has got: what is tested is that a client that keeps reading loses nothing.
    const window = 32;
    for (let i = 0; i < calls; i++) {
      if (2 * i - frames > 2 * window) {
        // Bounded: a frame that never arrives fails the test here, with the count, instead of hanging it.
        await waitFor(
          () => 2 * i - frames <= 2 * window,
          () => `frames of call ${i - window}; got ${frames}`,
        );
      }
      assert.equal(
        (await flood.session.call("DataTransfer", { vendorId: "org.flood", data })).status,
        "UnknownVendorId",
      );
    }
    // Each CALL is two frames: the charger's CALL in, the CSMS's answer out.
    await waitFor(() => frames === 2 * calls, () => `${2 * calls} frames; got ${frames}`);
    const { socketio } = (await admin.json("GET", "/api/v1/stats")).body;
    assert.equal(socketio.dropped.total, 0, JSON.stringify(socketio));
    assert.equal(socketio.episodes.started, 0);
    assert.ok(socketio.maxBuffered.packets < socketio.limits.packets, JSON.stringify(socketio.maxBuffered));
    console.log(
      `reading client: ${frames} frames received, most queued ${JSON.stringify(socketio.maxBuffered)}`,
    );
  } finally {
    socket.disconnect();
    await flood.close();
    await sys.close();
  }
});
