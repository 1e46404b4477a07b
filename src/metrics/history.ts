/**
 * A fixed-size ring of resource samples per server (CPU, memory, ping latency), for graphs and the
 * API's detail route. Typed arrays keep it small: 16 bytes a point, allocated on a server's first sample.
 * Times are kept to a tenth of a second and figures as 32-bit floats: plenty for a graph.
 */

const TIME_STEP_MS = 100;

export interface HistorySeries {
  at: number[];
  cpuPercent: number[];
  memoryBytes: number[];
  /** NaN-free: a point without a ping answer yet is null. */
  pingMs: (number | null)[];
}

class Ring {
  /** Tenths of a second since `base`, signed: the wall clock may step back. */
  private readonly at: Int32Array;
  private readonly cpu: Float32Array;
  private readonly memory: Float32Array;
  private readonly ping: Float32Array;
  private next = 0;
  private size = 0;

  constructor(
    private readonly capacity: number,
    private readonly base: number,
  ) {
    this.at = new Int32Array(capacity);
    this.cpu = new Float32Array(capacity);
    this.memory = new Float32Array(capacity);
    this.ping = new Float32Array(capacity);
  }

  push(at: number, cpuPercent: number, memoryBytes: number, pingMs: number | null): void {
    this.at[this.next] = Math.round((at - this.base) / TIME_STEP_MS);
    this.cpu[this.next] = cpuPercent;
    this.memory[this.next] = memoryBytes;
    this.ping[this.next] = pingMs ?? Number.NaN;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  series(limit: number): HistorySeries {
    const count = Math.min(limit, this.size);
    const out: HistorySeries = { at: [], cpuPercent: [], memoryBytes: [], pingMs: [] };
    for (let i = this.size - count; i < this.size; i += 1) {
      const index = (this.next - this.size + i + this.capacity) % this.capacity;
      out.at.push(this.base + this.at[index]! * TIME_STEP_MS);
      out.cpuPercent.push(Math.round(this.cpu[index]! * 10) / 10);
      out.memoryBytes.push(this.memory[index]!);
      const ping = this.ping[index]!;
      out.pingMs.push(Number.isNaN(ping) ? null : Math.round(ping * 100) / 100);
    }
    return out;
  }
}

export class ResourceHistory {
  private readonly rings = new Map<string, Ring>();

  /** `capacity` points per server: an hour at the default 2 s sampling is 1,800. */
  constructor(readonly capacity: number) {}

  record(server: string, at: number, sample: { cpuPercent: number; memoryBytes: number }, pingMs: number | null): void {
    let ring = this.rings.get(server);
    if (!ring) {
      ring = new Ring(this.capacity, at);
      this.rings.set(server, ring);
    }
    ring.push(at, sample.cpuPercent, sample.memoryBytes, pingMs);
  }

  /** A server that is no longer a member takes its history with it. */
  forget(server: string): void {
    this.rings.delete(server);
  }

  series(server: string, limit = this.capacity): HistorySeries {
    return this.rings.get(server)?.series(limit) ?? { at: [], cpuPercent: [], memoryBytes: [], pingMs: [] };
  }

  /** Bytes held by the rings, for the README's memory statement and the benchmark. */
  static bytesPerServer(capacity: number): number {
    return capacity * (4 + 4 + 4 + 4);
  }
}
