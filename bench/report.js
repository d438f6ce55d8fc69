#!/usr/bin/env node
'use strict';
// Turns a run's summary.json into markdown tables + an SVG plot of latency vs
// offered load. Writes <run>/REPORT.md and <run>/bench-latency.svg; with
// docs=true also docs/bench-latency.svg and the generated section of
// docs/BENCHMARKS.md (text outside the markers is kept).
//
//   node report.js [results/<run>] [--docs]

const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const BEGIN = '<!-- BEGIN GENERATED (bench/report.js) -->';
const END = '<!-- END GENERATED -->';

const f = (v, d = 1) => (v === null || v === undefined || !isFinite(v) ? '–' : Number(v).toFixed(d));
const k = (v) => (v === null || v === undefined || !isFinite(v) ? '–' : Math.round(v).toLocaleString('en-US'));
const ratio = (a, b) => (a === null || a === undefined || !b || !isFinite(a) ? '–' : `${(a / b).toFixed(2)}×`);

function mainRuns(summary) {
  return summary.runs.filter((r) => !r.variant || r.key === r.server);
}

function step(run, scen, rate) {
  const r = run && run.results && run.results[scen];
  if (!r || !r.steps) return null;
  return r.steps.find((s) => s.offered_deliveries_per_s === rate) || null;
}

function fanoutTable(runs, baseline, scen, rates) {
  const rows = [
    '| server | offered deliveries/s | delivered/s | delivered / expected | lost or late | p50 ms | p95 ms | p99 ms | max ms | server CPU µs/delivery | server CPU % | load-gen CPU % | other procs CPU % | CPU/delivery vs FastAPI (lower better) | p99 vs FastAPI |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const rate of rates) {
    const b = step(baseline, scen, rate);
    for (const run of runs) {
      const s = step(run, scen, rate);
      if (!s) {
        rows.push(`| ${run.key} | ${k(rate)} | ${run.error || (run.results[scen] && run.results[scen].error) || 'not run (sweep stopped earlier)'} | | | | | | | | | | | | |`);
        continue;
      }
      const lg = s.loadgen || {};
      rows.push(
        `| ${run.key} | ${k(rate)} | ${k(s.delivered_per_s)} | ${k(s.delivered)} / ${k(s.expected)} | ${k(s.lost)}${s.extra ? ` (+${s.extra} extra)` : ''}${s.out_of_order ? ` (${k(s.out_of_order)} out of order)` : ''}${s.duplicates ? ` (${k(s.duplicates)} duplicates)` : ''} | ${f(s.latency_ms.p50)} | ${f(s.latency_ms.p95)} | ${f(s.latency_ms.p99)} | ${f(s.latency_ms.max)} | ${f(s.server.cpu_us_per_delivery, 2)} | ${f(s.server.cpu_pct, 0)} | ${f(lg.cpu_pct_send_window, 0)}${lg.saturated ? ' **sat.**' : lg.lagging ? ' lag' : ''} | ${f(s.other_processes_cpu_pct, 0)} | ${b ? ratio(s.server.cpu_us_per_delivery, b.server.cpu_us_per_delivery) : '–'} | ${b ? ratio(s.latency_ms.p99, b.latency_ms.p99) : '–'} |`
      );
    }
  }
  return rows.join('\n');
}

