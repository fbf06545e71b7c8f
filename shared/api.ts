// The API contract between the renderer and the main side: every method once, with its argument and result
// types, and the push events. Both transports (Electron IPC, browser-mode HTTP) and the service derive from it.
import type {
  DuplicateCluster,
  FlagKind,
  FlagNotice,
  FlagSettings,
  ImportFileReport,
  ImportCounts,
  ImportStatus,
  LedgerType,
  Followup,
  LimitedAccount,
  Mismatch,
  MismatchKind,
  PaymentStatus,
  Review,
  ReviewDecision,
  RowError,
  StuckPayment,
  StuckStage,
} from './domain.js';

export interface AppSettings extends FlagSettings {
  reviewerName: string;
  asOf: string | null;
  maxRejectedRows: number;
  exportFolders: string[];
  autoSync: boolean;
  /** After an auto-sync finds new stuck payments, duplicates or mismatches, the desktop app says so (flags:new). */
  notifyNewFlags: boolean;
}

export interface AppInfo {
  version: string;
  mode: 'desktop' | 'browser';
  dbFile: string;
  /** A native folder picker exists (desktop); browser mode types the path instead. */
  canPickFolder: boolean;
  defaultReviewer: string;
  /** The database in use: this computer's, or a team database (shown without its password). */
  database: DatabaseInfo;
}

export interface DatabaseInfo {
  kind: 'local' | 'team';
  /** The file, or the team database's URL without its password. */
  location: string;
}

/** What Settings → Team database tests before it switches: one line, never the password. */
export interface TeamTestResult {
  ok: boolean;
  message: string;
  /** Connected, but the database user may only read (a team's viewer). */
  readOnly?: boolean;
}

/** The team database this paydesk is set to, and how it is doing. */
export interface TeamStatus {
  /** The database in use now (shown without its password). */
  database: DatabaseInfo;
  /** The team database remembered for the next start (without its password); null: this computer's database. */
  configuredUrl: string | null;
  /** The desktop app holds a password for it in the keychain; browser mode: PGPASSWORD or ~/.pgpass is there. */
  passwordStored: boolean;
  /** Where the password comes from: the OS keychain (desktop app) or the environment of `paydesk serve`. */
  passwordFrom: 'keychain' | 'environment';
  /** The database user may only read: decisions and syncs are refused. */
  readOnly: boolean;
  /** What a decision or sync is told when read-only: the user only reads, or the database is newer than this paydesk. */
  readOnlyReason: string | null;
  /** Why the team database cannot be used right now (one line, retried in the background); null when it can. */
  problem: string | null;
}

/** Decisions another paydesk on the same team database made, as they arrive. */
export interface DecisionsArrived {
  reviewer: string | null;
  decisions: number;
}

export type SortDir = 'asc' | 'desc';
export const STUCK_SORTS = ['age', 'amount', 'account', 'stage', 'later', 'review'] as const;
export const DUPLICATE_SORTS = ['strength', 'account', 'amount', 'payments', 'extra', 'first', 'review'] as const;
export const LIMITED_SORTS = ['missing', 'account', 'balance', 'free', 'purchased', 'review'] as const;
/** `stake`: the amount at stake, abs(deltaCents) (the credited amount when the currencies differ). */
export const MISMATCH_SORTS = ['stake', 'kind', 'account', 'amount', 'created', 'review'] as const;
export type StuckSort = (typeof STUCK_SORTS)[number];
export type DuplicateSort = (typeof DUPLICATE_SORTS)[number];
export type LimitedSort = (typeof LIMITED_SORTS)[number];
export type MismatchSort = (typeof MISMATCH_SORTS)[number];

export type ReviewFilter = 'any' | 'open' | 'decided';

export interface ListFilter {
  /** Matches account ids, emails, payment and invoice ids (case-insensitive substring). */
  text?: string;
  review?: ReviewFilter;
  stage?: StuckStage;
  whilePending?: boolean;
  mismatchKind?: MismatchKind;
}

export interface PageQuery<S extends string> {
  filter?: ListFilter;
  sort?: { column: S; dir: SortDir };
  offset: number;
  limit: number;
}

export interface Page<T> {
  rows: T[];
  total: number;
  /** All rows of the list before filtering. */
  unfiltered: number;
  offset: number;
  asOf: string;
  notices: FlagNotice[];
}

