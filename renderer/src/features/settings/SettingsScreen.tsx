// Thresholds, reviewer and as-of. A change shows how the flag counts would move before it is saved.
import { useEffect, useState } from 'react';
import type { AppInfo, AppSettings, FlagCounts } from '../../../../shared/api.js';
import { BANK_DEBIT_METHODS, type FlagSettings } from '../../../../shared/domain.js';
import { formatMinor, parseDecimalMoney } from '../../../../shared/money.js';
import { api } from '../../api.js';
import { toast } from '../../components/ui.js';
import { DURATION_UNITS, methodInWords, minutesInWords, splitMinutes, type DurationUnit } from '../../format.js';
import { useDataVersion, useDebounced } from '../../hooks.js';
import { TeamDatabase } from './TeamDatabase.js';

interface Duration {
  value: string;
  unit: DurationUnit;
}

interface MethodDraft extends Duration {
  method: string;
}

interface Draft {
  stuckAfterMinutes: string;
  bankDebitStuckAfter: Duration;
  methodStuckAfter: MethodDraft[];
  duplicateWindowMinutes: string;
  lookbackDays: string;
  tierThreshold: string;
  reviewerName: string;
  asOf: string;
}

/** Methods offered when adding an override; any other lower-case method name can be typed. */
const KNOWN_METHODS = ['card', ...BANK_DEBIT_METHODS, 'link', 'paypal'];
const MAX_MINUTES = 525_600;

