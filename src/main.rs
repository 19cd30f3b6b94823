//! The browser entry point: installs the internal-error banner and mounts the observer.

#[cfg(target_arch = "wasm32")]
fn main() {
    redfour::ui::install_panic_banner();
    yew::Renderer::<redfour::ui::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Redfour runs in the browser: `scripts/serve.sh` builds it and serves it on http://127.0.0.1:8080");
}
