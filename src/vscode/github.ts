/**
 * GitHub issues for "Solve with SALE": which repository the workspace's `origin` points at, and the REST calls to
 * list and read its issues. Pure (no `vscode`): the token comes from VS Code's GitHub authentication, the API base
 * URL from a setting (GitHub Enterprise, or a local stand-in in tests).
 */
import { SaleError } from '../core/errors';

export interface GitHubRepoRef {
  host: string;
  owner: string;
  repo: string;
}

/** Parses https, ssh and scp-like remote URLs: github.com or any Enterprise host. */
export function parseGitHubRemote(url: string): GitHubRepoRef | undefined {
  const u = url.trim();
  let host: string | undefined;
  let path: string | undefined;
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/)(.+)$/.exec(u);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) {
    try {
      const p = new URL(u);
      host = p.hostname;
      path = p.pathname;
    } catch {
      return undefined;
    }
  } else if (scp) {
    host = scp[1];
    path = scp[2];
  }
  if (!host || !path) return undefined;
  const parts = path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '').split('/');
  if (parts.length < 2) return undefined;
  const [owner, repo] = parts.slice(-2);
  if (!/^[A-Za-z0-9_.-]+$/.test(owner) || !/^[A-Za-z0-9_.-]+$/.test(repo)) return undefined;
  return { host, owner, repo };
}

/** The API base URL for a host when no setting says otherwise. */
export function defaultApiBase(host: string): string {
  return host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;
}