function saturationTable(runs) {
  const rows = ['| server | 100×10: highest offered rate with zero loss and p99 < SLO | first failing step (100×10) | 1×1000: highest OK rate | first failing step (1×1000) |', '|---|---:|---|---:|---|'];
  const firstFail = (run, scen) => {
    const r = run.results[scen];
    if (!r || !r.steps) return '–';
    const s = r.steps.find((x) => !x.ok);
    if (!s) return 'none up to the last step';
    return `${k(s.offered_deliveries_per_s)}/s: lost ${k(s.lost)}, p99 ${f(s.latency_ms.p99)} ms, server ${f(s.server.cpu_pct, 0)} % CPU, load-gen ${f(s.loadgen.cpu_pct_send_window, 0)} %${s.loadgen.saturated ? ' (load-gen saturated)' : ''}`;
  };
  for (const run of runs) {
    const a = run.results['fanout-100x10'];
    const b = run.results['fanout-1x1000'];
    rows.push(`| ${run.key} | ${a && a.max_ok_deliveries_per_s ? k(a.max_ok_deliveries_per_s) : 'none'} | ${firstFail(run, 'fanout-100x10')} | ${b && b.max_ok_deliveries_per_s ? k(b.max_ok_deliveries_per_s) : 'none'} | ${firstFail(run, 'fanout-1x1000')} |`);
  }
  return rows.join('\n');
}

