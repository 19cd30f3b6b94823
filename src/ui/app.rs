//! The application shell: the page's regions, filled by later components.

use yew::prelude::*;

/// The shell of the page: header and the four regions of the observer.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <div class="app" data-testid="app">
            <header class="topbar">
                <h1 class="brand">{ "Red:4 Store" }</h1>
                <p class="tagline">{ "Every shopper is a supervised process. Click one to crash it." }</p>
            </header>
            <main class="regions">
                <section class="region floor" aria-labelledby="floor-title" data-testid="region-floor">
                    <h2 id="floor-title">{ "Store floor" }</h2>
                </section>
                <section class="region tree" aria-labelledby="tree-title" data-testid="region-tree">
                    <h2 id="tree-title">{ "Supervision tree" }</h2>
                </section>
                <section class="region processes" aria-labelledby="processes-title" data-testid="region-processes">
                    <h2 id="processes-title">{ "Processes" }</h2>
                </section>
                <section class="region console" aria-labelledby="console-title" data-testid="region-console">
                    <h2 id="console-title">{ "Console" }</h2>
                </section>
            </main>
        </div>
    }
}
