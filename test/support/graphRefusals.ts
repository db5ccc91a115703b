// Graph's failures as the Graph layer reports them, for suites that make Graph fail without an HTTP server.
import { CallingApiError } from '../../src/calling/errors.js';
import { sentence } from '../../src/i18n/sentence.js';

/** A create or invite whose answer never came within `seconds`: it may have gone through. */
export function noAnswerWithin(seconds: number): CallingApiError {
  return new CallingApiError('graphTimeout', sentence('graph.timeout.mayHaveGoneThrough', { seconds }), { status: 0 }, {
    uncertain: true,
    clause: sentence('graph.clause.timeout', { seconds }),
  });
}

/** Graph's 403 for an application permission Rally lacks. */
export function missingPermission(permission: string, code = 'graphForbidden'): CallingApiError {
  return new CallingApiError(code, sentence('graph.missingPermission', { permission }), { status: 403 });
}
