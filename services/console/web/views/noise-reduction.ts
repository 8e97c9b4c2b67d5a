import { field, h, select } from '../dom';

/** A service's noise-reduction settings as PagerDuty's REST API holds them. */
export interface NoiseSettings {
  alert_grouping_parameters?: { type: string | null; config?: Record<string, unknown> | null } | null;
  auto_pause_notifications_parameters?: { enabled?: boolean; timeout?: number | null };
}

const windows: [string, string][] = [
  ['0', 'Recommended'],
  ['300', '5 minutes'],
  ['600', '10 minutes'],
  ['900', '15 minutes'],
  ['1800', '30 minutes'],
  ['3600', '1 hour'],
];
const cefFields = ['summary', 'source', 'severity', 'component', 'group', 'class'];
const pauseTimeouts: [string, string][] = [
  ['120', '2 minutes'],
  ['180', '3 minutes'],
  ['300', '5 minutes'],
  ['600', '10 minutes'],
  ['900', '15 minutes'],
];

/**
 * The noise-reduction choices of PagerDuty's New Service page: intelligent, content-based or
 * time-based alert grouping (each with its settings) or none, and auto-pausing notifications for
 * transient alerts. `read()` gives the request fields; the API validates them.
 */
export function noiseReduction(current: NoiseSettings = {}): { element: HTMLElement; read: () => NoiseSettings } {
  const grouping = current.alert_grouping_parameters ?? { type: 'intelligent', config: {} };
  const config = grouping.config ?? {};
  const chosen = grouping.type ?? 'none';
  const radio = (value: string, text: string) =>
    h(
      'label',
      { class: 'inline' },
      h('input', { type: 'radio', name: 'grouping', value, checked: chosen === value }),
      text,
    );
  const intelligentWindow = select('intelligent_window', windows, String(config.time_window ?? 0));
  const contentWindow = select('content_window', [...windows, ['86400', '1 day']], String(config.time_window ?? 0));
  const aggregate = select(
    'aggregate',
    [
      ['all', 'All fields match'],
      ['any', 'Any field matches'],
    ],
    String(config.aggregate ?? 'all'),
  );
  const chosenFields = new Set(Array.isArray(config.fields) ? (config.fields as string[]) : ['source']);
  const fieldBoxes = cefFields.map((f) =>
    h(
      'label',
      { class: 'inline' },
      h('input', { type: 'checkbox', name: 'fields', value: f, checked: chosenFields.has(f) }),
      f,
    ),
  );
  const timeout = h('input', {
    type: 'number',
    name: 'time_timeout',
    min: 0,
    max: 1440,
    value: String(config.timeout ?? 0),
  });
  const pause = current.auto_pause_notifications_parameters ?? {};
  const pauseOn = h('input', { type: 'checkbox', name: 'auto_pause', checked: pause.enabled === true });
  const pauseTimeout = select('auto_pause_timeout', pauseTimeouts, String(pause.timeout ?? 300));

  // Only the chosen grouping type's settings are shown.
  const settings: Record<string, HTMLElement> = {
    intelligent: field('Intelligent grouping window', intelligentWindow),
    content_based: h(
      'fieldset',
      {},
      h('legend', {}, 'Content-based grouping'),
      field('Group when', aggregate),
      h('div', { role: 'group', 'aria-label': 'Fields to match' }, ...fieldBoxes),
      field('Content-based grouping window', contentWindow),
    ),
    time: field('Time-based grouping: minutes (0 = until the incident resolves)', timeout),
  };
  const pauseFor = field('Pause for', pauseTimeout);
  const element = h(
    'fieldset',
    {},
    h('legend', {}, 'Noise reduction'),
    h(
      'div',
      { role: 'radiogroup', 'aria-label': 'Alert grouping' },
      radio('intelligent', 'Intelligent alert grouping'),
      radio('content_based', 'Content-based alert grouping'),
      radio('time', 'Time-based alert grouping'),
      radio('none', 'No alert grouping'),
    ),
    ...Object.values(settings),
    h('label', { class: 'inline' }, pauseOn, 'Auto-pause incident notifications for transient alerts'),
    pauseFor,
  );
  const show = () => {
    const type = (element.querySelector('input[name="grouping"]:checked') as HTMLInputElement | null)?.value;
    for (const [key, part] of Object.entries(settings)) part.hidden = key !== type;
    pauseFor.hidden = !pauseOn.checked;
  };
  element.addEventListener('change', show);
  show();

  const read = (): NoiseSettings => {
    const type = (element.querySelector('input[name="grouping"]:checked') as HTMLInputElement | null)?.value ?? 'none';
    const params: NoiseSettings['alert_grouping_parameters'] =
      type === 'intelligent'
        ? { type, config: { time_window: Number(intelligentWindow.value) } }
        : type === 'content_based'
          ? {
              type,
              config: {
                aggregate: aggregate.value,
                fields: fieldBoxes
                  .map((l) => l.querySelector('input') as HTMLInputElement)
                  .filter((i) => i.checked)
                  .map((i) => i.value),
                time_window: Number(contentWindow.value),
              },
            }
          : type === 'time'
            ? { type, config: { timeout: Number(timeout.value) } }
            : { type: null };
    return {
      alert_grouping_parameters: params,
      auto_pause_notifications_parameters: pauseOn.checked
        ? { enabled: true, timeout: Number(pauseTimeout.value) }
        : { enabled: false, timeout: null },
    };
  };
  return { element, read };
}
