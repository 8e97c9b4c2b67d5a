/**
 * Klaxon's incident priorities: PagerDuty's default P1-P5 scheme, fixed (an account cannot edit its
 * priorities yet). An incident's `priority` must name one of them, by reference id or by name.
 */
export interface Priority {
  id: string;
  name: string;
  description: string;
}

export const priorities: readonly Priority[] = [
  {
    id: 'PKLXPR1',
    name: 'P1',
    description: 'Critical issue that warrants public notification and liaison with executive teams',
  },
  {
    id: 'PKLXPR2',
    name: 'P2',
    description: "Critical system issue actively impacting many customers' ability to use the product",
  },
  {
    id: 'PKLXPR3',
    name: 'P3',
    description: 'Stability or minor customer-impacting issues that require immediate attention from service owners',
  },
  {
    id: 'PKLXPR4',
    name: 'P4',
    description: 'Minor issues requiring action, but not affecting customer ability to use the product',
  },
  {
    id: 'PKLXPR5',
    name: 'P5',
    description: 'Cosmetic issues or bugs, not affecting customer ability to use the product',
  },
];

/** The priority a request names: `{id}` as PagerDuty documents, or `{name}` / a bare name as clients also send. */
export function findPriority(ref: { id?: string; name?: string } | string): Priority | undefined {
  if (typeof ref === 'string') return priorities.find((p) => p.name === ref);
  if (ref.id !== undefined) return priorities.find((p) => p.id === ref.id);
  return ref.name === undefined ? undefined : priorities.find((p) => p.name === ref.name);
}
