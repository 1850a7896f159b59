import { SMTPServer } from 'smtp-server';

/** A real SMTP server on 127.0.0.1 (no TLS, any login) keeping each mail it receives, raw, in order. */
export async function startSmtp(): Promise<{ port: number; mails: Buffer[]; close(): Promise<void> }> {
  const mails: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks));
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
