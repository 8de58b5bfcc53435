import { Coalescer } from '../src/coalescer';

/** A run whose batches stay open until the test lets them go. */
function gatedRun() {
  const batches: string[][] = [];
  const gates: (() => void)[] = [];
  const run = async (inputs: readonly string[]) => {
    batches.push([...inputs]);
    await new Promise<void>((release) => gates.push(release));
    return inputs.map((i) => (i.startsWith('bad') ? new Error(`refused ${i}`) : i.toUpperCase()));
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { batches, run, releaseAll };
}

describe('a coalescer', () => {
  it('sends a lone request at once, alone', async () => {
    const { batches, run, releaseAll } = gatedRun();
    const coalescer = new Coalescer(run, { maxInFlight: 1 });
    const answer = coalescer.submit('a');
    expect(batches).toEqual([['a']]);
    await releaseAll();
    await expect(answer).resolves.toBe('A');
  });

  it('runs one batch at a time unless told otherwise', async () => {
    const { batches, run, releaseAll } = gatedRun();
    const coalescer = new Coalescer(run);
    const answers = ['a', 'b', 'c'].map((x) => coalescer.submit(x));
    expect(batches).toEqual([['a']]);
    await releaseAll();
    await expect(Promise.all(answers)).resolves.toEqual(['A', 'B', 'C']);
    expect(batches).toEqual([['a'], ['b', 'c']]);
  });

  it('gathers what arrives while its statements run into the next batch', async () => {
    const { batches, run, releaseAll } = gatedRun();
    const coalescer = new Coalescer(run, { maxInFlight: 2 });
    const answers = ['a', 'b', 'c', 'd', 'e'].map((x) => coalescer.submit(x));
    expect(batches).toEqual([['a'], ['b']]);
    await releaseAll();
    await expect(Promise.all(answers)).resolves.toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(batches).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
  });

  it('keeps batches to their maximum size', async () => {
    const { batches, run, releaseAll } = gatedRun();
    const coalescer = new Coalescer(run, { maxInFlight: 1, maxBatch: 2 });
    const answers = ['a', 'b', 'c', 'd', 'e'].map((x) => coalescer.submit(x));
    await releaseAll();
    await Promise.all(answers);
    expect(batches).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('never puts two requests with one key in a batch, and keeps their order', async () => {
    const { batches, run, releaseAll } = gatedRun();
    const coalescer = new Coalescer(run, { maxInFlight: 1, key: (x: string) => x[0]! });
    const answers = ['x1', 's1', 's2', 't1', 's3'].map((x) => coalescer.submit(x));
    await releaseAll();
    await Promise.all(answers);
    expect(batches).toEqual([['x1'], ['s1', 't1'], ['s2'], ['s3']]);
  });

  it('fails only the request its run refused, and every request of a batch whose run threw', async () => {
    const { run, releaseAll } = gatedRun();
    const coalescer = new Coalescer(run, { maxInFlight: 1 });
    const answers = Promise.allSettled(['a', 'bad1', 'c'].map((x) => coalescer.submit(x)));
    await releaseAll();
    const settled = await answers;
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    let calls = 0;
    const throwing = new Coalescer(
      async (inputs: readonly string[]) => {
        calls++;
        if (calls === 2) throw new Error('connection lost');
        await new Promise((r) => setTimeout(r, 5));
        return [...inputs];
      },
      { maxInFlight: 1 },
    );
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((x) => throwing.submit(x)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    // It goes on afterwards.
    await expect(throwing.submit('d')).resolves.toBe('d');
  });
});
