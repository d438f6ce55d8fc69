'use strict';
// Benchmark settings in one place: ports, JVM options for Roomcast, the
// environment each server gets, and the scenario plans (full and --quick).
//
// JVM options: edit `jvm.variants`, or override the main one for a run with
//   BENCH_JVM_OPTS="-Xms2g -Xmx2g -XX:+UseG1GC" bench/run-all.sh
// `jvm.compare` lists the extra variants run (fewer scenarios) in a full run.

const JWT_SECRET = process.env.ROOMCAST_JWT_SECRET || 'roomcast-bench-hs256-secret-0123456789abcdef';
const HEARTBEAT_S = 5; // every server pings idle sockets every 5 s during the bench

/**
 * Roomcast's settings, through MicroProfile Config environment variables: the same on both runtimes.
 * The bench opens thousands of connections from 16 loopback addresses as guests (a guest's "user" is
 * its address) and publishes fast, so every per-address and per-user limit is raised out of the way,
 * PROTOCOL 2.1's too (handshake rate, user rate, rooms per user). No dev mode: 2.1 refuses dev mode
 * with a production key, and the load generator mints its HS256 tokens with the secret itself.
 * (abuse.js runs Roomcast with its defaults instead: that is its point.)
 */
const ROOMCAST_ENV = {
  ROOMCAST_JWT_SECRET: JWT_SECRET,
  ROOMCAST_LIMITS_RATE: '100000', // per-connection frames/s: publishers send up to ~100/s
  ROOMCAST_LIMITS_BURST: '100000',
  ROOMCAST_LIMITS_USER_RATE: '1000000', // all connections of a user (a guest: of an address) together
  ROOMCAST_LIMITS_USER_BURST: '1000000',
  ROOMCAST_LIMITS_HANDSHAKE_RATE: '1000000', // per client address: the connect phases open thousands at once
  ROOMCAST_LIMITS_HANDSHAKE_BURST: '1000000',
  ROOMCAST_LIMITS_ROOMS_PER_USER: '100000', // one address's guests are in up to every bench room
  ROOMCAST_LIMITS_CONNECTIONS_PER_ADDRESS: '100000',
  ROOMCAST_LIMITS_CONNECTIONS_PER_USER: '100000',
  ROOMCAST_LIMITS_SEND_QUEUE: '4096',
  ROOMCAST_HEARTBEAT_INTERVAL: String(HEARTBEAT_S),
  ROOMCAST_HEARTBEAT_TIMEOUT: '60',
  ROOMCAST_SHUTDOWN_GRACE: '0', // no load balancer to tell: stop at once between runs (PROTOCOL 13.11's drain)
};

