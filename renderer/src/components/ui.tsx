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

type Toast = { id: number; text: string };
let pushToast: (text: string) => void = () => {};
export const toast = (text: string) => pushToast(text);

export function Toasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    let id = 0;
    pushToast = (text) => {
      const t = { id: ++id, text };
      setToasts((list) => [...list, t]);
      setTimeout(() => setToasts((list) => list.filter((x) => x.id !== t.id)), 2600);
    };
  }, []);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className="toast">
          {t.text}
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
