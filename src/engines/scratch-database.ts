/**
 * Run `work` against a throw-away database made by `create`, removed by `drop`
 * afterwards whatever happens. When both fail, the work's error is the one
 * reported: it is the cause; a failed clean-up after it is a consequence.
 */
export async function withScratchDatabase<T>(
  create: () => Promise<string>,
  drop: (name: string) => Promise<void>,
  work: (name: string) => Promise<T>,
): Promise<T> {
  const scratch = await create();
  let failed = false;
  try {
    return await work(scratch);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await drop(scratch).catch((error: unknown) => {
      if (!failed) throw error;
    });
  }
}
