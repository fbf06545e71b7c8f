// The typed client of the API contract: window.paydesk (the Electron preload's closed facade) when present,
// else browser mode's HTTP transport with the launch token.
import { API_METHODS, type ApiBridge, type ApiClient, type ApiEvent, type ApiEventName, type ApiEvents, type ApiMethod, type ApiResponse } from '../../shared/api.js';

declare global {
  interface Window {
    paydesk?: ApiBridge;
  }
}

export class ApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const TOKEN_KEY = 'paydesk-token';

/**
 * The token arrives once in the URL fragment; it is kept for this tab only and removed from the address bar. The
 * rest of the fragment is the screen to open (`#token=…&/account/acct_1`, `#/duplicates?decision=open&token=…`),
 * which App.tsx parses strictly (shared/links.ts).
 */
function takeToken(): string {
  const hash = window.location.hash;
  const match = /([#&?])token=([A-Za-z0-9_-]+)(&?)/.exec(hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, match[2]);
    const [word, before, , after] = match;
    const rest = hash.slice(0, match.index) + (before === '#' ? '#' : after ? before : '') + hash.slice(match.index + word.length);
    history.replaceState(null, '', window.location.pathname + window.location.search + (rest === '#' ? '#/' : rest));
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function httpBridge(): ApiBridge {
  const token = takeToken();
  const headers = { 'content-type': 'application/json', 'x-paydesk-token': token };
  return {
    async invoke(method, args) {
      const res = await fetch(`/api/call/${method}`, { method: 'POST', headers, body: JSON.stringify(args ?? {}) });
      if (!res.ok) return { ok: false, error: { code: 'failed', message: `${res.status} ${(await res.text()).trim()}` } };
      return (await res.json()) as ApiResponse<unknown>;
    },
    on(listener) {
      const controller = new AbortController();
      // fetch rather than EventSource, so the token travels in a header and never in a URL.
      const connect = async () => {
        while (!controller.signal.aborted) {
          try {
            const res = await fetch('/api/events', { headers: { 'x-paydesk-token': token }, signal: controller.signal });
            if (!res.body) throw new Error('no event stream');
            const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
            let buffer = '';
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              buffer += value;
              let end: number;
              while ((end = buffer.indexOf('\n\n')) >= 0) {
                const frame = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
                if (data) listener(JSON.parse(data) as ApiEvent);
              }
            }
          } catch {
            // reconnect below
          }
          if (!controller.signal.aborted) await new Promise((r) => setTimeout(r, 1000));
        }
      };
      void connect();
      return () => controller.abort();
    },
  };
}

const bridge: ApiBridge = window.paydesk ?? httpBridge();
export const transport: 'desktop' | 'browser' = window.paydesk ? 'desktop' : 'browser';

const listeners = new Map<ApiEventName, Set<(payload: never) => void>>();
bridge.on((event) => {
  for (const listener of listeners.get(event.name) ?? []) (listener as (p: unknown) => void)(event.payload);
});

const methods = Object.fromEntries(
  API_METHODS.map((method: ApiMethod) => [
    method,
    async (args: unknown) => {
      const response = await bridge.invoke(method, args);
      if (!response.ok) throw new ApiError(response.error.code, response.error.message);
      return response.value;
    },
  ]),
);

export const api = {
  ...methods,
  on<E extends ApiEventName>(name: E, listener: (payload: ApiEvents[E]) => void) {
    const set = listeners.get(name) ?? new Set();
    set.add(listener as (payload: never) => void);
    listeners.set(name, set);
    return () => void set.delete(listener as (payload: never) => void);
  },
} as ApiClient;
