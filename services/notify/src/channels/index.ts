import type { Channels } from '../people/dispatcher';
import { unavailableChannel } from './channel';
import { type EmailSettings, emailChannel } from './email.channel';
import { smsChannel, type TwilioSettings, voiceChannel } from './twilio.channel';

export * from './channel';

/** The channel adapters the settings configure; an unconfigured one fails attempts with a clear reason. */
export function createChannels(settings: {
  email?: EmailSettings | undefined;
  twilio?: TwilioSettings | undefined;
}): Channels {
  return {
    email: settings.email
      ? emailChannel(settings.email)
      : unavailableChannel('email is not configured (KLAXON_SMTP_URL)'),
    sms: settings.twilio ? smsChannel(settings.twilio) : unavailableChannel('SMS is not configured (KLAXON_TWILIO_*)'),
    phone: settings.twilio
      ? voiceChannel(settings.twilio)
      : unavailableChannel('voice is not configured (KLAXON_TWILIO_*)'),
    push: unavailableChannel('push notifications are not supported yet'),
    unknown: unavailableChannel('this contact method type cannot be notified'),
  };
}