const toDraft = (s: AppSettings): Draft => ({
  stuckAfterMinutes: String(s.stuckAfterMinutes),
  bankDebitStuckAfter: splitMinutes(s.bankDebitStuckAfterMinutes),
  methodStuckAfter: Object.entries(s.methodStuckAfterMinutes).map(([method, minutes]) => ({ method, ...splitMinutes(minutes) })),
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
  const duration = (d: Duration, name: string) => {
    const minutes = whole(d.value, name, 0) * DURATION_UNITS[d.unit];
    if (minutes > MAX_MINUTES) throw new Error(`${name}: at most 365 days`);
    return minutes;
  };
  try {
    const money = parseDecimalMoney(draft.tierThreshold, 2);
    if (!money.ok || money.minor < 0) throw new Error('Tier threshold: an amount like 5.00');
    const asOf = draft.asOf ? new Date(draft.asOf + ':00Z') : null;
    if (asOf && Number.isNaN(asOf.getTime())) throw new Error('As of: not a date');
    const methodStuckAfterMinutes: Record<string, number> = {};
    for (const m of draft.methodStuckAfter) {
      const method = m.method.trim();
      if (!/^[a-z0-9_]{1,64}$/.test(method)) throw new Error(`Payment method “${method}”: lower-case letters, digits and _ (like sepa_debit)`);
      if (method in methodStuckAfterMinutes) throw new Error(`Payment method ${method} is listed twice`);
      methodStuckAfterMinutes[method] = duration(m, `Stuck after for ${method}`);
    }
    return {
      settings: {
        stuckAfterMinutes: whole(draft.stuckAfterMinutes, 'Stuck after', 0),
        bankDebitStuckAfterMinutes: duration(draft.bankDebitStuckAfter, 'Bank debits stuck after'),
        methodStuckAfterMinutes,
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

function DurationInput({ value, onChange, label }: { value: Duration; onChange: (d: Duration) => void; label: string }) {
  return (
    <span className="duration">
      <input className="input" inputMode="numeric" value={value.value} onChange={(e) => onChange({ ...value, value: e.target.value })} aria-label={label} />
      <select className="input" value={value.unit} onChange={(e) => onChange({ ...value, unit: e.target.value as DurationUnit })} aria-label={`${label}: unit`}>
        {(Object.keys(DURATION_UNITS) as DurationUnit[]).map((u) => (
          <option key={u} value={u}>
            {u}
          </option>
        ))}
      </select>
    </span>
  );
}

type Counted = 'stuck' | 'duplicates' | 'limited' | 'mismatches';

export function SettingsScreen({ info, settings, onSettings }: { info: AppInfo; settings: AppSettings; onSettings: (s: AppSettings) => void }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [current, setCurrent] = useState<FlagCounts | null>(null);
  const [preview, setPreview] = useState<FlagCounts | null>(null);
  const parsed = parse(draft);
  const debounced = useDebounced(JSON.stringify(parsed), 300);

  // The lists are rebuilt after a change of thresholds: the counts now are asked again when that is done.
  const version = useDataVersion();
  useEffect(() => void api['flags:counts']({}).then(setCurrent), [settings, version]);
  useEffect(() => {
    const p = JSON.parse(debounced) as ReturnType<typeof parse>;
    if (!p.settings) return setPreview(null);
    api['flags:counts']({ settings: p.settings, asOf: p.asOf }).then(setPreview, () => setPreview(null));
  }, [debounced]);

  const dirty = JSON.stringify(toDraft(settings)) !== JSON.stringify(draft);
  const set = (k: 'stuckAfterMinutes' | 'duplicateWindowMinutes' | 'lookbackDays' | 'tierThreshold' | 'reviewerName' | 'asOf') => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [k]: e.target.value });
  const setMethod = (index: number, change: Partial<MethodDraft>) =>
    setDraft({ ...draft, methodStuckAfter: draft.methodStuckAfter.map((m, i) => (i === index ? { ...m, ...change } : m)) });
  const addMethod = () => {
    const taken = new Set(draft.methodStuckAfter.map((m) => m.method));
    const method = KNOWN_METHODS.find((m) => !taken.has(m)) ?? '';
    setDraft({ ...draft, methodStuckAfter: [...draft.methodStuckAfter, { method, ...splitMinutes(draft.methodStuckAfter.length === 0 ? 60 : 1440) }] });
  };
  const removeMethod = (index: number) => setDraft({ ...draft, methodStuckAfter: draft.methodStuckAfter.filter((_, i) => i !== index) });
  const save = async () => {
    if (!parsed.settings) return;
    const saved = await api['settings:update']({ ...parsed.settings, asOf: parsed.asOf ?? null, reviewerName: draft.reviewerName.trim() });
    onSettings(saved);
    setDraft(toDraft(saved));
    toast('Settings saved');
  };

  const delta = (k: Counted) => {
    if (!current || !preview) return null;
    const d = preview[k] - current[k];
    return (
      <span className={`delta ${d > 0 ? 'up' : d < 0 ? 'down' : ''}`} data-testid={`preview-${k}`}>
        {current[k].toLocaleString()} → <strong>{preview[k].toLocaleString()}</strong> {d !== 0 && `(${d > 0 ? '+' : ''}${d})`}
      </span>
    );
  };
  const shown = (k: Counted) => (dirty ? delta(k) : current?.[k].toLocaleString());
  const bankMinutes = parsed.settings?.bankDebitStuckAfterMinutes;

  return (
    <div className="screen settings">
      <header className="screen-head">
        <div>
          <h1>Settings</h1>
          <p className="subtitle">
            When a payment or an account shows up in each list, the name your decisions are recorded under, and the time ages are counted
            up to. Before you save, the counts on the right show how each list would change.
          </p>
        </div>
      </header>
      <div className="settings-grid">
        <section className="card">
          <h2 className="section">Thresholds</h2>
          <label className="field">
            <span>Stuck after</span>
            <input className="input" inputMode="numeric" value={draft.stuckAfterMinutes} onChange={set('stuckAfterMinutes')} aria-label="Stuck after (minutes)" />
            <em>
              minutes. A payment pending at the processor longer than this shows under Stuck payments (cards, wallets, unknown methods), as
              does a paid one whose credits were not added in this time (any method).
            </em>
          </label>
          <div className="field">
            <span>Bank debits stuck after</span>
            <DurationInput label="Bank debits stuck after" value={draft.bankDebitStuckAfter} onChange={(d) => setDraft({ ...draft, bankDebitStuckAfter: d })} />
            <em data-testid="bank-debit-explained">
              Bank debits (ACH, SEPA, Bacs…) take days to confirm: a bank debit still pending at the processor shows under Stuck payments
              only after {bankMinutes !== undefined ? minutesInWords(bankMinutes) : 'this'}.
            </em>
          </div>
          <div className="methods" role="group" aria-label="Per payment method">
            <div className="methods-head">
              <span>Per payment method</span>
              <em>
                A method listed here gets its own time instead of the two above while its payments are pending at the processor. Once a
                payment went through, its credits are always expected within “Stuck after”.
              </em>
            </div>
            {draft.methodStuckAfter.length === 0 && <p className="muted small">No method of its own: every method uses the thresholds above.</p>}
            {draft.methodStuckAfter.map((m, i) => (
              <div className="method-row" key={i}>
                <input
                  className="input"
                  list="known-methods"
                  value={m.method}
                  onChange={(e) => setMethod(i, { method: e.target.value.trim().toLowerCase() })}
                  aria-label={`Payment method ${i + 1}`}
                />
                <DurationInput label={`Stuck after for ${m.method || `method ${i + 1}`}`} value={m} onChange={(d) => setMethod(i, d)} />
                <em className="muted small">{methodInWords(m.method || null)}</em>
                <button className="btn ghost small" onClick={() => removeMethod(i)} aria-label={`Remove ${m.method || `method ${i + 1}`}`}>
                  Remove
                </button>
              </div>
            ))}
            <datalist id="known-methods">
              {KNOWN_METHODS.map((m) => (
                <option key={m} value={m}>
                  {methodInWords(m)}
                </option>
              ))}
            </datalist>
            <button className="btn small" onClick={addMethod} disabled={draft.methodStuckAfter.length >= 50}>
              Add a method
            </button>
          </div>
          <label className="field">
            <span>Lookback</span>
            <input className="input" inputMode="numeric" value={draft.lookbackDays} onChange={set('lookbackDays')} aria-label="Lookback (days)" />
            <em>days. Only payments made this many days before “As of”, or since, can show under Stuck payments.</em>
          </label>
          <label className="field">
            <span>Duplicate window</span>
            <input className="input" inputMode="numeric" value={draft.duplicateWindowMinutes} onChange={set('duplicateWindowMinutes')} aria-label="Duplicate window (minutes)" />
            <em>minutes. Payments by one account of the same amount and currency, each within this time of the one before, show under Duplicates.</em>
          </label>
          <label className="field">
            <span>Build Tier 1 after</span>
            <input className="input" inputMode="decimal" value={draft.tierThreshold} onChange={set('tierThreshold')} aria-label="Tier threshold" />
            <em>purchased, in the account's currency. An account with credits but less than this bought (free credits do not count, refunds are taken off) shows under Limited tier.</em>
          </label>
          <h2 className="section">Review and time</h2>
          <label className="field">
            <span>Reviewer name</span>
            <input className="input" value={draft.reviewerName} placeholder={info.defaultReviewer} onChange={set('reviewerName')} aria-label="Reviewer name" />
            <em>Your decisions are saved with this name. Empty: your computer's user name ({info.defaultReviewer}).</em>
          </label>
          <label className="field">
            <span>As of (UTC)</span>
            <input className="input" type="datetime-local" value={draft.asOf} onChange={set('asOf')} aria-label="As of" />
            <em>
              {draft.asOf ? (
                <>
                  Ages are counted up to this time.{' '}
                  <button className="link" onClick={() => setDraft({ ...draft, asOf: '' })}>
                    Use the newest time in the data
                  </button>
                </>
              ) : (
                'Ages are counted up to this time. Empty: the newest time in the exports (they are snapshots).'
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
        <div className="settings-side">
          <section className="card preview">
            <h2 className="section">{dirty ? 'If you save' : 'Flag counts now'}</h2>
            <dl className="facts big">
              <div><dt>Stuck payments</dt><dd>{shown('stuck')}</dd></div>
              <div><dt>Duplicate clusters</dt><dd>{shown('duplicates')}</dd></div>
              <div><dt>Limited accounts</dt><dd>{shown('limited')}</dd></div>
              <div><dt>Mismatches</dt><dd>{shown('mismatches')}</dd></div>
              <div><dt>As of</dt><dd>{(preview ?? current)?.asOf.replace('T', ' ').slice(0, 16)} UTC</dd></div>
            </dl>
            <h2 className="section notify-head">Notifications</h2>
            <label className="toggle notify">
              <input
                type="checkbox"
                checked={settings.notifyNewFlags}
                onChange={async (e) => {
                  const notifyNewFlags = e.target.checked;
                  onSettings({ ...settings, notifyNewFlags }); // shown at once; saved below
                  try {
                    onSettings(await api['settings:update']({ notifyNewFlags }));
                  } catch (error) {
                    onSettings({ ...settings, notifyNewFlags: !notifyNewFlags });
                    toast(`Could not save: ${(error as Error).message}`);
                  }
                }}
              />
              Tell me when an automatic sync finds new stuck payments, duplicates or mismatches
            </label>
            <p className="muted small">
              {info.mode === 'desktop' ? 'A system notification; the list also gets a mark in the sidebar.' : 'A message at the bottom of the window, and a mark next to the list in the sidebar.'}
            </p>
          </section>
          <TeamDatabase />
        </div>
      </div>
    </div>
  );
}
