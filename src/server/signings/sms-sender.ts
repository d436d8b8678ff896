import type { Database } from '../db/client.js';
import { outbox } from '../db/schema/index.js';

/**
 * Sends a text message to a mobile number. A deployment plugs in its SMS gateway; the embedded
 * default writes the message to the outbox, where the operators' outbox view shows it as SMS
 * (without SMTP, in the demo) and no e-mail sender ever picks it up.
 */
export type SmsSender = {
  send(tx: Database, message: { accountId: string; to: string; text: string; carriesCode: boolean }): Promise<void>;
};

export const outboxSmsSender: SmsSender = {
  async send(tx, message) {
    // Marked sent at once: the e-mail deliverer only takes rows with no sent_at.
    await tx.insert(outbox).values({
      accountId: message.accountId,
      toAddress: message.to,
      subject: '短信 / SMS',
      body: message.text,
      channel: 'sms',
      carriesCode: message.carriesCode,
      sentAt: new Date(),
    });
  },
};
