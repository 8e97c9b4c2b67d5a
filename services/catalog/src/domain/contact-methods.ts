import { invalid } from './checks';

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const phonePattern = /^\+?[0-9][0-9 ()-]{3,20}$/;

/** An address must fit its contact method type: an email for email, digits for phone, SMS and WhatsApp. */
export function validateContactAddress(type: string, address: string): void {
  if (type === 'email_contact_method' && !emailPattern.test(address)) {
    throw invalid('address must be a valid email address');
  }
  if (
    (type === 'phone_contact_method' || type === 'sms_contact_method' || type === 'whatsapp_contact_method') &&
    !phonePattern.test(address)
  ) {
    throw invalid('address must be a phone number');
  }
}
