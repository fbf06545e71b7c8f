// The push event stream: the service emits, each transport (IPC, SSE) subscribes.
import type { ApiEvent, ApiEventName, ApiEvents } from '../../../shared/api.js';

export class EventHub {
  private listeners = new Set<(event: ApiEvent) => void>();

  emit<E extends ApiEventName>(name: E, payload: ApiEvents[E]): void {
    for (const listener of this.listeners) listener({ name, payload } as ApiEvent);
  }

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
