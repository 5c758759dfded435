import type { z } from 'zod';

/** The candidate closest to `key` within `maxDistance` edits (exclusive), or undefined. */
export function closest(key: string, candidates: readonly string[], maxDistance = 4): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance;
  for (const candidate of candidates) {
    const d = editDistance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
}

/**
 * The keys an object schema accepts at `path` (as a zod issue reports it), looking through optional/nullable/default
 * wrappers, records, arrays and unions; empty when the path does not lead to an object.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const objects = objectsAt(schema, path, 0);
  return [...new Set(objects.flatMap((shape) => Object.keys(shape)))];
}

function objectsAt(schema: z.ZodType, path: readonly PropertyKey[], depth: number): Record<string, z.ZodType>[] {
  if (depth > 32) return [];
  const def = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  const inner = def.innerType ?? def.in;
  if (inner) return objectsAt(inner, path, depth + 1);
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => objectsAt(o, path, depth + 1));
  if (path.length === 0) return def.type === 'object' && def.shape ? [def.shape] : [];
  const [head, ...rest] = path;
  if (def.type === 'object' && def.shape) {
    const next = def.shape[String(head)];
    return next ? objectsAt(next, rest, depth + 1) : [];
  }
  if (def.type === 'record' && def.valueType) return objectsAt(def.valueType, rest, depth + 1);
  if (def.type === 'array' && def.element) return objectsAt(def.element, rest, depth + 1);
  return [];
}
