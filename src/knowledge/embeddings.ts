/**
 * Embedders: text -> unit vectors. The local model adapter runs `@huggingface/transformers` feature extraction on a
 * model directory (no network: remote models are disabled), loaded lazily on first use and batched. The package is
 * optional (it brings ~470 MB of ONNX runtime); when it or the model is missing, `createLocalEmbedder` reports
 * unavailable and the knowledge base runs lexical-only retrieval. The hashing embedder is deterministic and
 * dependency-free: tests and benchmarks use it to exercise the vector path.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { UserError } from '../common/errors.js';
import { basicWords, stem } from './text.js';

export interface Embedder {
  /** Identifies model and dimension; vectors from different ids are never mixed (a change re-indexes). */
  readonly id: string;
  readonly dimension: number;
  embed(texts: readonly string[]): Promise<number[][]>;
}

export function normalizeVector(vector: number[]): number[] {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Feature hashing of stemmed words and word bigrams into `dimension` buckets, L2-normalised. */
export function createHashingEmbedder(dimension = 256): Embedder {
  const bucket = (feature: string): [number, number] => {
    const digest = createHash('sha1').update(feature).digest();
    return [digest.readUInt32BE(0) % dimension, digest[4] !== undefined && digest[4] & 1 ? 1 : -1];
  };
  return {
    id: `hashing-${dimension}`,
    dimension,
    async embed(texts) {
      return texts.map((text) => {
        const vector = new Array<number>(dimension).fill(0);
        const words = basicWords(text).map(stem);
        const features = [...words, ...words.slice(1).map((w, i) => `${words[i]}_${w}`)];
        for (const feature of features) {
          const [index, sign] = bucket(feature);
          vector[index] = (vector[index] as number) + sign;
        }
        return normalizeVector(vector);
      });
    },
  };
}

export interface LocalEmbedderOptions {
  /** Directory holding model folders (transformers.js `localModelPath`). */
  modelDir: string;
  /** Model folder name under modelDir, e.g. "Xenova/bge-small-en-v1.5" or "Xenova/all-MiniLM-L6-v2". */
  model: string;
  batchSize?: number;
  /** How the optional package is loaded (a seam for tests); defaults to a dynamic import. */
  importTransformers?: () => Promise<unknown>;
}

interface TransformersModule {
  env: { localModelPath: string; allowRemoteModels: boolean; allowLocalModels: boolean };
  pipeline(task: 'feature-extraction', model: string): Promise<FeatureExtractor>;
}
type FeatureExtractor = (
  texts: string[],
  options: { pooling: 'mean'; normalize: boolean },
) => Promise<{ tolist(): number[][]; dims: number[] }>;

/**
 * A local sentence-embedding model. Throws UserError('EMBEDDINGS_UNAVAILABLE') on first use when the package or the
 * model directory is missing; the caller decides to degrade to lexical retrieval.
 */
export function createLocalEmbedder(options: LocalEmbedderOptions): Embedder & { load(): Promise<void> } {
  let extractor: Promise<FeatureExtractor> | null = null;
  let dimension = 0;
  const batchSize = options.batchSize ?? 32;

  async function load(): Promise<FeatureExtractor> {
    if (!existsSync(options.modelDir)) {
      throw new UserError(
        'EMBEDDINGS_UNAVAILABLE',
        `The embeddings model directory ${options.modelDir} does not exist; set SLEUTH_EMBEDDINGS_DIR to a folder with ${options.model}.`,
      );
    }
    let module: TransformersModule;
    try {
      const importer = options.importTransformers ?? (() => import('@huggingface/transformers' as string));
      module = (await importer()) as TransformersModule;
    } catch (error) {
      throw new UserError(
        'EMBEDDINGS_UNAVAILABLE',
        'Local embeddings need the optional package @huggingface/transformers (npm install @huggingface/transformers).',
        { cause: error },
      );
    }
    module.env.localModelPath = options.modelDir;
    module.env.allowRemoteModels = false;
    module.env.allowLocalModels = true;
    try {
      const pipe = await module.pipeline('feature-extraction', options.model);
      const probe = await pipe(['probe'], { pooling: 'mean', normalize: true });
      dimension = probe.dims.at(-1) ?? 0;
      return pipe;
    } catch (error) {
      throw new UserError(
        'EMBEDDINGS_UNAVAILABLE',
        `Could not load the embeddings model ${options.model} from ${options.modelDir}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  const embedder = {
    id: `local:${options.model}`,
    get dimension() {
      return dimension;
    },
    async load() {
      extractor ??= load();
      try {
        await extractor;
      } catch (error) {
        extractor = null;
        throw error;
      }
    },
    async embed(texts: readonly string[]) {
      await embedder.load();
      const pipe = await (extractor as Promise<FeatureExtractor>);
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const result = await pipe(texts.slice(i, i + batchSize) as string[], { pooling: 'mean', normalize: true });
        out.push(...result.tolist());
      }
      return out;
    },
  };
  return embedder;
}
