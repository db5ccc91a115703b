import type { PlayPromptRequest, SubscribeToToneRequest } from './graphTypes.js';

/**
 * An audio file Graph can play: where it downloads it, and the key it caches it under (mediaInfo's resourceId), when
 * the file is one that changes only together with its key.
 */
export interface PromptMedia {
  uri: string;
  resourceId?: string;
}

/** `playPrompt` with one audio file (Graph's call-playprompt example); Graph downloads it from `uri` to play it. */
export function playPromptRequest(input: PromptMedia & { clientContext: string }): PlayPromptRequest {
  const { uri, resourceId, clientContext } = input;
  return {
    clientContext,
    prompts: [
      {
        '@odata.type': '#microsoft.graph.mediaPrompt',
        mediaInfo: { '@odata.type': '#microsoft.graph.mediaInfo', uri, ...(resourceId === undefined ? {} : { resourceId }) },
      },
    ],
  };
}

export function subscribeToToneRequest(clientContext: string): SubscribeToToneRequest {
  return { clientContext };
}
