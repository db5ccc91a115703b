import type { PlayPromptRequest, SubscribeToToneRequest } from './graphTypes.js';

/** `playPrompt` with one audio file (Graph's call-playprompt example); Graph downloads it from `uri` to play it. */
export function playPromptRequest(input: { uri: string; clientContext: string }): PlayPromptRequest {
  return {
    clientContext: input.clientContext,
    prompts: [{ '@odata.type': '#microsoft.graph.mediaPrompt', mediaInfo: { '@odata.type': '#microsoft.graph.mediaInfo', uri: input.uri } }],
  };
}

export function subscribeToToneRequest(clientContext: string): SubscribeToToneRequest {
  return { clientContext };
}
