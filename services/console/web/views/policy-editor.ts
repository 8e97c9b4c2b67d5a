import { api, listAll } from '../api';
import { ask, field, go, h } from '../dom';
import type { Ref } from './model';

export interface Policy extends Ref {
  name: string;
  description?: string | null;
  num_loops?: number;
  escalation_rules?: { id?: string; escalation_delay_in_minutes: number; targets: Ref[] }[];
  teams?: Ref[];
}

type Target = [id: string, type: 'user_reference' | 'schedule_reference', label: string];

/** One level: its delay and its targets (users and schedules, several allowed). */
function levelEditor(targets: Target[], rule?: { escalation_delay_in_minutes: number; targets: Ref[] }) {
  const chosen = new Set((rule?.targets ?? []).map((t) => t.id));
  const delay = h('input', {
    type: 'number',
    name: 'delay',
    min: 1,
    value: String(rule?.escalation_delay_in_minutes ?? 30),
  });
  const who = h(
    'select',
    { name: 'targets', multiple: true, size: Math.min(6, targets.length) },
    ...targets.map(([id, type, label]) => h('option', { value: `${type}:${id}`, selected: chosen.has(id) }, label)),
  );
  const box = h(
    'fieldset',
    { class: 'level' },
    h('legend', {}, 'Level'),
    field('Notify', who),
    field('Escalate after (minutes)', delay),
  );
  let removed = false;
  const remove = () => {
    removed = true;
    box.remove();
  };
  box.append(h('button', { type: 'button', class: 'secondary', onclick: remove }, 'Remove level'));
  const read = () => ({
    removed,
    escalation_delay_in_minutes: Number(delay.value),
    targets: [...who.selectedOptions].map((o) => {
      const [type, id] = o.value.split(':');
      return { id, type };
    }),
  });
  return { box, read };
}

/** Edits a policy's name, description, loops and levels, then `PUT`s the whole policy. */
export async function editPolicy(policy: Policy): Promise<void> {
  const [users, schedules] = await Promise.all([
    listAll<Ref & { name: string; email: string }>('/users', 'users'),
    listAll<Ref & { name: string }>('/schedules', 'schedules'),
  ]);
  const targets: Target[] = [
    ...users.map((u): Target => [u.id, 'user_reference', `${u.name} (user)`]),
    ...schedules.map((s): Target => [s.id, 'schedule_reference', `${s.name} (schedule)`]),
  ];
  const name = h('input', { type: 'text', name: 'name', value: policy.name, maxlength: 255 });
  const description = h('input', { type: 'text', name: 'description', value: policy.description ?? '' });
  const loops = h('input', { type: 'number', name: 'num_loops', min: 0, max: 9, value: String(policy.num_loops ?? 0) });
  const levels = (policy.escalation_rules ?? []).map((r) => levelEditor(targets, r));
  const list = h('div', {}, ...levels.map((l) => l.box));
  const add = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        const level = levelEditor(targets);
        levels.push(level);
        list.append(level.box);
      },
    },
    'Add level',
  );
  const body = [
    field('Name', name),
    field('Description', description),
    field('Repeat the levels (times)', loops),
    list,
    add,
  ];
  if ((await ask('Edit escalation policy', body, [['save', 'Save']])) !== 'save') return;
  // Read after the dialog closed (and left the page): removed levels say so themselves.
  const rules = levels.map((l) => l.read()).flatMap(({ removed, ...rule }) => (removed ? [] : [rule]));
  try {
    await api('PUT', `/escalation_policies/${policy.id}`, {
      escalation_policy: {
        type: 'escalation_policy',
        name: name.value.trim(),
        description: description.value.trim() || null,
        num_loops: Number(loops.value),
        escalation_rules: rules,
      },
    });
    go(location.hash, `Escalation policy ${name.value.trim()} saved`);
  } catch (err) {
    go(location.hash, (err as Error).message, 'error');
  }
}
