import { isoDate, truncateToUtcDate } from './timeline.js';

/** Bump when the generated data changes shape or content, so cached demo files are rebuilt. */
export const DEMO_DATA_VERSION = 1;
export const DEFAULT_DEMO_SEED = 42;
export const DEFAULT_DEMO_SCALE = 1;
export const DEMO_META_TABLE = 'sleuth_demo_meta';

export interface DemoOptions {
  /** PRNG seed; default 42. */
  seed?: number;
  /** Multiplies customers, orders, items and tickets; default 1 (about 110k rows). 10 and 100 work. */
  scale?: number;
  /** "Now" for the data: history ends the day before this date (UTC). Default: the current date. */
  anchor?: Date;
}

export interface ResolvedDemoOptions {
  readonly seed: number;
  readonly scale: number;
  readonly anchor: Date;
  readonly anchorDate: string;
}

export function resolveDemoOptions(options: DemoOptions = {}): ResolvedDemoOptions {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const scale = options.scale ?? DEFAULT_DEMO_SCALE;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`The demo seed must be an integer (got ${seed}).`);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1000) {
    throw new RangeError(`The demo scale must be a number above 0 and at most 1000 (got ${scale}).`);
  }
  const anchor = truncateToUtcDate(options.anchor ?? new Date());
  return { seed, scale, anchor, anchorDate: isoDate(anchor) };
}

/** Identifies a generated dataset: `seed:scale:anchorDate:version`. Equal fingerprints mean identical data. */
export function demoFingerprint(options: DemoOptions): string {
  const resolved = resolveDemoOptions(options);
  return `${resolved.seed}:${resolved.scale}:${resolved.anchorDate}:${DEMO_DATA_VERSION}`;
}

/** Rows of the meta table every loader writes. */
export function demoMetaRows(options: DemoOptions): [string, string][] {
  const resolved = resolveDemoOptions(options);
  return [
    ['seed', String(resolved.seed)],
    ['scale', String(resolved.scale)],
    ['anchor', resolved.anchorDate],
    ['version', String(DEMO_DATA_VERSION)],
    ['fingerprint', demoFingerprint(resolved)],
  ];
}
