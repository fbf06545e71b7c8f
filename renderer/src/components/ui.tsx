// Small building blocks: states that say what to do next, copy buttons, toasts.
import { useEffect, useState, type ReactNode } from 'react';
import { words } from '../format.js';

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty" role="status">
      <div className="state-title">{title}</div>
      {children && <div className="state-body">{children}</div>}
    </div>
  );
}

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state loading" role="status" aria-busy="true">
      <span className="spinner" /> {label}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state error" role="alert">
      <div className="state-title">Something went wrong</div>
      <div className="state-body">{message}</div>
      {onRetry && (
        <button className="btn" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

type Toast = { id: number; text: string; action?: ToastAction; key?: string };
/** A toast with a button: it stays until its button or Dismiss is pressed (a keyboard user must be able to reach it). */
export interface ToastAction {
  label: string;
  run: () => void;
}
let pushToast: (text: string, options?: { action?: ToastAction; key?: string }) => void = () => {};
/** A short message; with an action, a lasting one; a toast with the same key replaces the earlier one. */
export const toast = (text: string, options?: { action?: ToastAction; key?: string }) => pushToast(text, options);

export function Toasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    let id = 0;
    pushToast = (text, options) => {
      const t: Toast = { id: ++id, text, action: options?.action, key: options?.key };
      setToasts((list) => [...list.filter((x) => !t.key || x.key !== t.key), t]);
      if (!t.action) setTimeout(() => setToasts((list) => list.filter((x) => x.id !== t.id)), 2600);
    };
  }, []);
  const close = (t: Toast) => setToasts((list) => list.filter((x) => x.id !== t.id));
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast${t.action ? ' with-action' : ''}`} data-testid={t.key ? `toast-${t.key}` : undefined}>
          <span>{t.text}</span>
          {t.action && (
            <>
              <button
                className="btn small toast-action"
                onClick={() => {
                  close(t);
                  t.action?.run();
                }}
              >
                {t.action.label}
              </button>
              <button className="btn ghost small toast-close" aria-label="Dismiss" title="Dismiss" onClick={() => close(t)}>
                ×
              </button>
            </>
          )}
        </div>
      ))}
    </div>
  );
}

export function CopyButton({ text, label = 'Copy', done = 'Copied to the clipboard', className = 'btn' }: { text: string; label?: string; done?: string; className?: string }) {
  return (
    <button
      className={className}
      onClick={(e) => {
        e.stopPropagation();
        navigator.clipboard.writeText(text).then(
          () => toast(done),
          () => toast('Could not use the clipboard: select the text and copy it instead'),
        );
      }}
    >
      {label}
    </button>
  );
}

export function Badge({ tone, children, title, wrap }: { tone: 'red' | 'amber' | 'green' | 'blue' | 'grey'; children: ReactNode; title?: string; wrap?: boolean }) {
  return (
    <span className={`badge ${tone}${wrap ? ' wrap' : ''}`} title={title}>
      {children}
    </span>
  );
}

/** Text that ends in an ellipsis when its column is too narrow; the whole text shows on hover. */
export function Clipped({ text, code }: { text: string; code?: boolean }) {
  const Tag = code ? 'code' : 'span';
  return (
    <Tag className="clipped" title={text}>
      {text}
    </Tag>
  );
}

export function downloadCsv(fileName: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const STATUS_TONE: Record<string, 'red' | 'amber' | 'green' | 'blue' | 'grey'> = {
  pending: 'amber', processing: 'amber', succeeded: 'green', partially_refunded: 'blue', refunded: 'blue', failed: 'red', canceled: 'grey', incomplete: 'grey',
};

/** A payment's status as a coloured badge. */
export const StatusBadge = ({ status }: { status: string }) => <Badge tone={STATUS_TONE[status] ?? 'grey'}>{words(status)}</Badge>;