export interface StuckRow extends StuckPayment {
  review: Review | null;
}
export interface DuplicateRow extends DuplicateCluster {
  review: Review | null;
  email: string | null;
}
export interface LimitedRow extends LimitedAccount {
  review: Review | null;
  email: string | null;
  /** A ready sentence for the ticket. */
  explanation: string;
}

export interface MismatchRow extends Mismatch {
  review: Review | null;
}

export interface FlagCounts {
  asOf: string;
  stuck: number;
  duplicates: number;
  duplicatesWhilePending: number;
  limited: number;
  mismatches: number;
  /** Decisions still waiting for their action (rules.md §5). */
  followups: number;
}

export interface FollowupRow extends Followup {
  email: string | null;
}

export interface EvidencePayment {
  paymentId: string;
  altId: string | null;
  accountId: string | null;
  status: PaymentStatus;
  amountCents: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
  invoiceId: string | null;
  email: string | null;
  creditedAt: string | null;
  method: string | null;
  /** Money given back to the customer at the processor, as the export says (null: the export did not say). */
  amountRefundedCents: number | null;
  refundedAt: string | null;
  disputedAmountCents: number | null;
  disputeStatus: string | null;
  disputedAt: string | null;
}

/** The arithmetic of a mismatch: credited − reversed against paid − returned, in the payment's currency. */
export interface Reconciliation {
  currency: string;
  paidCents: number;
  returnedCents: number;
  keptCents: number;
  creditedCents: number;
  /** The credits' own currency when it is not the payment's (the delta is then not computed). */
  creditedCurrency: string | null;
  reversedCents: number;
  netCreditedCents: number;
  deltaCents: number | null;
}

export interface EvidenceLedgerEntry {
  entryId: string;
  type: LedgerType;
  amountCents: number;
  currency: string;
  createdAt: string;
  paymentId: string | null;
}

export interface EvidenceInput {
  label: string;
  value: string;
}

export interface Evidence {
  kind: FlagKind;
  key: string;
  accountId: string | null;
  title: string;
  /** The rule that fired, in words. */
  rule: string;
  inputs: EvidenceInput[];
  threshold: EvidenceInput;
  payments: EvidencePayment[];
  ledger: EvidenceLedgerEntry[];
  /** A ready reply for the ticket (for a mismatch: a ready note for finance), in plain words. */
  reply: string;
  review: Review | null;
  asOf: string;
  /** For a mismatch: both sides' arithmetic. */
  reconciliation?: Reconciliation;
}

export interface AccountTierView {
  currency: string;
  balanceCents: number;
  freeCents: number;
  purchasedCents: number;
  tier: 'limited' | 'build_tier_1';
  missingCents: number;
}

export interface AccountPaymentView {
  paymentId: string;
  altId: string | null;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  createdAt: string;
  updatedAt: string;
  invoiceId: string | null;
  email: string | null;
  description: string | null;
  method: string | null;
  amountRefundedCents: number | null;
  disputeStatus: string | null;
}

export interface AccountDetails {
  accountId: string;
  emails: string[];
  payments: AccountPaymentView[];
  ledger: EvidenceLedgerEntry[];
  tiers: AccountTierView[];
  flags: { stuck: StuckPayment[]; duplicates: DuplicateCluster[]; limited: LimitedAccount[]; mismatches: Mismatch[] };
  reviews: Review[];
  /** The account's decisions still waiting for their action. */
  followups: Followup[];
  asOf: string;
}

export interface AccountMatch {
  accountId: string;
  email: string | null;
  /** What the term matched: the account id, an email, or a payment id. */
  matchedBy: 'account' | 'email' | 'payment';
}

export interface ImportSummary extends ImportCounts {
  importId: number;
  path: string;
  format: string | null;
  status: ImportStatus;
  reason: string | null;
  startedAt: string;
  durationMs: number;
  /** Of the ignored rows, how many were test-mode payments. */
  testModeRows: number;
}

export interface ImportConflict {
  entryId: string;
  line: number;
  stored: string;
  incoming: string;
}

