// Types for roomcast.js (served beside it at /roomcast.d.ts). The wire frames are PROTOCOL v2's.

/** A position in a room's stream (PROTOCOL 9). */
export interface StreamPosition {
  epoch: string;
  offset: number;
}

export interface RoomcastOptions {
  /** A fixed token, sent as the access_token query parameter. */
  token?: string;
  /** Returns a fresh token: called to connect, to reconnect after expiry, and to refresh before expiresAt. */
  tokenProvider?: () => Promise<string> | string;
  /** Allows a client without credentials on an endpoint other than /ws/realtime. */
  anonymous?: boolean;
  /** A WebSocket constructor (e.g. the ws package's default export) where there is no global one. */
  WebSocket?: new (url: string) => WebSocket;
  /** Reconnect delays in ms; the last one repeats. Default DEFAULT_BACKOFF_MS. */
  backoff?: readonly number[];
  /** The largest message frame sent, in UTF-8 bytes (the server's roomcast.limits.max-text). Default 65536. */
  maxFrameBytes?: number;
  /** Refresh the token this long before it expires (or halfway through its life, if later). Default 30000. */
  refreshAheadMs?: number;
  /** false: never ask the server over HTTP whether a token is accepted after a socket that never opened. */
  probe?: boolean;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface Welcome {
  type: 'welcome';
  connectionId: string;
  user: string;
  clientId: number | null;
  address: string;
  heartbeatInterval: number;
  timestamp: number;
  expiresAt: number | null;
}

export interface Message {
  type: 'message';
  room: number;
  id: string;
  from: string;
  text: string;
  ref: string | null;
  timestamp: number;
  epoch: string | null;
  offset: number | null;
}

export interface Presence {
  type: 'presence';
  room: number;
  event: 'join' | 'leave';
  user: string;
  members: number;
}

export interface Direct {
  type: 'direct';
  from: string;
  text: string;
  timestamp: number;
}

/** A `joined` reply, on join() and on every rejoin after a reconnect. */
export interface Joined {
  room: number;
  members: number;
  epoch: string | null;
  offset: number | null;
  /** true: the `missed` messages follow, then live ones; nothing lost, nothing twice. */
  recovered: boolean;
  missed: number;
  /** Why recovery failed: disabled, epoch_changed, unknown_position or too_old; null otherwise. */
  reason: string | null;
  /** true when this is the automatic join again after a reconnect. */
  rejoin: boolean;
  /**
   * The position this join asked to resume from (the last message delivered in the room), or null
   * (a first join, or a server without streams). When recovery failed, the gap lies after it
   * (same epoch; from the start of the stream when the epoch changed) and up to `offset`.
   */
  since: StreamPosition | null;
}

export interface Left {
  type: 'left';
  room: number;
  /** Set when the server took the client out (forbidden_room after a refresh). */
  reason?: string;
  ref?: string | null;
}

export interface Ack {
  type: 'ack';
  ref: string;
  room: number;
  id: string;
  epoch: string | null;
  offset: number | null;
}

export interface History {
  type: 'history';
  room: number;
  epoch: string | null;
  offset: number | null;
  messages: Message[];
  complete: boolean;
  ref: string | null;
}

export interface Refreshed {
  type: 'refreshed';
  expiresAt: number;
  ref: string | null;
}

export interface Disconnect {
  /**
   * The WebSocket close code: the server's (PROTOCOL 5: 1001, 1008, 1009, 1011, 1013), 1006 when the
   * connection was lost or never opened, or this client's own: 4000 when it found the connection dead
   * from missed heartbeats (it reconnects). The client closes its socket with 1000 on `close()`, 4000
   * when it gives a dead connection up, and 4001 (`closed by the client`) when it stops for good with a
   * socket still open.
   */
  code: number;
  reason: string;
  /** The HTTP status of a refused handshake, when known. */
  status?: number;
  /** false: the client stopped (see `stopped`). */
  retry: boolean;
  /** ms until the next attempt, when retrying. */
  delay?: number;
  attempt?: number;
}

export interface Heartbeat {
  type: 'heartbeat';
  timestamp: number;
}

export interface Stopped {
  /** As `Disconnect.code`. */
  code: number;
  reason: string;
  status?: number;
}

export interface RoomcastEvents {
  state: { state: ConnectionState; previous: ConnectionState };
  welcome: Welcome;
  message: Message;
  presence: Presence;
  direct: Direct;
  joined: Joined;
  left: Left;
  refreshed: Refreshed;
  /** Each server heartbeat (PROTOCOL 4): a sign of life an app can show. */
  heartbeat: Heartbeat;
  error: RoomcastError;
  disconnect: Disconnect;
  stopped: Stopped;
  /** A history answer nobody asked for through history(). */
  history: History;
  /** A frame of a type this client does not know. */
  frame: { type: string; [key: string]: unknown };
}

/** A server error frame (`code` as on the wire, `detail` the frame) or a client-side problem. */
export declare class RoomcastError extends Error {
  constructor(code: string, message?: string, detail?: unknown);
  readonly code: string;
  readonly detail?: unknown;
}

export declare const DEFAULT_BACKOFF_MS: readonly number[];

export declare class RoomcastClient {
  constructor(url: string, options?: RoomcastOptions);
  readonly url: string;
  readonly state: ConnectionState;
  /** The last welcome frame, or null before the first. */
  readonly welcome: Welcome | null;
  on<K extends keyof RoomcastEvents>(name: K, listener: (value: RoomcastEvents[K]) => void): () => void;
  off<K extends keyof RoomcastEvents>(name: K, listener: (value: RoomcastEvents[K]) => void): void;
  join(room: number): Promise<Joined>;
  leave(room: number): Promise<Left>;
  publish(room: number, text: string, options?: { ref?: string }): Promise<Ack>;
  /** The room must be joined (PROTOCOL 13.4); `complete: false` means page on with `since` (13.1). */
  history(room: number, options?: { since?: StreamPosition; limit?: number }): Promise<History>;
  /** Fire and forget, never resent: false when not connected (nothing sent). */
  direct(to: number, text: string): boolean;
  position(room: number): StreamPosition | null;
  /** Skips what is left of the backoff wait and tries now; false when there is no wait to skip. */
  reconnectNow(): boolean;
  close(): void;
}

/** Creates a client and starts connecting to a JSON endpoint (/ws/realtime, /ws/auth, /ws/secure/{clientId}). */
export declare function connect(url: string, options?: RoomcastOptions): RoomcastClient;
