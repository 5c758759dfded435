/**
 * Long-lived responses (SSE streams, WebSockets) are tracked so shutdown can end them: each registers how to close
 * itself, and `closeAll` runs them all (SSE ends the response, a WebSocket closes with 1001 "going away").
 */
export interface StreamTracker {
  add(close: () => void): () => void;
  readonly size: number;
  closeAll(): void;
}

export function createStreamTracker(): StreamTracker {
  const open = new Set<() => void>();
  return {
    add(close) {
      open.add(close);
      return () => {
        open.delete(close);
      };
    },
    get size() {
      return open.size;
    },
    closeAll() {
      for (const close of [...open]) {
        try {
          close();
        } catch {
          // closing one stream must not keep the others open
        }
      }
      open.clear();
    },
  };
}
