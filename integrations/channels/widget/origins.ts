/**
 * Who may embed the widget: pages on this server, and the origins in WIDGET_ALLOWED_ORIGINS
 * ("*" for anyone). Checked for CORS and for the WebSocket handshake, where browsers always send
 * Origin; a client that sends none (a server, a test) is not a page and is let through.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (!origin) return true;
  if (allowed.includes('*')) return true;
  const o = origin.replace(/\/+$/, '');
  if (allowed.includes(o)) return true;
  try {
    return host !== undefined && new URL(o).host === host;
  } catch {
    return false;
  }
}

/** A sliding one-minute window of events per key (a conversation): in memory, per instance. */
export class PerMinute {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly max: number) {}

  allow(key: string, now = Date.now()): boolean {
    if (this.max <= 0) return true;
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.max) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 100_000)
      for (const [k, v] of this.hits) if (!v.some((t) => now - t < 60_000)) this.hits.delete(k);
    return true;
  }
}
