// The REST API as the command line reaches it: KLAXON_URL (default http://127.0.0.1:8080) and an
// API token in KLAXON_API_TOKEN. Errors come back as PagerDuty's body, printed as its message.

export interface RestClient {
  request<T>(method: 'GET' | 'POST' | 'DELETE', path: string): Promise<T>;
}

export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

export function restClient(env: NodeJS.ProcessEnv): RestClient {
  const base = (env.KLAXON_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const token = env.KLAXON_API_TOKEN;
  if (!token) throw new RestError(0, 'KLAXON_API_TOKEN is not set (an owner or admin API token)');
  return {
    async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string): Promise<T> {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Token token=${token}`, accept: 'application/vnd.pagerduty+json;version=2' },
      });
      const text = await res.text();
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      if (!res.ok) {
        const error = (body as { error?: { message?: string; errors?: string[] } } | undefined)?.error;
        const why = [error?.message, ...(error?.errors ?? [])].filter(Boolean).join(': ');
        throw new RestError(res.status, `${method} ${path}: ${res.status} ${why || text}`);
      }
      return body as T;
    },
  };
}
