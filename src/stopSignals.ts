// One Ctrl-C can reach Rally more than once: the terminal signals the whole process group, and the npm and tsx
// processes of `npm start`, which are in it, may pass it on to their child too, some 30-40 ms later (tsx does when
// Rally has not told it within 30 ms that the signal came). Those copies are the same request to stop; only a signal
// well after the first is a person asking Rally not to wait.

/** What a stop signal (SIGINT or SIGTERM) asks for. */
export type StopDecision = 'drain' | 'same request' | 'exit now';

/** How long after the first signal a repeated one is still a copy of it. */
export const SAME_REQUEST_WITHIN_MS = 1_000;

/**
 * The decision for each stop signal, in the order they arrive: the first drains, any within `sameRequestWithinMs` of
 * the first is the same request, any later one exits now. Measured from the first, so a steady stream of signals
 * cannot put off "exit now" for ever. `now` should be monotonic (a wall clock set back would read as "still a copy").
 */
export function stopSignalRule(now: () => number, sameRequestWithinMs: number = SAME_REQUEST_WITHIN_MS): () => StopDecision {
  let first: number | undefined;
  return () => {
    const at = now();
    if (first === undefined) {
      first = at;
      return 'drain';
    }
    return at - first <= sameRequestWithinMs ? 'same request' : 'exit now';
  };
}
