import * as path from 'node:path';

export interface RepoInfo {
  /** Folder the workspace has open. */
  root: string;
  isGitRepo: boolean;
  /** The `origin` remote's URL with any credentials removed, if there is one. */
  originUrl?: string;
  /** Memory label: origin URL, else the folder name. */
  label: string;
}

/** Removes user:password@ from URLs so tokens in remotes never reach memory, logs or the panel. */
export function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/i, '$1');
}

/** Reads the workspace folder's git state (simple-git). A folder that is not a repository is no error here. */
export async function readRepoInfo(root: string): Promise<RepoInfo> {
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: root, timeout: { block: 10_000 } });
  let isGitRepo = false;
  try {
    isGitRepo = await git.checkIsRepo();
  } catch {
    isGitRepo = false;
  }
  let originUrl: string | undefined;
  if (isGitRepo) {
    try {
      const remotes = await git.getRemotes(true);
      const origin = remotes.find((r) => r.name === 'origin');
      const u = origin?.refs.fetch || origin?.refs.push;
      if (u) originUrl = stripCredentials(u);
    } catch {
      originUrl = undefined;
    }
  }
  return { root, isGitRepo, ...(originUrl ? { originUrl } : {}), label: originUrl ?? path.basename(root) };
}
