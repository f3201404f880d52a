/**
 * PostgreSQL LISTEN for the Db interface: one connection of its own (outside the pool, so it never
 * takes a slot a request needs), shared by every subscription of one Db. Invariants:
 * 1. A listener hears `listening(true)` only once its channel is LISTENed on a live connection,
 *    and `listening(false)` as soon as that connection is lost: notifications sent in between are
 *    missed, and the listener must not trust what they would have invalidated.
 * 2. A lost connection is replaced after a back-off (0.5 s, doubling to 10 s), for as long as the
 *    Db is open; no error escapes to the process.
 */
import pg from 'pg';
import type { Logger } from '../log.js';
import type { NotificationListener } from './db.js';

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 10_000;

export interface NotificationHub {
  listen(channel: string, listener: NotificationListener): () => void;
  close(): Promise<void>;
}

/** A channel goes into `LISTEN <channel>` as is: a plain lower-case identifier only. */
function checkChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new TypeError(`invalid channel ${channel}`);
}

/** Who listens on which channel: the channels to LISTEN on, and where their news goes. */
function createSubscriptions() {
  const channels = new Map<string, Set<NotificationListener>>();
  return {
    channels: () => channels.keys(),
    /** Adds a listener; `newChannel` when no one listened on its channel before. */
    add(channel: string, listener: NotificationListener) {
      const newChannel = !channels.has(channel);
      const set = channels.get(channel) ?? new Set();
      channels.set(channel, set.add(listener));
      return { newChannel, remove: () => void set.delete(listener) };
    },
    /** Tells every listener whether its channel is LISTENed on a live connection. */
    tellEveryone(state: boolean) {
      for (const set of channels.values()) for (const l of set) l.listening(state);
    },
    deliver(channel: string, payload: string) {
      for (const l of channels.get(channel) ?? []) l.notified(payload);
    },
  };
}

/** The waits before reconnecting: 0.5 s, doubling to 10 s; back to 0.5 s once live again. */
function createBackOff() {
  let ms = FIRST_RETRY_MS;
  return {
    next() {
      const wait = ms;
      ms = Math.min(ms * 2, LAST_RETRY_MS);
      return wait;
    },
    reset: () => void (ms = FIRST_RETRY_MS),
  };
}

export function createNotificationHub(config: pg.ClientConfig, logger: Logger): NotificationHub {
  const subscriptions = createSubscriptions();
  let client: pg.Client | null = null;
  let live = false;
  let closed = false;
  const backOff = createBackOff();
  let timer: NodeJS.Timeout | undefined;

  function lose(c: pg.Client, err?: Error): void {
    if (client !== c) return; // already replaced
    client = null;
    if (live) logger.warn({ err }, 'lost the PostgreSQL notification connection; reconnecting');
    live = false;
    subscriptions.tellEveryone(false);
    c.end().catch(() => undefined);
    if (closed) return;
    timer = setTimeout(reconnect, backOff.next()).unref();
  }

  function reconnect(): void {
    timer = undefined;
    void connect();
  }

  async function connect(): Promise<void> {
    if (closed || client) return;
    const c = new pg.Client(config);
    client = c;
    c.on('error', (err) => lose(c, err));
    c.on('end', () => lose(c));
    c.on('notification', (msg) => subscriptions.deliver(msg.channel, msg.payload ?? ''));
    try {
      await c.connect();
      for (const channel of subscriptions.channels()) await c.query(`LISTEN ${channel}`);
    } catch (err) {
      lose(c, err as Error);
      return;
    }
    if (client !== c) {
      await c.end().catch(() => undefined); // closed (or lost) meanwhile
      return;
    }
    live = true;
    backOff.reset();
    subscriptions.tellEveryone(true);
  }

  async function listenOn(channel: string, listener: NotificationListener): Promise<void> {
    const c = client;
    if (!c || !live) return; // connect() LISTENs every channel and tells every listener
    try {
      await c.query(`LISTEN ${channel}`);
      if (client === c && live) listener.listening(true);
    } catch (err) {
      lose(c, err as Error);
    }
  }

  return {
    listen(channel, listener) {
      checkChannel(channel);
      const { newChannel, remove } = subscriptions.add(channel, listener);
      listener.listening(false);
      if (!client && !timer) void connect();
      else if (newChannel) void listenOn(channel, listener);
      else if (live) listener.listening(true);
      return remove;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
