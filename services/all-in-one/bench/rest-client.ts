// The REST API v2 as a PagerDuty client calls it: token auth, the versioned Accept header, a From
// address for writes. Only loopback.

export interface Rest {
  call<T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: object): Promise<T>;
}

export function restClient(baseUrl: string, token: string): Rest {
  return {
    async call<T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: object): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${baseUrl}${url}`, {
          method,
          headers: {
            authorization: `Token token=${token}`,
            accept: 'application/vnd.pagerduty+json;version=2',
            from: 'owner@klaxon.local',
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        if (res.ok) return (await res.json()) as T;
        // A busy server may shed a read; setup and polling retry, they are not what is measured.
        if ((res.status === 429 || res.status >= 500) && attempt < 20) {
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
      }
    },
  };
}

/** Runs tasks with at most `width` in flight, like a client creating many resources in parallel. */
export async function inParallel<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}
