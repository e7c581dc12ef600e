import pg from 'pg';
import type { Violation } from '../../core/index.js';
import type { ConfigCheck, SourceKind, SourceRun, SourceRunner } from '../types.js';
import { Backoff, sleep } from './backoff.js';
import { brokerCredentials, checkEndpoint, requiredText, settingsObject, unknownKeys, type BrokerEndpoint } from './broker-config.js';
import { takeMessage, type BrokerLimits, type ReceivedMessage } from './broker-message.js';
import { payloadContentType } from './binding-text.js';

export interface PostgresNotifyConfig extends BrokerEndpoint {
  readonly channel: string;
}

const CHANNEL = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/**
 * `postgres-notify`: LISTENs on a channel; each NOTIFY payload is a message (a JSON object with
 * `specversion` is a structured CloudEvent; anything else is mapped, JSON payloads parsed).
 * PostgreSQL keeps no notification for a listener that is away: notifications sent while the
 * source is disconnected are lost, and a payload whose put fails cannot be redelivered (it is
 * counted and logged) — at most once, by the protocol.
 */
export function postgresNotifyKind(limits: BrokerLimits): SourceKind<PostgresNotifyConfig> {
  return {
    name: 'postgres-notify',
    description: 'a PostgreSQL LISTEN/NOTIFY channel (at most once: PostgreSQL keeps no notification)',
    checkConfig(config: unknown, at: string): ConfigCheck<PostgresNotifyConfig> {
      const out: Violation[] = [];
      const o = settingsObject(config);
      unknownKeys(o, ['url', 'connection', 'channel'], at, 'postgres-notify', out);
      const ep = checkEndpoint(o, at, ['postgres', 'postgresql'], out);
      const channel = requiredText(o, 'channel', at, 63, out, 'the channel to LISTEN on');
      if (channel !== '' && !CHANNEL.test(channel)) out.push({ path: `${at}/channel`, reason: 'must be a plain identifier (letters, digits, _ and $, not starting with a digit)' });
      return out.length > 0 || ep === undefined ? { ok: false, violations: out } : { ok: true, config: { ...ep, channel } };
    },
    connections: (c) => (c.connection === undefined ? [] : [c.connection]),
    start: (run) => startPostgres(run, limits),
  };
}

function startPostgres(run: SourceRun<PostgresNotifyConfig>, limits: BrokerLimits): SourceRunner {
  const c = run.config;
  const backoff = new Backoff();
  const loop = (async () => {
    while (!run.signal.aborted) {
      let client: pg.Client | undefined;
      try {
        const creds = await brokerCredentials(run.secrets, c.connection);
        client = new pg.Client({ connectionString: c.url, connectionTimeoutMillis: 10_000, application_name: `switchyard-source-${run.name}`, ...(creds === undefined ? {} : { user: creds.user, password: creds.pass }) });
        const cl = client;
        const ended = new Promise<Error | undefined>((resolve) => {
          cl.on('error', (e) => resolve(e));
          cl.on('end', () => resolve(undefined));
        });
        let chain = Promise.resolve();
        cl.on('notification', (n) => {
          if (n.channel !== c.channel) return;
          const body = Buffer.from(n.payload ?? '', 'utf8');
          const m: ReceivedMessage = { origin: n.channel, body, contentType: payloadContentType(body), ceHeaders: {}, headers: {}, meta: { channel: n.channel, pid: n.processId } };
          // One at a time, in the order PostgreSQL delivered them.
          chain = chain.then(async () => {
            const s = await takeMessage(m, run, 'postgres-notify', limits);
            if (s.type === 'retry') {
              run.failing(s.error);
              run.log.error({ source: run.name, err: s.error }, 'a notification could not be stored and is lost (PostgreSQL does not redeliver)');
            }
          });
        });
        await cl.connect();
        await cl.query(`LISTEN "${c.channel}"`);
        backoff.reset();
        run.healthy();
        const aborted = new Promise<undefined>((resolve) => run.signal.addEventListener('abort', () => resolve(undefined), { once: true }));
        const why = await Promise.race([ended, aborted]);
        if (!run.signal.aborted) run.failing(why ?? new Error('the connection to PostgreSQL ended'));
        await chain;
      } catch (err) {
        if (!run.signal.aborted) run.failing(err);
      } finally {
        await client?.end().catch(() => undefined);
      }
      if (!run.signal.aborted) await sleep(backoff.next(), run.signal);
    }
  })();
  return { stop: () => loop };
}
