// What every chaos scenario reports, and the handle count used for "leaked".

/** One row of the chaos table. */
export interface ChaosResult {
  readonly scenario: string;
  /** Faults injected (connections killed, dead links, cycles...). */
  readonly kills: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly reordered: number;
  /** Streams or pipelines that never ended. */
  readonly hung: number;
  /** Active handles (sockets, timers) left after everything was closed, beyond the baseline. */
  readonly leaked: number;
  readonly ms: number;
  readonly extra?: Readonly<Record<string, number>>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sockets, servers and timers keeping this process alive right now. */
export function activeHandles(): number {
  const info = (process as unknown as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo?.() ?? [];
  return info.filter((kind) => kind === 'TCPWrap' || kind === 'TCPServerWrap' || kind === 'Timeout').length;
}

/** Waits up to `ms` for the handle count to come back to `baseline`; returns what is left over. */
export async function settleHandles(baseline: number, ms = 500): Promise<number> {
  const end = Date.now() + ms;
  for (;;) {
    const extra = Math.max(0, activeHandles() - baseline);
    if (extra === 0 || Date.now() > end) return extra;
    await sleep(20);
  }
}

/** The chaos table as Markdown. */
export function chaosTable(results: readonly ChaosResult[]): string {
  const rows = results.map((r) => {
    const extra = r.extra ? Object.entries(r.extra).map(([k, v]) => `${k} ${v}`).join(', ') : '';
    return `| ${r.scenario} | ${r.kills} | ${r.lost} | ${r.duplicated} | ${r.reordered} | ${r.hung} | ${r.leaked} | ${(r.ms / 1000).toFixed(1)} s | ${extra} |`;
  });
  return ['| scenario | faults | lost | duplicated | reordered | hung | leaked | time | notes |', '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}
