import { expect } from 'vitest';
import { ConfigError } from '../../src/common/errors.js';

/** The problems of the ConfigError that `fn` throws (fails the test when it throws something else, or nothing). */
export function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}
