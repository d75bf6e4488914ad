/** How numbers and times read in the portal. Pure; used on the server and in islands. */

export function formatKw(watts: number | undefined): string {
  if (watts === undefined || !Number.isFinite(watts)) return "—";
  return `${(watts / 1000).toFixed(watts >= 100_000 ? 0 : 1)} kW`;
}

export function formatKwh(wh: number | undefined): string {
  if (wh === undefined || !Number.isFinite(wh)) return "—";
  return `${(wh / 1000).toFixed(wh >= 1_000_000 ? 0 : 2)} kWh`;
}

export function formatPercent(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return "—";
  return `${p.toFixed(p >= 100 ? 0 : 1)} %`;
}

/** 75 -> "1 min 15 s", 3 h 5 min -> "3 h 05 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function durationBetween(from: string, to: string | number): string {
  const end = typeof to === "number" ? to : Date.parse(to);
  return formatDuration(end - Date.parse(from));
}

/** "12 s ago", "3 min ago", else a date. */
export function formatAgo(iso: string | undefined, now: number): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "—";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return formatDateTime(iso);
}

/** Local date and time, 24 h, to the second: "2024-05-01 14:03:07". */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${
    p(d.getMinutes())
  }:${p(d.getSeconds())}`;
}

/** Time of day with milliseconds, for the frame log. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** An audit entry's detail for people: "command: Reset · payload: {"type":"Soft"} · result: Accepted". */
export function formatDetail(detail: Record<string, unknown> | undefined): string {
  if (!detail) return "";
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}