function connectionsTable(runs, baseline) {
  const rows = [
    '| server | requested | succeeded | failed | connects/s | dropped during hold | server pings answered | RSS idle→loaded MB | RSS KB / conn | heap KB / conn (after full GC) | server CPU % while held (idle window) | server µs CPU / connect | load-gen CPU % (connect) | RSS/conn vs FastAPI |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const base = baseline && baseline.results.connections;
  for (const run of runs) {
    const c = run.results.connections;
    if (!c || c.error) {
      rows.push(`| ${run.key} | ${(c && c.error) || run.error || 'not run'} | | | | | | | | | | | | |`);
      continue;
    }
    const fails = c.failed ? `${k(c.failed)} (${Object.entries(c.failures).map(([a, b]) => `${a}: ${b}`).join(', ')})` : '0';
    rows.push(
      `| ${run.key} | ${k(c.requested)} | ${k(c.succeeded)} | ${fails} | ${k(c.connects_per_s)} | ${k(c.dropped_during_hold)} | ${k(c.server_pings_received)} | ${f(c.server.rss_kb_baseline / 1024, 0)} → ${f(c.server.rss_kb_loaded / 1024, 0)} | ${f(c.server.rss_kb_per_connection, 1)} | ${f(c.server.heap_kb_per_connection, 1)} | ${f(c.server.idle_cpu_pct, 1)} (${f(c.server.idle_window_s, 1)} s) | ${f(c.server.cpu_us_per_connect, 0)} | ${f(c.loadgen.cpu_pct_connect, 0)}${c.loadgen.saturated ? ' **sat.**' : ''} | ${base && !base.error ? ratio(c.server.rss_kb_per_connection, base.server.rss_kb_per_connection) : '–'} |`
    );
  }
  return rows.join('\n');
}

function handshakeTable(runs, baseline) {
  const rows = [
    '| server | endpoint | token source | succeeded | failed | connects/s | handshake p50 ms | p99 ms | server µs CPU / handshake | server CPU % | load-gen CPU % | connects/s vs FastAPI (higher better) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scen of ['handshakes-jwt', 'handshakes-plain']) {
    const b = baseline && baseline.results[scen];
    for (const run of runs) {
      const h = run.results[scen];
      if (!h || h.error) {
        rows.push(`| ${run.key} | ${scen} | ${(h && h.error) || run.error || 'not run'} | | | | | | | | | |`);
        continue;
      }
      const fails = h.failed ? `${k(h.failed)} (${Object.entries(h.failures).map(([a, c]) => `${a}: ${c}`).join(', ')})` : '0';
      rows.push(
        `| ${run.key} | \`${h.path}\` | ${h.auth === 'jwt' ? h.token_source : 'none'} | ${k(h.succeeded)} | ${fails} | ${k(h.connects_per_s)} | ${f(h.handshake_latency_ms.p50, 2)} | ${f(h.handshake_latency_ms.p99, 2)} | ${f(h.server.cpu_us_per_handshake, 0)} | ${f(h.server.cpu_pct, 0)} | ${f(h.loadgen.cpu_pct, 0)}${h.loadgen.saturated ? ' **sat.**' : ''} | ${b && !b.error ? ratio(h.connects_per_s, b.connects_per_s) : '–'} |`
      );
    }
  }
  return rows.join('\n');
}

function echoTable(runs, baseline) {
  const rows = ['| server | clients | round trips/s | p50 ms | p99 ms | max ms | server µs CPU / round trip | server CPU % | load-gen CPU % | round trips/s vs FastAPI |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  const b = baseline && baseline.results.echo;
  for (const run of runs) {
    const e = run.results.echo;
    if (!e || e.error) {
      rows.push(`| ${run.key} | ${(e && e.error) || run.error || 'not run'} | | | | | | | | |`);
      continue;
    }
    rows.push(
      `| ${run.key} | ${e.clients} | ${k(e.round_trips_per_s)} | ${f(e.latency_ms.p50, 2)} | ${f(e.latency_ms.p99, 2)} | ${f(e.latency_ms.max, 1)} | ${f(e.server.cpu_us_per_round_trip, 1)} | ${f(e.server.cpu_pct, 0)} | ${f(e.loadgen.cpu_pct, 0)}${e.loadgen.saturated ? ' **sat.**' : ''} | ${b && !b.error ? ratio(e.round_trips_per_s, b.round_trips_per_s) : '–'} |`
    );
  }
  return rows.join('\n');
}

function variantTable(summary) {
  const runs = summary.runs.filter((r) => r.server === 'roomcast');
  if (runs.length < 2) return null;
  const cell = (run, scen, rate) => {
    const s = step(run, scen, rate);
    if (!s) return '–';
    return `${s.lost ? `**lost ${k(s.lost)}**, ` : ''}p99 ${f(s.latency_ms.p99)} ms, ${f(s.server.cpu_us_per_delivery, 1)} µs`;
  };
  const rows = [
    '| JVM options | ready s | idle RSS MB | 100×10 @20k | 100×10 @60k | 1×1000 @20k | 1×1000 @60k | connections: ok / requested | RSS KB/conn | heap KB/conn |',
    '|---|---:|---:|---|---|---|---|---:|---:|---:|',
  ];
  for (const run of runs) {
    const c = run.results.connections || {};
    rows.push(
      `| \`${run.jvm_opts || run.variant}\` | ${f(run.ready_s)} | ${f(run.idle_rss_kb / 1024, 0)} | ${cell(run, 'fanout-100x10', 20000)} | ${cell(run, 'fanout-100x10', 60000)} | ${cell(run, 'fanout-1x1000', 20000)} | ${cell(run, 'fanout-1x1000', 60000)} | ${c.server ? `${k(c.succeeded)} / ${k(c.requested)}` : '–'} | ${c.server ? f(c.server.rss_kb_per_connection, 1) : '–'} | ${c.server ? f(c.server.heap_kb_per_connection, 1) : '–'} |`
    );
  }
  return rows.join('\n');
}

/** Issue 14's targets, each Roomcast runtime beside Node ws (and FastAPI for reference). */
function targetsTable(summary) {
  const byKey = (key) => summary.runs.find((r) => r.key === key && !r.error) || null;
  const runtimes = [['Payara', byKey('roomcast')], ['WildFly', byKey('roomcast-wildfly')]].filter(([, run]) => run);
  const nw = byKey('node-ws');
  const fa = byKey('fastapi');
  if (!runtimes.length) return 'Roomcast was not measured in this run.';
  const head = ['target', ...runtimes.map(([name]) => `Roomcast on ${name}`), 'Node ws', 'FastAPI', 'met?'];
  const rows = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const yes = (b) => (b === null ? 'n/a' : b ? 'yes' : '**no**');
  const row = (target, cell, verdict) => rows.push(`| ${target} | ${runtimes.map(([, run]) => cell(run)).join(' | ')} | ${cell(nw)} | ${cell(fa)} | ${verdict} |`);
  const each = (test) => runtimes.map(([name, run]) => `${name}: ${yes(test(run))}`).join('; ');

  const echo = (run) => (run && run.results.echo && !run.results.echo.error ? run.results.echo : null);
  const ne = echo(nw);
  const echoRatios = runtimes.map(([, run]) => (echo(run) && ne ? echo(run).server.cpu_us_per_round_trip / ne.server.cpu_us_per_round_trip : null));
  const bestEcho = echoRatios.filter((x) => x !== null).sort((a, b) => a - b);
  row('echo: server CPU per round trip ≤ Node ws on one runtime, ≤ 1.5× on the other',
    (run) => (echo(run) ? `${f(echo(run).server.cpu_us_per_round_trip, 1)} µs (${k(echo(run).round_trips_per_s)}/s)` : '–'),
    bestEcho.length === runtimes.length && ne ? yes(bestEcho[0] <= 1 && bestEcho[bestEcho.length - 1] <= 1.5) : 'n/a');

  for (const scen of ['fanout-1x1000', 'fanout-100x10']) {
    for (const rate of [20000, 60000]) {
      const n = step(nw, scen, rate);
      row(`${scen} @ ${k(rate)}/s: zero loss; CPU/delivery and p99 ≤ Node ws`,
        (run) => {
          const x = step(run, scen, rate);
          return x ? `lost ${k(x.lost)}, p99 ${f(x.latency_ms.p99)} ms, ${f(x.server.cpu_us_per_delivery, 1)} µs` : '–';
        },
        each((run) => {
          const x = step(run, scen, rate);
          return x && n ? x.lost === 0 && x.server.cpu_us_per_delivery <= n.server.cpu_us_per_delivery && x.latency_ms.p99 <= n.latency_ms.p99 : null;
        }));
    }
  }
  const sat = (run, scen) => (run && run.results[scen] && run.results[scen].max_ok_deliveries_per_s) || 0;
  row(`saturation (zero loss, p99 < ${summary.config.sloMs} ms), 100×10 / 1×1000: ≥ Node ws`,
    (run) => (run ? `${k(sat(run, 'fanout-100x10'))} / ${k(sat(run, 'fanout-1x1000'))}` : '–'),
    each((run) => (nw ? sat(run, 'fanout-100x10') >= sat(nw, 'fanout-100x10') && sat(run, 'fanout-1x1000') >= sat(nw, 'fanout-1x1000') : null)));

  const conn = (run) => (run && run.results.connections && run.results.connections.server ? run.results.connections : null);
  const perConnKb = (c) => Math.max(c.server.rss_kb_per_connection || 0, c.server.heap_kb_per_connection || 0);
  row('idle connections: ≤ 8 KB each (RSS and heap after a full GC), ≤ 3 % of a core while held',
    (run) => {
      const c = conn(run);
      return c ? `${k(c.succeeded)}: RSS ${f(c.server.rss_kb_per_connection)} KB, heap ${f(c.server.heap_kb_per_connection)} KB; ${f(c.server.idle_cpu_pct, 1)} % CPU` : '–';
    },
    each((run) => {
      const c = conn(run);
      return c ? c.failed === 0 && perConnKb(c) <= 8 && c.server.idle_cpu_pct !== null && c.server.idle_cpu_pct <= 3 : null;
    }));

  const hs = (run, scen) => (run && run.results[scen] && !run.results[scen].error ? run.results[scen] : null);
  for (const scen of ['handshakes-plain', 'handshakes-jwt']) {
    const n = hs(nw, scen);
    row(`${scen}: connects/s ≥ Node ws on one runtime`,
      (run) => (hs(run, scen) ? `${k(hs(run, scen).connects_per_s)}/s (${k(hs(run, scen).failed)} failed)` : '–'),
      n ? yes(runtimes.some(([, run]) => hs(run, scen) && hs(run, scen).failed === 0 && hs(run, scen).connects_per_s >= n.connects_per_s)) : 'n/a');
  }
  return rows.join('\n');
}

// ------------------------------------------------------------ SVG plot
const COLORS = { roomcast: '#d62728', 'roomcast-wildfly': '#9467bd', fastapi: '#1f77b4', 'node-ws': '#2ca02c' };
function svgPlot(summary) {
  const W = 900;
  const H = 520;
  const m = { l: 70, r: 220, t: 40, b: 55 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const series = [];
  for (const run of mainRuns(summary)) {
    for (const [scen, dash] of [['fanout-100x10', ''], ['fanout-1x1000', '6,4']]) {
      const r = run.results[scen];
      if (!r || !r.steps || !r.steps.length) continue;
      series.push({ name: `${run.key} ${scen.replace('fanout-', '').replace('x', '×')}`, color: COLORS[run.server] || '#555', dash, pts: r.steps.map((s) => ({ x: s.offered_deliveries_per_s, y: s.latency_ms.p99, y50: s.latency_ms.p50, ok: s.ok, lost: s.lost })) });
    }
  }
  const xs = series.flatMap((s) => s.pts.map((p) => p.x));
  const xmax = Math.max(10000, ...xs) * 1.05;
  const ylo = 1;
  const yhi = Math.max(1000, ...series.flatMap((s) => s.pts.map((p) => p.y || 0))) * 1.2;
  const lx = (x) => m.l + (x / xmax) * pw;
  const ly = (y) => m.t + ph - ((Math.log10(Math.max(ylo, y)) - Math.log10(ylo)) / (Math.log10(yhi) - Math.log10(ylo))) * ph;
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  o.push(`<text x="${m.l}" y="22" font-size="15" font-weight="bold">Fan-out p99 latency vs offered load (${summary.machine.nproc} cores, server + load generator on one machine)</text>`);
  for (let e = Math.ceil(Math.log10(ylo)); e <= Math.floor(Math.log10(yhi)); e++) {
    const y = ly(10 ** e);
    o.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${m.l - 8}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(1)}</text>`);
  }
  const step = xmax > 120000 ? 20000 : 10000;
  for (let x = 0; x <= xmax; x += step) {
    o.push(`<line x1="${lx(x)}" x2="${lx(x)}" y1="${m.t}" y2="${m.t + ph}" stroke="#eee"/><text x="${lx(x)}" y="${m.t + ph + 18}" text-anchor="middle">${x / 1000}k</text>`);
  }
  const slo = summary.config.sloMs;
  o.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${ly(slo)}" y2="${ly(slo)}" stroke="#999" stroke-dasharray="2,3"/><text x="${m.l + 4}" y="${ly(slo) - 4}" fill="#777">SLO p99 ${slo} ms</text>`);
  o.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  o.push(`<text x="${m.l + pw / 2}" y="${H - 12}" text-anchor="middle">offered deliveries/s (messages/s × members)</text>`);
  o.push(`<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">p99 end-to-end latency, ms (log)</text>`);
  series.forEach((s, i) => {
    const d = s.pts.filter((p) => p.y !== null).map((p, j) => `${j ? 'L' : 'M'}${lx(p.x).toFixed(1)},${ly(p.y).toFixed(1)}`).join(' ');
    o.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const p of s.pts) {
      if (p.y === null) continue;
      o.push(`<circle cx="${lx(p.x).toFixed(1)}" cy="${ly(p.y).toFixed(1)}" r="4" fill="${p.ok ? s.color : '#fff'}" stroke="${s.color}" stroke-width="2"><title>${s.name} @ ${p.x}/s: p50 ${p.y50} ms, p99 ${p.y} ms, lost ${p.lost}</title></circle>`);
    }
    const ly0 = m.t + 10 + i * 20;
    o.push(`<line x1="${m.l + pw + 15}" x2="${m.l + pw + 45}" y1="${ly0}" y2="${ly0}" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/><text x="${m.l + pw + 52}" y="${ly0 + 4}">${s.name}</text>`);
  });
  const ny = m.t + 20 + series.length * 20;
  o.push(`<circle cx="${m.l + pw + 30}" cy="${ny}" r="4" fill="#555"/><text x="${m.l + pw + 52}" y="${ny + 4}">zero loss, p99 &lt; SLO</text>`);
  o.push(`<circle cx="${m.l + pw + 30}" cy="${ny + 20}" r="4" fill="#fff" stroke="#555" stroke-width="2"/><text x="${m.l + pw + 52}" y="${ny + 24}">missed the SLO</text>`);
  o.push('</svg>');
  return o.join('\n');
}

function generated(summary, svgRel) {
  const runs = mainRuns(summary);
  const baseline = runs.find((r) => r.key === 'fastapi' && !r.error) || null;
  const mc = summary.machine;
  const lines = [];
  lines.push(`Run: ${summary.mode} mode, ${mc.date}, ${summary.elapsed_s} s in total. Raw JSON: \`bench/results/<run>/\` (not committed).`);
  lines.push('');
  lines.push(`Machine: \`nproc\` = ${mc.nproc}, CPU \`${mc.cpu_model}\`, kernel ${mc.kernel}, load average at start ${mc.loadavg_at_start.map((x) => x.toFixed(2)).join(' ')}, at end ${(mc.loadavg_at_end || []).map((x) => x.toFixed(2)).join(' ')}.`);
  lines.push('');
  lines.push('```');
  lines.push(`$ free -h\n${mc.free_h}`);
  lines.push('```');
  lines.push('');
  lines.push(`Software: Node ${mc.node}, ws ${mc.ws}, ${mc.java ? mc.java.split('\n')[0] : 'java ?'}, ${mc.python || ''} (${mc.python_packages || 'fastapi not installed'}).`);
  lines.push('');
  const others = [];
  for (const r of summary.runs) {
    for (const res of Object.values(r.results || {})) {
      if (!res) continue;
      if (res.steps) for (const st of res.steps) if (st.other_processes_cpu_pct !== null && st.other_processes_cpu_pct !== undefined) others.push(st.other_processes_cpu_pct);
      if (typeof res.other_processes_cpu_pct === 'number') others.push(res.other_processes_cpu_pct);
      if (typeof res.other_processes_cpu_pct_connect === 'number') others.push(res.other_processes_cpu_pct_connect);
    }
  }
  if (others.length) {
    const mean = others.reduce((a, b) => a + b, 0) / others.length;
    const disturbed = others.filter((x) => x > 25).length;
    lines.push(
      `CPU used by other processes on the machine during the measured windows: mean ${f(mean, 0)} % of one core, ${disturbed} of ${others.length} windows above 25 %.` +
        (mean > 25 ? ' **This run was disturbed by other work on the machine: latencies and rates below are pessimistic for every server; per-operation CPU figures (µs/delivery, KB/connection) are the most robust numbers.**' : '')
    );
    lines.push('');
  }
  if (summary.aborted) lines.push(`**The run was cut short: ${summary.aborted}.**\n`);
  if (summary.skipped_variants) lines.push(`JVM variants skipped to stay within the time budget: ${summary.skipped_variants.join(', ')}.\n`);
  lines.push('Servers:');
  lines.push('');
  for (const r of summary.runs) {
    lines.push(`- **${r.key}** — ${r.error ? `not measured: ${r.error}` : `ready in ${f(r.ready_s)} s, idle RSS ${f(r.idle_rss_kb / 1024, 0)} MB, ${r.idle_threads} threads; \`${r.command.replace(REPO + '/', '')}\``}`);
  }
  lines.push('');
  lines.push('"load-gen CPU %" is the load generator\'s own CPU (100 % = one core; **sat.** = it was the bottleneck, ≥ 90 % of a core; "lag" = its send schedule slipped by more than 50 ms without it being CPU-bound, i.e. it was starved of CPU). "other procs CPU %" is CPU used on the machine by anything other than the server and the load generator during the window (should be ~0; anything large means the figures are disturbed).');
  lines.push('');
  lines.push('### Targets (Roomcast)');
  lines.push('');
  lines.push(targetsTable(summary));
  lines.push('');
  lines.push('### Fan-out, 1 room × 1,000 members (10 publishers)');
  lines.push('');
  lines.push(fanoutTable(runs, baseline, 'fanout-1x1000', [20000, 60000]));
  lines.push('');
  lines.push('### Fan-out, 100 rooms × 10 members (100 publishers, one per room)');
  lines.push('');
  lines.push(fanoutTable(runs, baseline, 'fanout-100x10', [20000, 60000]));
  lines.push('');
  lines.push(`### Saturation (sweep ${summary.config.rates.map((x) => `${x / 1000}k`).join(', ')} deliveries/s; SLO: zero loss and p99 < ${summary.config.sloMs} ms)`);
  lines.push('');
  lines.push(saturationTable(runs));
  lines.push('');
  lines.push(`![p99 latency vs offered load](${svgRel})`);
  lines.push('');
  lines.push('### Idle connections (heartbeats on: every server pings each socket every ' + summary.config.heartbeatSeconds + ' s)');
  lines.push('');
  lines.push(connectionsTable(runs, baseline));
  lines.push('');
  lines.push('### Handshakes');
  lines.push('');
  lines.push(handshakeTable(runs, baseline));
  lines.push('');
  lines.push('### Echo (one member per room, closed loop)');
  lines.push('');
  lines.push(echoTable(runs, baseline));
  lines.push('');
  const vt = variantTable(summary);
  if (vt) {
    lines.push('### Roomcast JVM options compared (reduced plan)');
    lines.push('');
    lines.push(vt);
    lines.push('');
  }
  return lines.join('\n');
}

const TEMPLATE = `# Benchmarks

See bench/README.md for how to run them.

${BEGIN}
${END}
`;

function write(summary, outDir, opts) {
  const files = [];
  const svg = svgPlot(summary);
  fs.writeFileSync(path.join(outDir, 'bench-latency.svg'), svg + '\n');
  files.push(path.join(outDir, 'bench-latency.svg'));
  fs.writeFileSync(path.join(outDir, 'REPORT.md'), `# Benchmark run\n\n${generated(summary, 'bench-latency.svg')}\n`);
  files.push(path.join(outDir, 'REPORT.md'));
  if (opts && opts.docs) {
    const docs = path.join(REPO, 'docs');
    fs.mkdirSync(docs, { recursive: true });
    fs.writeFileSync(path.join(docs, 'bench-latency.svg'), svg + '\n');
    files.push(path.join(docs, 'bench-latency.svg'));
    const md = path.join(docs, 'BENCHMARKS.md');
    let text = fs.existsSync(md) ? fs.readFileSync(md, 'utf8') : TEMPLATE;
    if (!text.includes(BEGIN) || !text.includes(END)) text = text.trimEnd() + `\n\n${BEGIN}\n${END}\n`;
    const a = text.indexOf(BEGIN) + BEGIN.length;
    const b = text.indexOf(END);
    text = text.slice(0, a) + '\n' + generated(summary, 'bench-latency.svg') + '\n' + text.slice(b);
    fs.writeFileSync(md, text);
    files.push(md);
  }
  return files;
}

module.exports = { write, svgPlot, generated };

if (require.main === module) {
  const args = process.argv.slice(2);
  const dir = path.resolve(args.find((a) => !a.startsWith('--')) || path.join(__dirname, 'results', 'latest'));
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
  for (const file of write(summary, dir, { docs: args.includes('--docs') })) console.log(`wrote ${file}`);
}
