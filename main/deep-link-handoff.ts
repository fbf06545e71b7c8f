// paydesk:// links into the running app, without Electron (tested under Node): a link arrives in a launch's
// command line (Windows, Linux: the first instance's own argv, or a second launch's argv handed over by
// 'second-instance') or in 'open-url' (macOS). parsePaydeskLink decides; a link that fails is ignored with one
// log line and never reaches the window. Until the window exists the last good route waits, for its first load.
import { APP_ORIGIN } from './hardening.js';
import { LINK_SCHEME, parsePaydeskLink, routeToHash, type AppRoute } from '../shared/links.js';

/** The arguments of a command line that are paydesk links (the scheme in any case; Chromium's switches skipped). */
export function linksInArgv(argv: readonly unknown[]): string[] {
  return argv.filter((arg): arg is string => typeof arg === 'string' && arg.slice(0, LINK_SCHEME.length + 1).toLowerCase() === `${LINK_SCHEME}:`);
}

/** The page the window loads for a route: always the app's own index.html, the route in its fragment. */
export function appUrlFor(route: AppRoute | null): string {
  return `${APP_ORIGIN}/index.html${route ? routeToHash(route) : ''}`;
}

/** A link quoted for the log: control characters escaped, cut at 120 characters. */
export function quoteForLog(link: string): string {
  return JSON.stringify(link.length > 120 ? `${link.slice(0, 120)}…` : link);
}

export class DeepLinkHandoff {
  private pending: AppRoute | null = null;
  private navigate: ((route: AppRoute) => void) | null = null;

  constructor(private readonly log: (line: string) => void) {}

  /** One link (macOS open-url). Returns its route, or null when it was ignored. */
  open(link: unknown): AppRoute | null {
    const target = parsePaydeskLink(link);
    if (!target) {
      this.log(`ignored a link that is not a paydesk link to an account, a payment or a list: ${quoteForLog(String(link))}`);
      return null;
    }
    this.deliver(target.route);
    return target.route;
  }

  /**
   * A launch's command line. Without a paydesk link it is an ordinary launch: null, nothing logged. With
   * several, the last one that parses wins (each bad one is logged).
   */
  openFromArgv(argv: readonly unknown[]): AppRoute | null {
    let route: AppRoute | null = null;
    for (const link of linksInArgv(argv)) {
      const target = parsePaydeskLink(link);
      if (target) route = target.route;
      else this.log(`ignored a link that is not a paydesk link to an account, a payment or a list: ${quoteForLog(link)}`);
    }
    if (route) this.deliver(route);
    return route;
  }

  /** The window is there: later links navigate it directly. Returns the route that waited, for its first load. */
  attach(navigate: (route: AppRoute) => void): AppRoute | null {
    this.navigate = navigate;
    const waiting = this.pending;
    this.pending = null;
    return waiting;
  }

  private deliver(route: AppRoute): void {
    if (this.navigate) this.navigate(route);
    else this.pending = route;
  }
}