/** "12", "#12", "owner/repo#12" or an issue URL. */
export function parseIssueRef(input: string): { number: number; owner?: string; repo?: string } | undefined {
  const s = input.trim();
  let m = /^#?(\d{1,9})$/.exec(s);
  if (m) return { number: Number(m[1]) };
  m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)#(\d{1,9})$/.exec(s);
  if (m) return { owner: m[1], repo: m[2], number: Number(m[3]) };
  m = /^https?:\/\/[^/]+\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/(?:issues|pull)\/(\d{1,9})(?:[/?#].*)?$/.exec(s);
  if (m) return { owner: m[1], repo: m[2], number: Number(m[3]) };
  return undefined;
}

export interface GitHubIssue {
  number: number;
  title: string;
  body: string | null;
  url: string;
  state: string;
  labels: string[];
  isPullRequest: boolean;
}

interface RawIssue {
  number?: unknown;
  title?: unknown;
  body?: unknown;
  html_url?: unknown;
  state?: unknown;
  labels?: unknown;
  pull_request?: unknown;
}

function toIssue(raw: RawIssue): GitHubIssue | undefined {
  if (typeof raw.number !== 'number' || typeof raw.title !== 'string') return undefined;
  const labels = Array.isArray(raw.labels)
    ? raw.labels.map((l) => (typeof l === 'string' ? l : typeof (l as { name?: unknown })?.name === 'string' ? (l as { name: string }).name : '')).filter(Boolean)
    : [];
  return {
    number: raw.number,
    title: raw.title,
    body: typeof raw.body === 'string' ? raw.body : null,
    url: typeof raw.html_url === 'string' ? raw.html_url : '',
    state: typeof raw.state === 'string' ? raw.state : 'open',
    labels,
    isPullRequest: raw.pull_request !== undefined && raw.pull_request !== null,
  };
}

export interface GitHubClientOptions {
  apiBase: string;
  token?: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}

async function getJson(opts: GitHubClientOptions, path: string): Promise<unknown> {
  const base = opts.apiBase.replace(/\/+$/, '');
  const url = `${base}${path}`;
  const headers: Record<string, string> = {
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
    'User-Agent': 'sale-vscode',
  };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  const f = opts.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await f(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new SaleError(`Cannot reach the GitHub API at ${base} (${cause}). Check the setting sale.github.apiBaseUrl and your network.`, 'github-unreachable');
  }
  if (res.status === 404) {
    throw new SaleError(`GitHub answered 404 for ${path}: the repository or issue does not exist, or it is private and ${opts.token ? 'your account cannot see it' : 'you are not signed in'}.`, 'github-not-found');
  }
  if (res.status === 401) throw new SaleError('GitHub refused the sign-in (401). Sign in again with "Accounts: GitHub".', 'github-auth');
  if (res.status === 403 || res.status === 429) {
    const remaining = res.headers.get('x-ratelimit-remaining');
    throw new SaleError(remaining === '0'
      ? `GitHub's rate limit is used up${opts.token ? '' : ' for anonymous calls: sign in to GitHub to raise it'}.`
      : `GitHub refused the request (${res.status}).`, 'github-forbidden');
  }
  if (!res.ok) throw new SaleError(`GitHub answered ${res.status} ${res.statusText} for ${path}.`, 'github-http');
  try {
    return await res.json();
  } catch {
    throw new SaleError(`GitHub's answer for ${path} is not JSON.`, 'github-bad-json');
  }
}

export async function fetchIssue(opts: GitHubClientOptions, ref: { owner: string; repo: string }, issueNumber: number): Promise<GitHubIssue> {
  const raw = await getJson(opts, `/repos/${encodeURIComponent(ref.owner)}/${encodeURIComponent(ref.repo)}/issues/${issueNumber}`);
  const issue = raw && typeof raw === 'object' ? toIssue(raw as RawIssue) : undefined;
  if (!issue) throw new SaleError(`GitHub's answer for issue #${issueNumber} has no number or title.`, 'github-bad-json');
  return issue;
}

/** Open issues (pull requests left out), newest first, at most `limit`. */
export async function listOpenIssues(opts: GitHubClientOptions, ref: { owner: string; repo: string }, limit = 50): Promise<GitHubIssue[]> {
  const raw = await getJson(opts, `/repos/${encodeURIComponent(ref.owner)}/${encodeURIComponent(ref.repo)}/issues?state=open&per_page=${Math.min(100, limit)}`);
  if (!Array.isArray(raw)) throw new SaleError('GitHub\'s issue list is not a JSON array.', 'github-bad-json');
  return raw.map((r) => toIssue(r as RawIssue)).filter((i): i is GitHubIssue => !!i && !i.isPullRequest).slice(0, limit);
}

/**
 * Whether the user's GitHub session token may be sent to `apiBase` for a repository on `remoteHost`. The remote
 * comes from the workspace (a cloned repository can name any host), so a token goes only to api.github.com for a
 * github.com remote, or to the origin (scheme and host) of a URL the user configured themselves (VS Code's
 * `github-enterprise.uri`, or `sale.github.apiBaseUrl` from user settings — never from workspace settings).
 */
export function tokenAllowedFor(apiBase: string, remoteHost: string, userUrls: readonly (string | undefined)[]): { allowed: boolean; reason: string } {
  let api: URL;
  try {
    api = new URL(apiBase.trim());
  } catch {
    return { allowed: false, reason: `the API base URL "${apiBase}" is not a URL` };
  }
  if (api.username || api.password) return { allowed: false, reason: 'the API base URL carries credentials' };
  if (remoteHost.toLowerCase() === 'github.com' && api.protocol === 'https:' && api.host.toLowerCase() === 'api.github.com') {
    return { allowed: true, reason: 'api.github.com for a github.com repository' };
  }
  for (const u of userUrls) {
    if (!u || !u.trim()) continue;
    let configured: URL;
    try {
      configured = new URL(u.trim());
    } catch {
      continue;
    }
    if (configured.protocol === api.protocol && configured.host.toLowerCase() === api.host.toLowerCase()) {
      return { allowed: true, reason: `${api.host} is configured in your user settings` };
    }
  }
  return { allowed: false, reason: `${api.host} is neither api.github.com nor a GitHub host you configured in your user settings (github-enterprise.uri or sale.github.apiBaseUrl)` };
}
