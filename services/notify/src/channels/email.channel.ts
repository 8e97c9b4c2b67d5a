import nodemailer from 'nodemailer';
import { handoffEmail } from '../domain/handoff-messages';
import { emailContent } from '../domain/messages';
import type { ChannelAdapter } from './channel';

export interface EmailSettings {
  /** smtp://user:pass@host:port, or smtps:// for implicit TLS. */
  url: string;
  from: string;
}

// SMTP reply codes 4xx are transient by definition (RFC 5321); 5xx are permanent.
const transient = (err: unknown): boolean => {
  const code = (err as { responseCode?: number }).responseCode;
  return code === undefined || (code >= 400 && code < 500);
};

/** Email over SMTP (nodemailer): one message per incident (or handoff), never bundled. */
export function emailChannel(settings: EmailSettings): ChannelAdapter {
  // Pooled: a storm's emails reuse up to 16 connections (the dispatcher's concurrency) instead of a
  // TCP (and TLS) handshake and EHLO each; measured by bench:notify.
  const transport = nodemailer.createTransport({ url: settings.url, pool: true, maxConnections: 16 });
  return {
    async send(n) {
      const incident = n.incidents[0];
      const content = n.handoff ? handoffEmail(n.handoff) : incident && emailContent(incident);
      if (!content) return { ok: false, retry: false, detail: 'nothing to send' };
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: n.address,
          // Stable across retries, so a message re-sent after a crash can be recognised downstream.
          messageId: `<${n.key}@klaxon>`,
          subject: content.subject,
          text: content.text,
          html: content.html,
        });
        return { ok: true, ref: info.messageId, detail: info.response };
      } catch (err) {
        return {
          ok: false,
          retry: transient(err),
          detail: `SMTP: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    },
    close: () => transport.close(),
  };
}
