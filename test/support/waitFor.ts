/**
 * Polls a condition of the test's own stand-ins (what a simulator or a child process did) until it holds, or fails
 * naming what never happened. For state the test cannot be told about by an event.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, deadlineMs = 30_000): Promise<void> {
  const giveUp = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
