// The IPC door without Electron (tested under Node): the sender must be the app's own top-level page, then
// dispatch() refuses unknown methods and parses the argument with the contract's schema.
import type { ApiResponse, Handlers } from '../shared/api.js';
import { dispatch } from './core/service/dispatch.js';
import { isTrustedSender } from './hardening.js';

/** What the door reads of Electron's WebFrameMain (null once the frame is gone). */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

export async function answerInvoke(handlers: Handlers, frame: SenderFrame | null | undefined, method: unknown, args: unknown): Promise<ApiResponse<unknown>> {
  if (!frame || !isTrustedSender(frame.url, frame.parent === null)) {
    return { ok: false, error: { code: 'failed', message: 'refused: the request did not come from the app window' } };
  }
  return dispatch(handlers, method, args);
}
