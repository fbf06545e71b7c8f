// Browser mode: the API contract over HTTP on 127.0.0.1, for tests and for machines without the desktop
// runtime. A per-launch secret token guards every API request; Host and Origin must be this server's own, so
// other sites (and DNS rebinding) cannot reach it. The API is the service host's (service-host.ts), so Settings →
// Team database can switch the database under a running server.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { ApiEvent } from '../../shared/api.js';
import { appDataDir } from '../core/paths.js';
import type { Service } from '../core/service/index.js';
import { dispatch } from '../core/service/dispatch.js';
import { ServiceHost } from '../core/service/service-host.js';
import { isPostgresUrl } from '../core/store/postgres-url.js';

export interface BrowserModeOptions {
  /**
   * This computer's database file, or a team database's postgres:// URL. With a file, a team database chosen in
   * Settings (team-database.json next to it) is opened instead; the password comes only from the environment.
   */
  dbFile: string;
  /** With a URL as dbFile: this computer's database for "Back to this computer's database" (the desktop app's by default). */
  localDbFile?: string;
  port: number;
  host?: '127.0.0.1';
  /** The built renderer (dist/renderer). */
  rendererDir?: string;
  version?: string;
  log?: (line: string) => void;
  /** Runs once the database is open, before the server listens (the first-launch demo data). */
  prepare?: (service: Service) => Promise<void>;
}

export interface BrowserMode {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The file a request path names under the renderer folder; null when its escapes are malformed (%E0%A4%A). */
function rendererPath(pathname: string): string | null {
  if (pathname === '/') return 'index.html';
  try {
    return decodeURIComponent(pathname).replace(/^\/+/, '');
  } catch {
    return null;
  }
}

export function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export async function serveBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const host = options.host ?? '127.0.0.1';
  const rendererDir = options.rendererDir ?? path.resolve(__dirname, '..', '..', 'renderer');
  const token = crypto.randomBytes(32).toString('base64url');
  const team = isPostgresUrl(options.dbFile);
  const service = await ServiceHost.start({
    localDbFile: team ? (options.localDbFile ?? path.join(appDataDir(), 'paydesk', 'paydesk.db')) : options.dbFile,
    commandLineTarget: team ? options.dbFile : undefined,
    service: { mode: 'browser', version: options.version ?? '0.0.0', defaultReviewer: os.userInfo().username, log: options.log },
  });
  await options.prepare?.(service);
  const streams = new Set<http.ServerResponse>();
  const unsubscribe = service.events.subscribe((event: ApiEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of streams) res.write(frame);
  });

  let port = options.port;
  const allowedHosts = () => [`${host}:${port}`, `localhost:${port}`];

  const server = http.createServer((req, res) => {
    const base = {
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    const refuse = (status: number, message: string) => {
      res.writeHead(status, { ...base, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(message + '\n');
    };
    const hostHeader = req.headers.host ?? '';
    if (!allowedHosts().includes(hostHeader)) return refuse(421, 'wrong host');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${hostHeader}`) return refuse(403, 'foreign origin');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${hostHeader}`);
    } catch {
      return refuse(400, 'bad request target');
    }

    if (url.pathname.startsWith('/api/')) {
      const given = req.headers['x-paydesk-token'];
      if (typeof given !== 'string' || !sameSecret(given, token)) return refuse(401, 'missing or wrong token');
      if (url.pathname === '/api/events' && req.method === 'GET') {
        res.writeHead(200, { ...base, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        req.on('close', () => {
          clearInterval(ping);
          streams.delete(res);
        });
        return;
      }
      const method = /^\/api\/call\/([a-z]+:[A-Za-z]+)$/.exec(url.pathname)?.[1];
      if (req.method !== 'POST' || !method) return refuse(404, 'no such endpoint');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return refuse(415, 'send JSON');
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          refuse(413, 'request too large');
          req.destroy();
        } else chunks.push(chunk);
      });
      req.on('end', () => {
        if (size > MAX_BODY) return;
        let args: unknown;
        try {
          args = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        } catch {
          return refuse(400, 'not JSON');
        }
        void dispatch(service.handlers, method, args).then((response) => {
          res.writeHead(200, { ...base, 'Content-Type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(response));
        });
      });
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'method not allowed');
    const relative = rendererPath(url.pathname);
    if (relative === null) return refuse(400, 'bad path');
    const file = path.resolve(rendererDir, relative);
    if (!file.startsWith(rendererDir + path.sep)) return refuse(404, 'not found');
    fs.readFile(file, (error, body) => {
      if (error) {
        if (relative === 'index.html') return refuse(500, `the renderer is not built (${rendererDir}): run npm run build`);
        return refuse(404, 'not found');
      }
      res.writeHead(200, { ...base, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP, 'X-Frame-Options': 'DENY' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  port = (server.address() as { port: number }).port;
  const url = `http://${host}:${port}/#token=${token}`;
  return {
    url,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const res of streams) res.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await service.close();
    },
  };
}
