// Whether an object can still be reached, asked of the real garbage collector: the way to test that code lets go of a
// large value (a parsed notification body) while it waits, which no assertion on the code's own state can show.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// The test runner starts without --expose-gc; the flag takes effect for contexts made after it is set.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** True once a full collection has freed `ref`'s object. */
export async function collected(ref: WeakRef<object>): Promise<boolean> {
  // A WeakRef keeps its object alive until the end of the job that made or read it: collect from a later one.
  await new Promise<void>((resolve) => setImmediate(resolve));
  gc();
  return ref.deref() === undefined;
}
