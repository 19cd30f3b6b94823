// Compares a console transcript read from the page with one captured from real iex 1.14
// (tests/fixtures/iex/*.out), after the same normalization as tests/it/elixir/corpus.rs:
// warnings and stack lines dropped, pids, references and fun ids numbered by identity,
// compiled module bytes as <<BEAM>>. Returns the entries that differ.

function byIdentity(text, prefix, tag) {
  const seen = new Map();
  let out = '';
  let rest = text;
  for (;;) {
    const start = rest.indexOf(prefix);
    if (start < 0) break;
    out += rest.slice(0, start);
    const tail = rest.slice(start);
    const close = tail.indexOf('>');
    const end = close < 0 ? tail.length : close + 1;
    const key = tail.slice(0, end);
    if (!seen.has(key)) seen.set(key, seen.size + 1);
    out += `${tag}${seen.get(key)}>`;
    rest = tail.slice(end);
  }
  return out + rest;
}

function isStackLine(line) {
  if (!line.startsWith('    ')) return false;
  const rest = line.slice(4);
  if (rest.startsWith(' ')) return false;
  if (rest.startsWith('(') || rest.startsWith('iex:') || rest.startsWith(':')) return true;
  if (rest.startsWith('expanding macro') || rest.startsWith('expanding struct')) return true;
  const head = rest.split('(')[0];
  return head.includes('.') && /^[A-Z]/.test(head) && !head.includes(' ');
}

const PROMPT = /iex\(\d+\)> /;

export function normalize(text) {
  const lines = [];
  let skipping = false;
  for (const line of text.split('\n')) {
    const i = line.indexOf('warning: ');
    const isWarning = i >= 0 && (i === 0 || line.slice(0, i).endsWith('> '));
    if (isWarning) {
      skipping = true;
      if (i > 0) lines.push(line.slice(0, i));
      continue;
    }
    if (skipping) {
      if (line.startsWith('  ') || line.trim() === '') {
        if (line.trim() === '') skipping = false;
        continue;
      }
      skipping = false;
    }
    if (isStackLine(line) || line.endsWith('[notice] SIGTERM received - shutting down')) continue;
    // the blank line iex leaves before a new shell's banner
    if (line.startsWith('Interactive Elixir') && lines.length && lines[lines.length - 1] === '') lines.pop();
    // a log line's time of day (the console's is the run's virtual clock)
    lines.push(line.replace(/^\d\d:\d\d:\d\d\.\d\d\d \[/, 'HH:MM:SS.mmm ['));
  }
  let joined = '';
  for (const l of lines) {
    joined += l.trimEnd();
    joined += l.endsWith('> ') && (l.startsWith('iex(') || l.startsWith('...(')) ? ' ' : '\n';
  }
  let text2 = byIdentity(joined, '#PID<', '#PID<P');
  text2 = byIdentity(text2, '#Reference<', '#Reference<R');
  text2 = text2.replace(/#Function<[^/>]*\//g, '#Function</');
  text2 = text2.replace(/<<70, 79, 82, 49[^>]*>>/g, '<<BEAM>>');
  text2 = text2.replaceAll(',\n <<BEAM>>', ', <<BEAM>>').replaceAll('<<BEAM>>,\n ', '<<BEAM>>, ');
  const entries = [];
  let cur = '';
  for (const line of text2.split('\n')) {
    let l = line;
    for (;;) {
      const m = PROMPT.exec(l);
      if (!m) break;
      cur += l.slice(0, m.index);
      entries.push(cur.trimEnd());
      cur = m[0];
      l = l.slice(m.index + m[0].length);
    }
    cur += `${l}\n`;
  }
  entries.push(cur.trimEnd());
  return entries.map((e) => {
    const out = [];
    for (const l of e.split('\n')) {
      if (l.trim() === '' && out.length && out[out.length - 1].trim() === '') continue;
      out.push(l);
    }
    while (out.length && out[out.length - 1].trim() === '') out.pop();
    return out.join('\n');
  });
}

// The differences between two transcripts, entry by entry (at most `show` of them).
export function differences(expected, actual, show = 6) {
  const e = normalize(expected);
  const a = normalize(actual);
  const diffs = [];
  for (let i = 0; i < Math.max(e.length, a.length); i += 1) {
    const x = e[i] ?? '<missing>';
    const y = a[i] ?? '<missing>';
    if (x !== y) diffs.push(`--- entry ${i}\nreal iex:\n${x}\nbrowser:\n${y}`);
  }
  return diffs.length > show ? [...diffs.slice(0, show), `… and ${diffs.length - show} more`] : diffs;
}

// Runs in the page: the console's log as piped iex prints it (prompts, no echoed input).
export function pageTranscript() {
  let out = '';
  for (const li of document.querySelectorAll('ol.console-log > li')) {
    const id = li.dataset.testid;
    if (id === 'console-notice') {
      out += `${li.querySelector('pre').textContent}\n`;
    } else if (id === 'console-entry') {
      const prompts = [...li.querySelectorAll('.echo .prompt')].map((p) => `${p.textContent} `);
      out += prompts.join('') + li.querySelector('[data-testid="console-output"]').textContent + '\n';
    }
  }
  return out;
}