export interface ImportReportDetail {
  summary: ImportSummary;
  errors: RowError[];
  conflicts: ImportConflict[];
  /** The column names of an unrecognised file, when it can still be read, for making a mapping. */
  header: string[] | null;
  mappingFields: { payments: readonly string[]; ledger: readonly string[]; requiredPayments: readonly string[]; requiredLedger: readonly string[] };
}

export interface MappingView {
  id: number;
  kind: 'payments' | 'ledger';
  header: string;
  fields: Record<string, string>;
  createdAt: string;
}

export interface SyncProgress {
  path: string;
  fileIndex: number;
  fileCount: number;
  bytesDone: number;
  bytesTotal: number;
  rows: number;
  rowsPerSecond: number;
  etaSeconds: number | null;
  percent: number;
}

export interface SyncState {
  running: boolean;
  progress: SyncProgress | null;
  last: SyncFinished | null;
}

export interface SyncFinished {
  canceled: boolean;
  error: string | null;
  reports: ImportFileReport[];
  finishedAt: string;
}

export type ExportList = FlagKind | 'reviews' | 'followups';

export interface CsvFile {
  fileName: string;
  csv: string;
  rows: number;
}

export interface NewFlags {
  stuck: number;
  duplicates: number;
  mismatches: number;
  auto: boolean;
}

/** One folder's sub-folders for the Browse dialog: sorted by name, hidden ones (a leading dot) last. */
export interface FolderListing {
  /** The folder listed, absolute and normalised. */
  path: string;
  /** The folder above it; null at the root (of a drive). */
  parent: string | null;
  folders: { name: string; path: string; hidden: boolean }[];
  /** More sub-folders than the dialog shows (the first MAX_FOLDERS_LISTED, in order). */
  truncated: boolean;
  /** The user's home folder, where browsing starts. */
  home: string;
}

export const DATA_TABLES = ['payments', 'ledger', 'imports', 'reviews', 'settings', 'mappings', 'flags'] as const;
export type DataTable = (typeof DATA_TABLES)[number];

/** Every method the renderer may call: `name: { args; result }`. */
export interface Api {
  'app:info': { args: Record<string, never>; result: AppInfo };
  'sync:start': { args: { paths?: string[] }; result: { started: boolean; reason: string | null } };
  'sync:cancel': { args: Record<string, never>; result: { canceled: boolean } };
  'sync:status': { args: Record<string, never>; result: SyncState };
  'imports:list': { args: { limit: number }; result: ImportSummary[] };
  'imports:report': { args: { importId: number }; result: ImportReportDetail };
  'stuck:listPage': { args: PageQuery<StuckSort>; result: Page<StuckRow> };
  'duplicates:listPage': { args: PageQuery<DuplicateSort>; result: Page<DuplicateRow> };
  'limited:listPage': { args: PageQuery<LimitedSort>; result: Page<LimitedRow> };
  'mismatches:listPage': { args: PageQuery<MismatchSort>; result: Page<MismatchRow> };
  /** Decisions still waiting for their action, oldest first; `accountId` narrows to one account. */
  'followups:list': { args: { accountId?: string }; result: { followups: FollowupRow[]; asOf: string } };
  'flags:counts': { args: { settings?: FlagSettings; asOf?: string | null }; result: FlagCounts };
  'flags:evidence': { args: { kind: FlagKind; key: string }; result: Evidence };
  'account:search': { args: { term: string }; result: AccountMatch | null };
  'account:get': { args: { accountId: string }; result: AccountDetails };
  'reviews:decide': { args: { kind: FlagKind; keys: string[]; decision: ReviewDecision; note: string }; result: { reviews: Review[] } };
  'reviews:list': { args: { kind?: FlagKind }; result: Review[] };
  'settings:get': { args: Record<string, never>; result: AppSettings };
  'settings:update': { args: Partial<AppSettings>; result: AppSettings };
  'export:csv': {
    args: { list: ExportList; filter?: ListFilter; sort?: { column: string; dir: SortDir } };
    result: CsvFile;
  };
  'mappings:list': { args: Record<string, never>; result: MappingView[] };
  'mappings:save': { args: { importId: number; kind: 'payments' | 'ledger'; fields: Record<string, string> }; result: { id: number } };
  'mappings:delete': { args: { id: number }; result: { deleted: boolean } };
  'folders:pick': { args: Record<string, never>; result: { path: string | null } };
  /** Browser mode's Browse dialog: the folders in a folder (the user's home when no path), never a file name. */
  'folders:list': { args: { path?: string }; result: FolderListing };
  /** Connects to a team database and says in one line whether paydesk can use it; changes nothing. */
  'team:test': { args: { url: string; password?: string }; result: TeamTestResult };
  /** Switches this paydesk to that team database (nothing is copied) and remembers it for the next start. */
  'team:use': { args: { url: string; password?: string }; result: TeamStatus };
  /** Back to this computer's database file (nothing is copied); the team database is forgotten. */
  'team:leave': { args: Record<string, never>; result: TeamStatus };
  'team:status': { args: Record<string, never>; result: TeamStatus };
}

