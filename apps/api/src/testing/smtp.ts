import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SmtpSink {
  server: SMTPServer;
  /** Every message accepted, parsed. */
  received: ParsedMail[];
  port: number;
  close(): Promise<void>;
}

/**
 * A real SMTP server for tests. With `password`, it requires AUTH as `mailer` with that password;
 * it answers 550 to recipients whose address starts with `bounce@`, as a mailbox that does not exist.
 * `onMessage` sees each message as it is accepted; the 250 is answered once it resolves.
 */
export async function startSmtpSink(options: { password?: string; onMessage?: (mail: ParsedMail, recipients: string[]) => void | Promise<void> } = {}): Promise<SmtpSink> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: options.password === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === options.password) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('bounce@')) cb(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then(async (m) => {
          received.push(m);
          await options.onMessage?.(m, session.envelope.rcptTo.map((r) => r.address));
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, received, port: (server.server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
