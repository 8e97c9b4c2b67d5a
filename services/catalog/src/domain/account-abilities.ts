/**
 * The account abilities Klaxon has (GET /abilities): the PagerDuty ability names of features it
 * implements, so tools that test an ability before using a feature (Terraform's provider tests
 * `teams`, for one) go ahead. Any other name is a feature Klaxon lacks.
 */
export const accountAbilities: readonly string[] = [
  'teams',
  'read_only_users',
  'team_responders',
  'urgencies',
  'service_support_hours',
  'manage_schedules',
  'manage_api_keys',
  'time_based_alert_grouping',
  'preview_intelligent_alert_grouping',
];
