// Thresholds, reviewer and as-of. A change shows how the flag counts would move before it is saved.
import { useEffect, useState } from 'react';
import type { AppInfo, AppSettings, FlagCounts } from '../../../../shared/api.js';
import type { FlagSettings } from '../../../../shared/domain.js';
import { formatMinor, parseDecimalMoney } from '../../../../shared/money.js';
import { api } from '../../api.js';
import { toast } from '../../components/ui.js';
import { useDebounced } from '../../hooks.js';

interface Draft {
  stuckAfterMinutes: string;
  duplicateWindowMinutes: string;
  lookbackDays: string;
  tierThreshold: string;
  reviewerName: string;
  asOf: string;
}

const toDraft = (s: AppSettings): Draft => ({
  stuckAfterMinutes: String(s.stuckAfterMinutes),
  duplicateWindowMinutes: String(s.duplicateWindowMinutes),
  lookbackDays: String(s.lookbackDays),
  tierThreshold: formatMinor(s.tierThresholdCents, 2),
  reviewerName: s.reviewerName,
  asOf: s.asOf ? s.asOf.slice(0, 16) : '',
});

function parse(draft: Draft): { settings?: FlagSettings; asOf?: string | null; problem?: string } {
  const whole = (v: string, name: string, min: number) => {
    if (!/^\d+$/.test(v.trim()) || Number(v) < min) throw new Error(`${name}: a whole number of at least ${min}`);
    return Number(v);
  };
  try {
    const money = parseDecimalMoney(draft.tierThreshold, 2);
    if (!money.ok || money.minor < 0) throw new Error('Tier threshold: an amount like 5.00');
    const asOf = draft.asOf ? new Date(draft.asOf + ':00Z') : null;
    if (asOf && Number.isNaN(asOf.getTime())) throw new Error('As of: not a date');
    return {
      settings: {
        stuckAfterMinutes: whole(draft.stuckAfterMinutes, 'Stuck after', 0),
        duplicateWindowMinutes: whole(draft.duplicateWindowMinutes, 'Duplicate window', 0),
        lookbackDays: whole(draft.lookbackDays, 'Lookback', 1),
        tierThresholdCents: money.minor,
      },
      asOf: asOf ? asOf.toISOString() : null,
    };
  } catch (e) {
    return { problem: (e as Error).message };
  }
}

export function SettingsScreen({ info, settings, onSettings }: { info: AppInfo; settings: AppSettings; onSettings: (s: AppSettings) => void }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [current, setCurrent] = useState<FlagCounts | null>(null);
  const [preview, setPreview] = useState<FlagCounts | null>(null);
  const parsed = parse(draft);
  const debounced = useDebounced(JSON.stringify(parsed), 300);

  useEffect(() => void api['flags:counts']({}).then(setCurrent), [settings]);
  useEffect(() => {
    const p = JSON.parse(debounced) as ReturnType<typeof parse>;
    if (!p.settings) return setPreview(null);
    api['flags:counts']({ settings: p.settings, asOf: p.asOf }).then(setPreview, () => setPreview(null));
  }, [debounced]);

  const dirty = JSON.stringify(toDraft(settings)) !== JSON.stringify(draft);
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  const save = async () => {
    if (!parsed.settings) return;
    const saved = await api['settings:update']({ ...parsed.settings, asOf: parsed.asOf ?? null, reviewerName: draft.reviewerName.trim() });
    onSettings(saved);
    setDraft(toDraft(saved));
    toast('Settings saved');
  };

  const delta = (k: 'stuck' | 'duplicates' | 'limited') => {
    if (!current || !preview) return null;
    const d = preview[k] - current[k];
    return (
      <span className={`delta ${d > 0 ? 'up' : d < 0 ? 'down' : ''}`} data-testid={`preview-${k}`}>
        {current[k].toLocaleString()} → <strong>{preview[k].toLocaleString()}</strong> {d !== 0 && `(${d > 0 ? '+' : ''}${d})`}
      </span>
    );
  };

  return (
    <div className="screen settings">
      <header className="screen-head">
        <div>
          <h1>Settings</h1>
          <p className="subtitle">Thresholds of the three flags (shared/spec/rules.md defaults), who decisions are recorded as, and the “as of” time.</p>
        </div>
      </header>
      <div className="settings-grid">
        <section className="card">
          <h3>Thresholds</h3>
          <label className="field">
            <span>Stuck after</span>
            <input className="input" inputMode="numeric" value={draft.stuckAfterMinutes} onChange={set('stuckAfterMinutes')} aria-label="Stuck after (minutes)" />
            <em>minutes pending or uncredited</em>
          </label>
          <label className="field">
            <span>Lookback</span>
            <input className="input" inputMode="numeric" value={draft.lookbackDays} onChange={set('lookbackDays')} aria-label="Lookback (days)" />
            <em>days of payments checked for being stuck</em>
          </label>
          <label className="field">
            <span>Duplicate window</span>
            <input className="input" inputMode="numeric" value={draft.duplicateWindowMinutes} onChange={set('duplicateWindowMinutes')} aria-label="Duplicate window (minutes)" />
            <em>minutes between payments of the same amount</em>
          </label>
          <label className="field">
            <span>Build Tier 1 after</span>
            <input className="input" inputMode="decimal" value={draft.tierThreshold} onChange={set('tierThreshold')} aria-label="Tier threshold" />
            <em>purchased, in the account's currency</em>
          </label>
          <h3>Review and time</h3>
          <label className="field">
            <span>Reviewer name</span>
            <input className="input" value={draft.reviewerName} placeholder={info.defaultReviewer} onChange={set('reviewerName')} aria-label="Reviewer name" />
            <em>empty: the OS user ({info.defaultReviewer})</em>
          </label>
          <label className="field">
            <span>As of (UTC)</span>
            <input className="input" type="datetime-local" value={draft.asOf} onChange={set('asOf')} aria-label="As of" />
            <em>
              {draft.asOf ? (
                <button className="link" onClick={() => setDraft({ ...draft, asOf: '' })}>
                  use the newest time in the data
                </button>
              ) : (
                'empty: the newest time in the data'
              )}
            </em>
          </label>
          {parsed.problem && <p className="problem" role="alert">{parsed.problem}</p>}
          <div className="row">
            <button className="btn primary" disabled={!dirty || !parsed.settings} onClick={() => void save()}>
              Save
            </button>
            <button className="btn" disabled={!dirty} onClick={() => setDraft(toDraft(settings))}>
              Discard changes
            </button>
          </div>
        </section>
        <section className="card preview">
          <h3>{dirty ? 'If you save' : 'Flag counts now'}</h3>
          <dl className="facts big">
            <div><dt>Stuck payments</dt><dd>{dirty ? delta('stuck') : current?.stuck.toLocaleString()}</dd></div>
            <div><dt>Duplicate clusters</dt><dd>{dirty ? delta('duplicates') : current?.duplicates.toLocaleString()}</dd></div>
            <div><dt>Limited accounts</dt><dd>{dirty ? delta('limited') : current?.limited.toLocaleString()}</dd></div>
            <div><dt>As of</dt><dd>{(preview ?? current)?.asOf.replace('T', ' ').slice(0, 16)} UTC</dd></div>
          </dl>
          <p className="muted small">Database: <code>{info.dbFile}</code></p>
        </section>
      </div>
    </div>
  );
}