export type ApiMethod = keyof Api;
export type ApiArgs<M extends ApiMethod> = Api[M]['args'];
export type ApiResult<M extends ApiMethod> = Api[M]['result'];

// Every method once, at run time, so the preload and the renderer check names without loading the schemas.
const METHODS: { [M in ApiMethod]: true } = {
  'app:info': true,
  'sync:start': true,
  'sync:cancel': true,
  'sync:status': true,
  'imports:list': true,
  'imports:report': true,
  'stuck:listPage': true,
  'duplicates:listPage': true,
  'limited:listPage': true,
  'mismatches:listPage': true,
  'followups:list': true,
  'flags:counts': true,
  'flags:evidence': true,
  'account:search': true,
  'account:get': true,
  'reviews:decide': true,
  'reviews:list': true,
  'settings:get': true,
  'settings:update': true,
  'export:csv': true,
  'mappings:list': true,
  'mappings:save': true,
  'mappings:delete': true,
  'folders:pick': true,
  'folders:list': true,
  'team:test': true,
  'team:use': true,
  'team:leave': true,
  'team:status': true,
};
export const API_METHODS = Object.keys(METHODS) as ApiMethod[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name);
}

/** The push events, one stream per window or browser tab. */
export interface ApiEvents {
  'import:progress': SyncProgress;
  'import:fileDone': ImportFileReport;
  'import:finished': SyncFinished;
  'data:changed': { tables: DataTable[] };
  /**
   * A sync that ended with rows in the flag lists that were not there before it: how many per list. `auto`: the
   * folder watch started it (the desktop notification and browser mode's toast are for those).
   */
  'flags:new': NewFlags;
  'decisions:arrived': DecisionsArrived;
}
export type ApiEventName = keyof ApiEvents;
export interface ApiEvent<E extends ApiEventName = ApiEventName> {
  name: E;
  payload: ApiEvents[E];
}

export type ApiErrorCode = 'invalid-argument' | 'unknown-method' | 'not-found' | 'busy' | 'read-only' | 'unavailable' | 'failed';
export type ApiResponse<R> = { ok: true; value: R } | { ok: false; error: { code: ApiErrorCode; message: string } };

type Handler<M extends ApiMethod> = (args: ApiArgs<M>) => Promise<ApiResult<M>> | ApiResult<M>;
/** The methods the service host answers itself (main/core/service/service-host.ts), around the service of one database. */
export type HostMethod = 'team:test' | 'team:use' | 'team:leave' | 'team:status';
/** What the transports dispatch to (the service host): every method; a method without a handler does not compile. */
export type AllHandlers = { [M in ApiMethod]: Handler<M> };
/** The main side, one service over one database: every method but the host's; one without a handler does not compile. */
export type Handlers = { [M in Exclude<ApiMethod, HostMethod>]: Handler<M> } & Partial<Pick<AllHandlers, HostMethod>>;

/** The renderer side: every method as a Promise, and the event stream. */
export type ApiClient = { [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiResult<M>> } & {
  on<E extends ApiEventName>(name: E, listener: (payload: ApiEvents[E]) => void): () => void;
};

/** What the Electron preload exposes as `window.paydesk`: a closed facade over IPC. */
export interface ApiBridge {
  invoke(method: ApiMethod, args: unknown): Promise<ApiResponse<unknown>>;
  on(listener: (event: ApiEvent) => void): () => void;
}

export const API_EVENT_NAMES: readonly ApiEventName[] = ['import:progress', 'import:fileDone', 'import:finished', 'data:changed', 'flags:new', 'decisions:arrived'];