module.exports = {
  host: '127.0.0.1',
  sourceAddresses: 16, // client sockets bound to 127.0.0.1 .. 127.0.0.16
  jwtSecret: JWT_SECRET,
  heartbeatSeconds: HEARTBEAT_S,

  jvm: {
    main: 'g1',
    variants: {
      g1: '-Xms2g -Xmx2g -XX:+UseG1GC', // 1g thrashed G1 after 19,000 connections (docs/BENCHMARKS.md)
      parallel: '-Xms2g -Xmx2g -XX:+UseParallelGC',
      zgc: '-Xms2g -Xmx2g -XX:+UseZGC',
    },
    compare: ['parallel', 'zgc'],
  },

  servers: {
    roomcast: {
      port: 18080,
      runtime: 'payara',
      title: 'Roomcast (Payara Micro)',
      preBootFile: 'src/main/payara/pre-boot.asadmin', // the run command's container settings
      env: ROOMCAST_ENV,
      readyTimeoutS: 180,
    },
    'roomcast-wildfly': {
      port: 18083,
      runtime: 'wildfly',
      title: 'Roomcast (WildFly)',
      websockets: 'dispatch-to-worker=false', // undertow's <websockets/> attributes (docs/DEPLOYMENT.md, "Container settings")
      ioWorker: 'task-keepalive=10000', // the io subsystem's default <worker/> attributes (same section)
      env: ROOMCAST_ENV,
      readyTimeoutS: 180,
    },
    // Measured once (issue 14), not part of a default run: Payara Micro 7 (Jakarta EE 11) needs Java 21+.
    'roomcast-payara7': {
      port: 18084,
      runtime: 'payara',
      optional: true,
      title: 'Roomcast (Payara Micro 7, Java 25)',
      jar: 'bench/.work/payara-micro-7.2025.1.jar', // mvn dependency:copy -Dartifact=fish.payara.extras:payara-micro:7.2025.1 -DoutputDirectory=bench/.work
      java: '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java',
      preBootFile: 'src/main/payara/pre-boot.asadmin',
      env: ROOMCAST_ENV,
      readyTimeoutS: 240,
    },
    fastapi: {
      port: 18081,
      title: 'FastAPI + uvicorn (Debian)',
      env: { JWT_SECRET },
      readyTimeoutS: 30,
    },
    'node-ws': {
      port: 18082,
      title: 'Node.js + ws',
      env: { JWT_SECRET, HEARTBEAT_INTERVAL: String(HEARTBEAT_S) },
      readyTimeoutS: 30,
    },
  },
  baseline: 'fastapi', // ratios are computed against this server

  // Scenario plans. Each entry: [name, loadgen scenario, options].
  plans: {
    full: {
      rates: [10000, 20000, 40000, 60000, 80000, 100000],
      scenarios: [
        ['warmup-fanout', 'fanout', { rooms: 100, members: 10, rate: '10000', warmup: 3, duration: 3, 'drain-max': 5, discard: true }],
        ['warmup-echo', 'echo', { clients: 50, duration: 3, warmup: 0, discard: true }],
        ['connections', 'connections', { connections: 10000, hold: 15, rooms: 100, histogram: true }],
        ['handshakes-jwt', 'handshakes', { path: '/ws/auth', auth: 'jwt', duration: 5, concurrency: 64 }],
        ['handshakes-plain', 'handshakes', { path: '/ws/chat/1', auth: 'none', duration: 5, concurrency: 64 }],
        ['echo', 'echo', { clients: 50, duration: 5, warmup: 1 }],
        ['fanout-100x10', 'fanout', { rooms: 100, members: 10, sweep: true, warmup: 2, duration: 5, 'drain-max': 10 }],
        ['fanout-1x1000', 'fanout', { rooms: 1, members: 1000, publishers: 10, sweep: true, warmup: 2, duration: 5, 'drain-max': 10 }],
      ],
      // reduced plan for the extra JVM variants
      variantScenarios: [
        ['warmup-fanout', 'fanout', { rooms: 100, members: 10, rate: '10000', warmup: 3, duration: 3, 'drain-max': 5, discard: true }],
        ['connections', 'connections', { connections: 5000, hold: 3, rooms: 100 }],
        ['fanout-100x10', 'fanout', { rooms: 100, members: 10, rate: '20000,60000', warmup: 2, duration: 5, 'drain-max': 5 }],
      ],
    },
    quick: {
      rates: [20000, 60000],
      scenarios: [
        ['warmup-fanout', 'fanout', { rooms: 100, members: 10, rate: '10000', warmup: 1, duration: 1, discard: true }],
        ['connections', 'connections', { connections: 2000, hold: 3, rooms: 20 }],
        ['handshakes-jwt', 'handshakes', { path: '/ws/auth', auth: 'jwt', duration: 2, concurrency: 32, tokens: 50 }],
        ['handshakes-plain', 'handshakes', { path: '/ws/chat/1', auth: 'none', duration: 2, concurrency: 32 }],
        ['echo', 'echo', { clients: 20, duration: 2, warmup: 0.5 }],
        ['fanout-100x10', 'fanout', { rooms: 100, members: 10, sweep: true, warmup: 1, duration: 2 }],
        ['fanout-1x1000', 'fanout', { rooms: 1, members: 1000, publishers: 10, sweep: true, warmup: 1, duration: 2 }],
      ],
      variantScenarios: [],
    },
  },
  // sweep steps at or below this rate always run; above it the sweep stops
  // at the first step that misses the SLO (loss > 0 or p99 >= sloMs)
  sweepAlwaysUntil: 60000,
  // after a failed step only these rates still run (they are compared)
  compareRates: [20000, 60000],
  sloMs: 100,
};
