import { token } from './session';

/** The API's refusal, carrying PagerDuty's error body so the console shows the API's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function describe(status: number, body: unknown): string {
  const error = (body as { error?: { message?: unknown; errors?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    const details = Array.isArray(error.errors) ? error.errors.filter((e) => typeof e === 'string') : [];
    return details.length > 0 ? `${error.message}: ${details.join('; ')}` : error.message;
  }
  return `The API answered ${status}`;
}

let fromEmail = '';
/** The signed-in user's email, sent as PagerDuty's `From` header on every write. */
export function setFrom(email: string): void {
  fromEmail = email;
}

/** One call to Klaxon's public REST API v2 on this origin, as any PagerDuty client makes it. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/vnd.pagerduty+json;version=2',
    Authorization: `Token token=${token() ?? ''}`,
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && fromEmail) headers.From = fromEmail;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
    credentials: 'omit',
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): the status alone describes it.
  }
  if (!response.ok) throw new ApiError(response.status, describe(response.status, parsed));
  return parsed as T;
}

/** Every page of a PagerDuty list (offset pagination), up to `max` items. */
export async function listAll<T>(path: string, key: string, max = 1000): Promise<T[]> {
  const items: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let offset = 0; items.length < max; offset += 100) {
    const page = await api<Record<string, unknown> & { more?: boolean }>(
      'GET',
      `${path}${sep}limit=100&offset=${offset}`,
    );
    items.push(...((page[key] as T[] | undefined) ?? []));
    if (!page.more) break;
  }
  return items;
}

export const q = encodeURIComponent;
