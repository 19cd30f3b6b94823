// Trunk's initializer hooks (see trunk's guide, "Initializer"): the page says what it is
// doing while the WebAssembly downloads and compiles, and says so if it cannot start.
export default function initializer() {
  const box = () => document.getElementById('loading');
  const say = (text) => {
    const el = document.getElementById('loading-text');
    if (el) el.textContent = text;
  };
  return {
    onStart: () => say('Loading Redfour: downloading the runtime…'),
    onProgress: ({ current, total }) => {
      const kb = (n) => Math.round(n / 1024).toLocaleString('en');
      say(total > 0
        ? `Loading Redfour: ${kb(current)} of ${kb(total)} KB of WebAssembly…`
        : `Loading Redfour: ${kb(current)} KB of WebAssembly…`);
    },
    onComplete: () => {},
    onSuccess: () => {
      box()?.remove();
      // Work offline after this first visit.
      if ('serviceWorker' in navigator) navigator.serviceWorker.register('./sw.js').catch(() => {});
    },
    onFailure: (error) => {
      const el = box();
      if (!el) return;
      el.classList.add('failed');
      el.setAttribute('role', 'alert');
      const why = error && error.message ? error.message : String(error);
      say(/fetch|network|load/i.test(why)
        ? `Redfour could not start: its WebAssembly did not download (${why}). Check the connection and reload.`
        : `Redfour could not start: ${why}. It needs a browser with WebAssembly (any current Chrome, `
          + 'Firefox, Safari or Edge); reload to try again.');
    },
  };
}
