// The least an activity must hold before the Bot Framework adapter sees it. botbuilder throws deep inside a turn on
// a body without a type, conversation or serviceUrl, which would surface as a 500; this answers 400 and says why.

export function activityShapeProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body is not a JSON object';
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || activity.type === '') return 'the activity has no type';
  const conversation = activity.conversation as Record<string, unknown> | undefined;
  if (typeof conversation !== 'object' || conversation === null || typeof conversation.id !== 'string') return 'the activity has no conversation id';
  if (typeof activity.serviceUrl !== 'string' || !URL.canParse(activity.serviceUrl)) return 'the activity has no valid serviceUrl';
  const from = activity.from as Record<string, unknown> | undefined;
  if (typeof from !== 'object' || from === null || typeof from.id !== 'string') return 'the activity has no sender';
  return undefined;
}
