// Runtime validation of every API method's argument: the main side parses with these before anything reaches
// the core. The mapped type makes a method without a schema (or with a schema of the wrong shape) fail to compile.
import { z } from 'zod';
import { FLAG_KINDS, MISMATCH_KINDS, REVIEW_DECISIONS, type FlagKind } from './domain.js';
import {
  DUPLICATE_SORTS,
  LIMITED_SORTS,
  MISMATCH_SORTS,
  STUCK_SORTS,
  type ApiArgs,
  type ApiMethod,
} from './api.js';

// The renderer's CSP forbids eval: zod's JIT would probe with new Function, which the page reports as a CSP
// violation. The arguments are small; the plain parser is fast enough on both sides.
z.config({ jitless: true });

const none = z.object({}).strict() as unknown as z.ZodType<Record<string, never>>;
const kind = z.enum(FLAG_KINDS as [FlagKind, ...FlagKind[]]);
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a timestamp');
const shortText = z.string().max(500);
/**
 * A folder to browse: absolute (POSIX `/…`, Windows `C:\…` or `\\server\share`), no control characters, at most
 * 4096 characters (PATH_MAX). Relative paths would resolve against the server's working folder: refused.
 */
const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\[^\\])/.test(p), 'an absolute path')
  .refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'no control characters');

const filter = z
  .object({
    text: z.string().max(200).optional(),
    review: z.enum(['any', 'open', 'decided']).optional(),
    stage: z.enum(['processor', 'credit']).optional(),
    whilePending: z.boolean().optional(),
    mismatchKind: z.enum(MISMATCH_KINDS).optional(),
  })
  .strict();

const pageQuery = <S extends string>(sorts: readonly [S, ...S[]]) =>
  z
    .object({
      filter: filter.optional(),
      sort: z.object({ column: z.enum(sorts), dir: z.enum(['asc', 'desc']) }).strict().optional(),
      offset: z.number().int().min(0),
      limit: z.number().int().min(1).max(1000),
    })
    .strict();

const flagSettings = z
  .object({
    stuckAfterMinutes: z.number().int().min(0).max(525_600),
    duplicateWindowMinutes: z.number().int().min(0).max(525_600),
    lookbackDays: z.number().int().min(1).max(36_500),
    tierThresholdCents: z.number().int().min(0).max(100_000_000),
    bankDebitStuckAfterMinutes: z.number().int().min(0).max(525_600),
    methodStuckAfterMinutes: z.record(z.string().regex(/^[a-z0-9_]{1,64}$/, 'a payment method in lower case'), z.number().int().min(0).max(525_600)).refine(
      (m) => Object.keys(m).length <= 50,
      'at most 50 methods',
    ),
  })
  .strict();

const allDecisions = [...new Set(Object.values(REVIEW_DECISIONS).flat())] as [string, ...string[]];

const reviewsDecide = z
  .object({
    kind,
    keys: z.array(z.string().min(1).max(2000)).min(1).max(10_000),
    decision: z.enum(allDecisions),
    note: z.string().max(4000),
  })
  .strict()
  .refine((a) => (REVIEW_DECISIONS[a.kind] as readonly string[]).includes(a.decision), {
    message: 'that decision does not apply to this kind of flag',
    path: ['decision'],
  });

const settingsUpdate = flagSettings
  .partial()
  .extend({
    reviewerName: z.string().max(100).optional(),
    asOf: isoTime.nullable().optional(),
    maxRejectedRows: z.number().int().min(0).max(10_000_000).optional(),
    exportFolders: z.array(z.string().min(1).max(4096)).max(20).optional(),
    autoSync: z.boolean().optional(),
    notifyNewFlags: z.boolean().optional(),
  })
  .strict();

/** A team database: a postgres:// or postgresql:// URL (libpq's form), no control characters. */
const teamDatabase = z
  .object({
    url: z
      .string()
      .max(2000)
      .regex(/^postgres(ql)?:\/\/[^\s]+$/i, 'a postgres:// URL')
      .refine((u) => !/[\u0000-\u001f\u007f]/.test(u), 'no control characters'),
    password: z.string().max(1000).refine((p) => !/[\u0000\r\n]/.test(p), 'no line breaks').optional(),
  })
  .strict();

export const argSchemas: { [M in ApiMethod]: z.ZodType<ApiArgs<M>> } = {
  'app:info': none,
  'sync:start': z.object({ paths: z.array(z.string().min(1).max(4096)).max(100).optional() }).strict(),
  'sync:cancel': none,
  'sync:status': none,
  'imports:list': z.object({ limit: z.number().int().min(1).max(1000) }).strict(),
  'imports:report': z.object({ importId: z.number().int().min(1) }).strict(),
  'stuck:listPage': pageQuery(STUCK_SORTS),
  'duplicates:listPage': pageQuery(DUPLICATE_SORTS),
  'limited:listPage': pageQuery(LIMITED_SORTS),
  'mismatches:listPage': pageQuery(MISMATCH_SORTS),
  'followups:list': z.object({ accountId: z.string().min(1).max(500).optional() }).strict(),
  'flags:counts': z.object({ settings: flagSettings.optional(), asOf: isoTime.nullable().optional() }).strict(),
  'flags:evidence': z.object({ kind, key: z.string().min(1).max(2000) }).strict(),
  'account:search': z.object({ term: shortText }).strict(),
  'account:get': z.object({ accountId: z.string().min(1).max(500) }).strict(),
  'reviews:decide': reviewsDecide as z.ZodType<ApiArgs<'reviews:decide'>>,
  'reviews:list': z.object({ kind: kind.optional() }).strict(),
  'settings:get': none,
  'settings:update': settingsUpdate,
  'export:csv': z
    .object({
      list: z.enum(['stuck', 'duplicates', 'limited', 'mismatches', 'reviews', 'followups']),
      filter: filter.optional(),
      sort: z.object({ column: z.string().max(40), dir: z.enum(['asc', 'desc']) }).strict().optional(),
    })
    .strict(),
  'mappings:list': none,
  'mappings:save': z
    .object({
      importId: z.number().int().min(1),
      kind: z.enum(['payments', 'ledger']),
      fields: z.record(z.string().max(100), z.string().max(500)),
    })
    .strict(),
  'mappings:delete': z.object({ id: z.number().int().min(1) }).strict(),
  'folders:pick': none,
  'folders:list': z.object({ path: absolutePath.optional() }).strict(),
  'team:test': teamDatabase,
  'team:use': teamDatabase,
  'team:leave': none,
  'team:status': none,
};

