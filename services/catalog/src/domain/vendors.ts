/**
 * Klaxon's built-in vendor catalog: the Events APIs, email and common monitoring tools. A vendor
 * integration is created with the vendor's integration type and a reference to the vendor.
 */
export interface Vendor {
  id: string;
  name: string;
  website_url: string;
  description: string;
  /** The integration type a vendor integration gets when the request names none. */
  integration_type: string;
  generic_service_type: string;
}

const v = (
  id: string,
  name: string,
  website_url: string,
  description: string,
  integration_type = 'events_api_v2_inbound_integration',
): Vendor => ({
  id,
  name,
  website_url,
  description,
  integration_type,
  generic_service_type: integration_type === 'generic_email_inbound_integration' ? 'email' : 'api',
});

export const vendors: readonly Vendor[] = [
  v(
    'PKLXEV2',
    'Events API v2',
    'https://developer.pagerduty.com/docs/events-api-v2/overview/',
    'Send events with the PagerDuty Events API v2 (POST /v2/enqueue).',
  ),
  v(
    'PKLXEV1',
    'Events API v1',
    'https://developer.pagerduty.com/docs/events-api-v1/overview/',
    'Send events with the legacy Events API v1.',
    'generic_events_api_inbound_integration',
  ),
  v(
    'PKLXEML',
    'Email',
    'https://support.pagerduty.com/main/docs/email-integration-guide',
    'Open incidents from emails sent to the integration address.',
    'generic_email_inbound_integration',
  ),
  v('PKLXPRM', 'Prometheus', 'https://prometheus.io', 'Alertmanager sends alerts through the Events API v2.'),
  v('PKLXGRF', 'Grafana', 'https://grafana.com', 'Grafana alerting contact point for PagerDuty.'),
  v('PKLXDDG', 'Datadog', 'https://www.datadoghq.com', 'Datadog monitors notify through the Events API v2.'),
  v(
    'PKLXNAG',
    'Nagios',
    'https://www.nagios.org',
    'Nagios host and service notifications.',
    'nagios_inbound_integration',
  ),
  v('PKLXZBX', 'Zabbix', 'https://www.zabbix.com', 'Zabbix triggers through the Events API v2 media type.'),
  v(
    'PKLXCWT',
    'Amazon CloudWatch',
    'https://aws.amazon.com/cloudwatch',
    'CloudWatch alarms via SNS.',
    'aws_cloudwatch_inbound_integration',
  ),
  v('PKLXPNG', 'Pingdom', 'https://www.pingdom.com', 'Pingdom uptime checks.', 'pingdom_inbound_integration'),
  v('PKLXNRL', 'New Relic', 'https://newrelic.com', 'New Relic alert workflows.'),
  v('PKLXSEN', 'Sentry', 'https://sentry.io', 'Sentry issue alerts.'),
];

export const findVendor = (id: string): Vendor | undefined => vendors.find((vendor) => vendor.id === id);
