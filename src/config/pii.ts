import type { ModelView } from '../pii/index.js';
import type { ConfigFile } from './schema.js';

/** Personal-data settings. Masking for people is always on; what the model sees is configurable. */
export interface PiiConfig {
  /**
   * `masked` (default): query results, sample rows and column profiles reach the model with personal data masked,
   * as people see them. `raw`: the model sees the values (people still get masked output).
   */
  readonly modelView: ModelView;
}

const MODEL_VIEWS: readonly ModelView[] = ['masked', 'raw'];

export function readPiiConfig(values: Map<string, string>, file: ConfigFile, problems: string[]): PiiConfig {
  const raw = values.get('SLEUTH_PII_MODEL_VIEW');
  if (raw !== undefined && !(MODEL_VIEWS as readonly string[]).includes(raw)) {
    problems.push(`SLEUTH_PII_MODEL_VIEW must be one of ${MODEL_VIEWS.join(', ')}, got "${raw.slice(0, 40)}".`);
    return { modelView: 'masked' };
  }
  return { modelView: (raw as ModelView | undefined) ?? file.pii?.modelView ?? 'masked' };
}
