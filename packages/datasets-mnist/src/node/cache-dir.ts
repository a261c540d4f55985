import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where downloads are cached unless `cacheDir` is given: `$LENET_CACHE_DIR`, else the
 * platform's cache folder + "/lenet" (XDG on Linux: `$XDG_CACHE_HOME` or `~/.cache`;
 * `~/Library/Caches` on macOS; `%LOCALAPPDATA%` on Windows).
 */
export function defaultCacheDir(
  environment: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (environment.LENET_CACHE_DIR) return environment.LENET_CACHE_DIR;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'lenet');
  if (platform === 'win32') {
    return join(environment.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'lenet', 'Cache');
  }
  // XDG Base Directory spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = environment.XDG_CACHE_HOME;
  return join(xdg?.startsWith('/') ? xdg : join(home, '.cache'), 'lenet');
}
