// The one door into the service for both transports: unknown methods are refused, every argument is parsed
// with the contract's schema, and errors come back as values so they cross IPC and HTTP intact.
import { isApiMethod, type ApiResponse, type Handlers } from '../../../shared/api.js';
import { argSchemas } from '../../../shared/schemas.js';
import { ReadOnlyError, StoreUnavailableError } from '../store/store.js';
import { NotFoundError } from './evidence.js';

export class BusyError extends Error {}
/** An argument that passes the schema but not a check that needs the disk or the settings (paths). */
export class InvalidArgumentError extends Error {}

export async function dispatch(handlers: Handlers, method: unknown, args: unknown): Promise<ApiResponse<unknown>> {
  if (!isApiMethod(method)) return { ok: false, error: { code: 'unknown-method', message: `no API method ${String(method)}` } };
  const parsed = argSchemas[method].safeParse(args ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, error: { code: 'invalid-argument', message: `${method}: ${where}${issue?.message ?? 'invalid argument'}` } };
  }
  try {
    const handler = handlers[method] as (a: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code =
      error instanceof NotFoundError
        ? 'not-found'
        : error instanceof BusyError
          ? 'busy'
          : error instanceof InvalidArgumentError
            ? 'invalid-argument'
            : error instanceof ReadOnlyError
              ? 'read-only'
              : error instanceof StoreUnavailableError
                ? 'unavailable'
                : 'failed';
    return { ok: false, error: { code, message } };
  }
}
