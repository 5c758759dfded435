import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SleuthError } from '../../../src/common/errors.js';
import {
  cosine,
  createHashingEmbedder,
  createLocalEmbedder,
  normalizeVector,
} from '../../../src/knowledge/embeddings.js';

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('normalizeVector and cosine', () => {
  it('scales to unit length and leaves a zero vector alone', () => {
    expect(normalizeVector([3, 4])).toEqual([0.6, 0.8]);
    expect(normalizeVector([0, 0])).toEqual([0, 0]);
  });

  it.each([
    [[1, 0], [1, 0], 1],
    [[1, 0], [0, 1], 0],
    [[1, 0], [-2, 0], -1],
    [[1, 1], [2, 2], 1],
    [[0, 0], [1, 0], 0],
  ])('cosine(%j, %j) = %d', (a, b, expected) => {
    expect(cosine(a, b)).toBeCloseTo(expected, 10);
  });
});

describe('createHashingEmbedder', () => {
  const embedder = createHashingEmbedder(256);

  it('names its model and dimension', () => {
    expect(embedder.id).toBe('hashing-256');
    expect(embedder.dimension).toBe(256);
    expect(createHashingEmbedder(64).id).toBe('hashing-64');
  });

  it('is deterministic across calls and instances', async () => {
    const texts = ['revenue by country last month', 'new signups per week'];
    const a = await embedder.embed(texts);
    const b = await createHashingEmbedder(256).embed(texts);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(a[1]);
  });

  it('returns one unit vector of the dimension per text, in order', async () => {
    const texts = ['revenue', 'orders by status', 'How many customers signed up in Q3?'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toHaveLength(256);
      expect(norm(v)).toBeCloseTo(1, 10);
    }
    expect((await embedder.embed([texts[1]!]))[0]).toEqual(vectors[1]);
  });

  it('returns a zero vector for a text without words', async () => {
    const [v] = await embedder.embed(['?!']);
    expect(v?.every((x) => x === 0)).toBe(true);
  });

  it('places similar texts closer than unrelated ones', async () => {
    const [query, similar, unrelated] = await embedder.embed([
      'total revenue by country last month',
      'revenue by country for last month',
      'open support tickets assigned to agents',
    ]);
    expect(cosine(query!, similar!)).toBeGreaterThan(0.6);
    expect(cosine(query!, similar!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.3);
  });

  it('stems words, so plural and singular embed alike', async () => {
    const [a, b] = await embedder.embed(['products shipped', 'product shipped']);
    expect(cosine(a!, b!)).toBeCloseTo(1, 10);
  });
});

describe('createLocalEmbedder', () => {
  const modelDir = mkdtempSync(join(tmpdir(), 'sleuth-embeddings-'));
  afterAll(() => rmSync(modelDir, { recursive: true, force: true }));

  interface FakeCall {
    texts: string[];
    options: unknown;
  }
  function fakeTransformers(options: { dimension?: number; failPipeline?: Error } = {}) {
    const dimension = options.dimension ?? 4;
    const calls: FakeCall[] = [];
    const pipelineCalls: [string, string][] = [];
    const env = { localModelPath: '', allowRemoteModels: true, allowLocalModels: false };
    const module = {
      env,
      async pipeline(task: string, model: string) {
        pipelineCalls.push([task, model]);
        if (options.failPipeline) throw options.failPipeline;
        return async (texts: string[], opts: unknown) => {
          calls.push({ texts, options: opts });
          const vectors = texts.map((t) => Array.from({ length: dimension }, (_v, i) => t.length + i));
          return { tolist: () => vectors, dims: [texts.length, dimension] };
        };
      },
    };
    return { module, env, calls, pipelineCalls };
  }

  async function expectUnavailable(promise: Promise<unknown>, message: RegExp): Promise<SleuthError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SleuthError);
    expect(error).toMatchObject({ code: 'EMBEDDINGS_UNAVAILABLE', fault: 'user' });
    expect((error as Error).message).toMatch(message);
    return error as SleuthError;
  }

  it('reports EMBEDDINGS_UNAVAILABLE when the model directory is missing, without importing the package', async () => {
    let imported = 0;
    const embedder = createLocalEmbedder({
      modelDir: join(modelDir, 'does-not-exist'),
      model: 'Xenova/bge-small-en-v1.5',
      importTransformers: async () => {
        imported++;
        return fakeTransformers().module;
      },
    });
    await expectUnavailable(embedder.embed(['x']), /does-not-exist.*does not exist/);
    await expectUnavailable(embedder.load(), /SLEUTH_EMBEDDINGS_DIR/);
    expect(imported).toBe(0);
  });

  it('reports EMBEDDINGS_UNAVAILABLE naming @huggingface/transformers when the package cannot be imported', async () => {
    const cause = new Error("Cannot find package '@huggingface/transformers'");
    let attempts = 0;
    const embedder = createLocalEmbedder({
      modelDir,
      model: 'Xenova/bge-small-en-v1.5',
      importTransformers: () => {
        attempts++;
        return Promise.reject(cause);
      },
    });
    const error = await expectUnavailable(embedder.load(), /@huggingface\/transformers/);
    expect(error.cause).toBe(cause);
    // a failed load is not cached: the next use tries again
    await expectUnavailable(embedder.embed(['x']), /@huggingface\/transformers/);
    expect(attempts).toBe(2);
  });

  it('reports EMBEDDINGS_UNAVAILABLE naming the model when the pipeline cannot load it', async () => {
    const fake = fakeTransformers({ failPipeline: new Error('model.onnx not found') });
    const embedder = createLocalEmbedder({
      modelDir,
      model: 'Xenova/missing-model',
      importTransformers: async () => fake.module,
    });
    await expectUnavailable(embedder.load(), /Xenova\/missing-model.*model\.onnx not found/);
  });

  it('configures transformers for local models only, loads once and learns the dimension', async () => {
    const fake = fakeTransformers({ dimension: 384 });
    let imported = 0;
    const embedder = createLocalEmbedder({
      modelDir,
      model: 'Xenova/bge-small-en-v1.5',
      importTransformers: async () => {
        imported++;
        return fake.module;
      },
    });
    expect(embedder.id).toBe('local:Xenova/bge-small-en-v1.5');
    expect(embedder.dimension).toBe(0);
    await embedder.load();
    expect(fake.env).toEqual({ localModelPath: modelDir, allowRemoteModels: false, allowLocalModels: true });
    expect(fake.pipelineCalls).toEqual([['feature-extraction', 'Xenova/bge-small-en-v1.5']]);
    expect(embedder.dimension).toBe(384);
    await embedder.embed(['a']);
    await embedder.embed(['b']);
    expect(imported).toBe(1);
    expect(fake.pipelineCalls).toHaveLength(1);
  });

  it.each([
    [70, 32, [32, 32, 6]],
    [64, 32, [32, 32]],
    [5, undefined, [5]],
    [70, 50, [50, 20]],
  ])('embeds %i texts in batches of %s: %j', async (count, batchSize, sizes) => {
    const fake = fakeTransformers();
    const embedder = createLocalEmbedder({
      modelDir,
      model: 'm',
      ...(batchSize === undefined ? {} : { batchSize }),
      importTransformers: async () => fake.module,
    });
    const texts = Array.from({ length: count }, (_v, i) => 'x'.repeat(i + 1));
    const vectors = await embedder.embed(texts);
    const batches = fake.calls.slice(1); // the first call is the load-time probe
    expect(fake.calls[0]?.texts).toEqual(['probe']);
    expect(batches.map((c) => c.texts.length)).toEqual(sizes);
    expect(batches.flatMap((c) => c.texts)).toEqual(texts);
    for (const call of fake.calls) expect(call.options).toEqual({ pooling: 'mean', normalize: true });
    // one vector per text, in input order
    expect(vectors.map((v) => v[0])).toEqual(texts.map((t) => t.length));
  });
});
