// Auto-sync: watches the exports folders and asks for a sync when files appear or change (debounced, since a
// file being copied in fires many events).
import fs from 'node:fs';

export class FolderWatch {
  private watchers: fs.FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onChange: () => void, private readonly debounceMs = 1500) {}

  watch(folders: readonly string[]): void {
    this.close();
    for (const folder of folders) {
      try {
        if (!fs.statSync(folder).isDirectory()) continue;
        const watcher = fs.watch(folder, { recursive: true }, (_event, name) => {
          if (name && !String(name).split(/[\\/]/).some((part) => part.startsWith('.'))) this.schedule();
        });
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
      } catch {
        // A folder that does not exist (yet) is shown on the Sync screen; nothing to watch.
      }
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onChange, this.debounceMs);
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }
}
