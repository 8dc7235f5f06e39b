/** Runs at most `concurrency` tasks at a time; the others wait in order. */
export function limiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the first waiter.
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      const wake = waiting.shift();
      if (wake === undefined) running -= 1;
      else wake();
    }
  };
}

/** `work` over every element, at most `concurrency` at a time; results in input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const run = limiter(concurrency);
  return Promise.all(items.map((item, index) => run(() => work(item, index))));
}
